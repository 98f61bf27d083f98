/**
 * Feeds one pane's output into its emulator, holding it back while the pane is restored.
 *
 * tmux orders a command's reply against `%output` (docs/tmux-control-mode.md §9.1): output
 * numbered up to the capture reply's `outputSeq` is already in the capture, later output is
 * not. So output that arrives during a restore is queued with its number, and when the
 * restore is done only the newer part is applied.
 */
import type { TmuxRunner } from '../control/exec';
import type { PaneTerminal } from './pane-terminal';
import { restorePane, type RestoreResult } from './restore';

export class OutputGate {
  private held: Array<{ seq: number; data: Uint8Array }> | null = null;

  constructor(readonly term: PaneTerminal) {}

  get restoring(): boolean {
    return this.held !== null;
  }

  /** Pane bytes numbered `seq` (the control client's `outputSeq` when the message came). */
  write(data: Uint8Array, seq: number): void {
    if (this.held) this.held.push({ seq, data });
    else this.term.write(data);
  }

  /** Start holding output back. */
  hold(): void {
    this.held ??= [];
  }

  /**
   * Stop holding: apply held output newer than `capturedSeq`. Without a number (a runner that
   * cannot order replies against output) everything held is applied: a few rows may repeat,
   * but nothing is lost.
   */
  release(capturedSeq: number | null): void {
    const held = this.held ?? [];
    this.held = null;
    for (const h of held) if (capturedSeq === null || h.seq > capturedSeq) this.term.write(h.data);
  }

  /** Restore the pane from tmux, then continue with the output that came after the capture. */
  async restore(r: TmuxRunner, paneId: string, scrollback: number): Promise<RestoreResult> {
    this.hold();
    try {
      const res = await restorePane(r, paneId, this.term, scrollback);
      this.release(res.outputSeq);
      return res;
    } catch (e) {
      this.release(null);
      throw e;
    }
  }
}
