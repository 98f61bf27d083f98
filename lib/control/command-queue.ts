/**
 * The commands a control client has sent and not yet had answered. tmux answers commands in
 * the order it read them, each in a flags-1 block, so a reply belongs to the oldest command
 * waiting (FIFO). Nothing may be written before the attach's own block (flags 0) has closed
 * (§1.2): lines queued until then wait in the outbox and go out in order on `open`.
 */
import type { ReplyBlock } from './events';
import { TmuxClosedError, TmuxCommandError } from './errors';

interface Pending {
  verb: string;
  resolve: (lines: string[], outputSeq: number) => void;
  reject: (err: Error) => void;
}

export class CommandQueue {
  private readonly pending: Pending[] = [];
  private readonly outbox: string[] = [];
  private write: ((line: string) => void) | null = null;

  /** Send one command line (`verb` names it in errors); resolves with its reply. */
  send(verb: string, line: string): Promise<{ lines: string[]; outputSeq: number }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ verb, resolve: (lines, outputSeq) => resolve({ lines, outputSeq }), reject });
      if (this.write) this.write(line + '\n');
      else this.outbox.push(line);
    });
  }

  /** The connection takes commands now: what waited goes out, later lines at once. */
  open(write: (data: string) => void): void {
    this.write = write;
    for (const line of this.outbox.splice(0)) write(line + '\n');
  }

  /**
   * A flags-1 block answers the oldest command waiting (`outputSeq`: output seen when it
   * closed). False when no command waits: the block is not ours (hooks, if-shell …).
   */
  reply(block: ReplyBlock, outputSeq: number): boolean {
    const p = this.pending.shift();
    if (!p) return false;
    if (block.error) p.reject(new TmuxCommandError(block.lines.join('\n'), p.verb));
    else p.resolve(block.lines, outputSeq);
    return true;
  }

  /** The connection ended: every command waiting fails with `reason`, nothing more is sent. */
  fail(reason: string): void {
    for (const p of this.pending.splice(0)) p.reject(new TmuxClosedError(reason));
    this.outbox.length = 0;
  }
}
