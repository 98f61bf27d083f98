/**
 * Modal dialogs driven by our own input tokens (not blessed's key handling, so keys behave
 * the same everywhere): new chat, rename, confirm, help, inspector and the exit prompt.
 * A dialog renders into one centred blessed box; `key()` returns 'close' when it is done.
 */
import blessed, { type Widgets } from 'blessed';
import type { Token } from './input';

export type KeyResult = 'keep' | 'close';

export abstract class Dialog {
  readonly box: Widgets.BoxElement;

  constructor(
    screen: Widgets.Screen,
    title: string,
    size: { width: number | string; height: number | string },
  ) {
    this.box = blessed.box({
      parent: screen,
      top: 'center',
      left: 'center',
      width: size.width,
      height: size.height,
      border: { type: 'line' },
      label: ` ${title} `,
      tags: true,
      style: { border: { fg: 'cyan' } },
      padding: { left: 1, right: 1 },
    });
  }

  abstract content(): string;
  abstract key(t: Token): KeyResult;

  refresh(): void {
    this.box.setContent(this.content());
  }

  destroy(): void {
    this.box.destroy();
  }
}

export const esc = (s: string): string => blessed.escape(s);

// ---------------------------------------------------------------- text fields

interface Field {
  label: string;
  value: string;
  /** A fixed set of values cycled with ←/→ (and selected by typing its first letter). */
  choices?: readonly string[];
  hint?: string;
}

/** Edits `value` for one key; returns true when the key was used. */
function editText(f: Field, t: Token): boolean {
  if (t.kind === 'paste') {
    f.value += t.text.replace(/[\r\n\t]+/g, ' ');
    return true;
  }
  if (t.kind !== 'key') return false;
  if (f.choices) {
    const i = f.choices.indexOf(f.value);
    if (t.name === 'left' || t.name === 'right' || t.name === 'space') {
      const step = t.name === 'left' ? -1 : 1;
      f.value = f.choices[(i + step + f.choices.length) % f.choices.length]!;
      return true;
    }
    if (t.char) {
      const hit = f.choices.find((c) => c.startsWith(t.char!.toLowerCase()));
      if (hit) f.value = hit;
      return true;
    }
    return false;
  }
  if (t.name === 'backspace') {
    f.value = Array.from(f.value).slice(0, -1).join('');
    return true;
  }
  if (t.char !== undefined && t.name !== 'enter' && t.name !== 'tab') {
    f.value += t.char;
    return true;
  }
  return false;
}

export class FormDialog extends Dialog {
  private index = 0;
  error = '';

  constructor(
    screen: Widgets.Screen,
    title: string,
    readonly fields: Field[],
    private readonly onSubmit: (values: string[]) => Promise<string | null> | string | null,
    private readonly footer = 'Enter create • Tab/↑↓ move • ←→ choose • Esc cancel',
  ) {
    super(screen, title, { width: 78, height: fields.length * 2 + 6 });
    this.refresh();
  }

  content(): string {
    const rows = this.fields.map((f, i) => {
      const focus = i === this.index;
      const shown = f.choices ? f.choices.map((c) => (c === f.value ? `{inverse}${esc(c)}{/inverse}` : esc(c))).join(' ') : esc(f.value) + (focus ? '{inverse} {/inverse}' : '');
      return `${focus ? '{cyan-fg}>{/cyan-fg}' : ' '} ${f.label.padEnd(9)} ${shown}\n  ${' '.repeat(9)} {gray-fg}${esc(f.hint ?? '')}{/gray-fg}`;
    });
    return `${rows.join('\n')}\n${this.error ? `{red-fg}${esc(this.error)}{/red-fg}` : ''}\n{gray-fg}${this.footer}{/gray-fg}`;
  }

