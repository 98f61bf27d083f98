/**
 * The exit prompt (the seeds' design): with chats running, quitting asks whether to leave them
 * all running (the default), close them all, or choose per chat. Nothing is stopped unless the
 * user says so here. A Dialog like the others in dialogs.ts; app-exit.ts opens it.
 */
import type { Widgets } from 'blessed';
import { Dialog, esc, type KeyResult } from './dialogs';
import type { Token } from './input';

export interface ExitChoice {
  ref: string;
  label: string;
  choice: 'leave' | 'close';
}

export type ExitDecision = { kind: 'leave-all' } | { kind: 'close-all' } | { kind: 'per-chat'; close: string[] };

/** The seeds' exit prompt: [a]/Enter leave all, [c] close all, [s] per chat, [Esc] cancel. */
export class ExitDialog extends Dialog {
  private perChat = false;
  private index = 0;

  constructor(
    screen: Widgets.Screen,
    private readonly chats: ExitChoice[],
    private readonly decide: (d: ExitDecision) => void,
  ) {
    super(screen, 'Quit chatmux', () => ({ width: 64, height: Math.min(24, chats.length + 9) }));
    this.refresh();
  }

  content(): string {
    const n = this.chats.length;
    if (!this.perChat) {
      return this.fitted([
        `You have ${n} active chat${n === 1 ? '' : 's'}.`,
        '',
        '{bold}[a]{/bold} / Enter  leave all running (default)',
        '{bold}[c]{/bold}          close all',
        '{bold}[s]{/bold}          choose per chat',
        '{bold}[Esc]{/bold}        cancel',
      ], 0, []);
    }
    const rows = this.chats.map((c, i) => {
      const mark = c.choice === 'leave' ? '{green-fg}leave{/green-fg}' : '{red-fg}close{/red-fg}';
      return `${i === this.index ? '{cyan-fg}>{/cyan-fg}' : ' '} ${mark}  ${esc(c.label)}`;
    });
    return this.fitted(rows, this.index, ['', '{bold}[l]{/bold} leave  {bold}[c]{/bold} close  {bold}[b]{/bold} back  Enter done  Esc cancel']);
  }

  key(t: Token): KeyResult {
    if (t.kind !== 'key') return 'keep';
    if (t.name === 'escape') return 'close';
    if (!this.perChat) {
      if (t.char === 'a' || t.name === 'enter') return this.finish({ kind: 'leave-all' });
      if (t.char === 'c') return this.finish({ kind: 'close-all' });
      if (t.char === 's') {
        this.perChat = true;
        this.refresh();
      }
      return 'keep';
    }
    const cur = this.chats[this.index]!;
    if (t.char === 'l' || t.char === 'c') {
      cur.choice = t.char === 'l' ? 'leave' : 'close';
      if (this.index === this.chats.length - 1) return this.finishPerChat();
      this.index++;
    } else if (t.char === 'b' || t.name === 'up') {
      if (this.index === 0) this.perChat = false;
      else this.index--;
    } else if (t.name === 'down') this.index = Math.min(this.chats.length - 1, this.index + 1);
    else if (t.name === 'enter') return this.finishPerChat();
    this.refresh();
    return 'keep';
  }

  private finishPerChat(): KeyResult {
    return this.finish({ kind: 'per-chat', close: this.chats.filter((c) => c.choice === 'close').map((c) => c.ref) });
  }

  private finish(d: ExitDecision): KeyResult {
    this.decide(d);
    return 'close';
  }
}