  key(t: Token): KeyResult {
    if (t.kind === 'key') {
      if (t.name === 'escape') return 'close';
      if (t.name === 'tab' || t.name === 'down') this.index = (this.index + 1) % this.fields.length;
      else if (t.name === 'backtab' || t.name === 'up') this.index = (this.index - 1 + this.fields.length) % this.fields.length;
      else if (t.name === 'enter') {
        void this.submit();
        return 'keep';
      } else editText(this.fields[this.index]!, t);
    } else editText(this.fields[this.index]!, t);
    this.refresh();
    return 'keep';
  }

  /** Set by the app: called when the form wants to close after a successful submit. */
  onDone: () => void = () => {};

  private async submit(): Promise<void> {
    this.error = '';
    try {
      const err = await this.onSubmit(this.fields.map((f) => f.value));
      if (err) this.error = err;
      else return this.onDone();
    } catch (e) {
      this.error = (e as Error).message;
    }
    this.refresh();
    this.box.screen.render();
  }
}

export class ConfirmDialog extends Dialog {
  constructor(
    screen: Widgets.Screen,
    title: string,
    private readonly question: string,
    private readonly onYes: () => void,
  ) {
    super(screen, title, { width: Math.min(70, Math.max(40, question.length + 8)), height: 6 });
    this.refresh();
  }

  content(): string {
    return `${esc(this.question)}\n\n{bold}y{/bold} yes   {bold}n{/bold}/Esc no`;
  }

  key(t: Token): KeyResult {
    if (t.kind !== 'key') return 'keep';
    if (t.char === 'y' || t.char === 'Y') {
      this.onYes();
      return 'close';
    }
    if (t.char === 'n' || t.char === 'N' || t.name === 'escape' || t.name === 'enter') return 'close';
    return 'keep';
  }
}

/** Scrollable text (help, inspector). */
export class TextDialog extends Dialog {
  private offset = 0;

  constructor(
    screen: Widgets.Screen,
    title: string,
    private text: () => string,
  ) {
    super(screen, title, { width: '80%', height: '80%' });
    this.refresh();
  }

  content(): string {
    const lines = this.text().split('\n');
    const h = Math.max(1, (this.box.height as number) - 3);
    this.offset = Math.max(0, Math.min(this.offset, lines.length - h));
    return lines.slice(this.offset, this.offset + h).join('\n') + '\n{gray-fg}↑↓ PgUp PgDn scroll • q/Esc close{/gray-fg}';
  }

  key(t: Token): KeyResult {
    if (t.kind !== 'key') return 'keep';
    if (t.name === 'escape' || t.char === 'q' || t.name === 'enter') return 'close';
    const h = Math.max(1, (this.box.height as number) - 3);
    if (t.name === 'up') this.offset--;
    else if (t.name === 'down') this.offset++;
    else if (t.name === 'pageup') this.offset -= h;
    else if (t.name === 'pagedown' || t.name === 'space') this.offset += h;
    this.offset = Math.max(0, this.offset);
    this.refresh();
    return 'keep';
  }
}

// ---------------------------------------------------------------- exit prompt

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
    super(screen, 'Quit chatmux', { width: 64, height: Math.min(24, chats.length + 9) });
    this.refresh();
  }

  content(): string {
    const n = this.chats.length;
    if (!this.perChat) {
      return `You have ${n} active chat${n === 1 ? '' : 's'}.\n\n` +
        '{bold}[a]{/bold} / Enter  leave all running (default)\n' +
        '{bold}[c]{/bold}          close all\n' +
        '{bold}[s]{/bold}          choose per chat\n' +
        '{bold}[Esc]{/bold}        cancel';
    }
    const rows = this.chats.map((c, i) => {
      const mark = c.choice === 'leave' ? '{green-fg}leave{/green-fg}' : '{red-fg}close{/red-fg}';
      return `${i === this.index ? '{cyan-fg}>{/cyan-fg}' : ' '} ${mark}  ${esc(c.label)}`;
    });
    return `${rows.join('\n')}\n\n{bold}[l]{/bold} leave  {bold}[c]{/bold} close  {bold}[b]{/bold} back  Enter done  Esc cancel`;
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
