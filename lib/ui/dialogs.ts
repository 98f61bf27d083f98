/**
 * Modal dialogs driven by our own input tokens (not blessed's key handling, so keys behave
 * the same everywhere): new chat, rename, confirm, help, inspector; the exit prompt is in
 * exit-dialog.ts. A dialog renders into one centred blessed box; `key()` returns 'close' when
 * it is done.
 */
import blessed, { type Widgets } from 'blessed';
import type { Token } from './input';
import { displayWidth } from './widths';

export type KeyResult = 'keep' | 'close';

type Size = { width: number; height: number };

export abstract class Dialog {
  readonly box: Widgets.BoxElement;
  /** First body row shown when the body is taller than the box (issue 12.6: small terminals). */
  private bodyOffset = 0;

  constructor(
    private readonly screen: Widgets.Screen,
    title: string,
    /** The size wanted on a screen of `w` × `h`; it is then cut to the screen. */
    private readonly want: (w: number, h: number) => Size,
  ) {
    this.box = blessed.box({
      parent: screen,
      top: 'center',
      left: 'center',
      ...this.size(),
      border: { type: 'line' },
      label: ` ${title} `,
      tags: true,
      style: { border: { fg: 'cyan' } },
      padding: { left: 1, right: 1 },
    });
  }

  private size(): Size {
    const w = (this.screen.width as number) || 80;
    const h = (this.screen.height as number) || 24;
    const s = this.want(w, h);
    return { width: Math.max(10, Math.min(w, s.width)), height: Math.max(4, Math.min(h, s.height)) };
  }

  /** The screen changed size: fit again and redraw the content. */
  fit(): void {
    Object.assign(this.box, this.size());
    this.refresh();
  }

  /** Text area inside border and padding. */
  protected inner(): { cols: number; rows: number } {
    return { cols: Math.max(1, (this.box.width as number) - 4), rows: Math.max(1, (this.box.height as number) - 2) };
  }

  /**
   * Body and footer cut to the box: long lines wrap here (so rows can be counted), the footer
   * always shows, and the body scrolls to keep its line `focus` in view.
   */
  protected fitted(body: readonly string[], focus: number, footer: readonly string[]): string {
    const { cols, rows } = this.inner();
    const foot = footer.flatMap((l) => wrapTagged(l, cols));
    const wrapped = body.map((l) => wrapTagged(l, cols));
    const flat = wrapped.flat();
    const room = Math.max(1, rows - foot.length);
    if (flat.length <= room) {
      this.bodyOffset = 0;
      return [...flat, ...foot].join('\n');
    }
    const focusRow = wrapped.slice(0, Math.max(0, focus)).reduce((n, l) => n + l.length, 0);
    const focusEnd = focusRow + (wrapped[focus]?.length ?? 1);
    if (focusRow < this.bodyOffset) this.bodyOffset = focusRow;
    if (focusEnd > this.bodyOffset + room) this.bodyOffset = focusEnd - room;
    this.bodyOffset = Math.max(0, Math.min(this.bodyOffset, flat.length - room));
    return [...flat.slice(this.bodyOffset, this.bodyOffset + room), ...foot].join('\n');
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

const TAG = /^\{(\/?)([\w\-,;!#|]*)\}/;

/** One line of blessed-tagged text broken into rows of at most `width` columns (tags take none). */
export function wrapTagged(line: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (let i = 0; i < line.length; ) {
    const tag = TAG.exec(line.slice(i, i + 40));
    if (tag && tag[2] !== 'open' && tag[2] !== 'close') {
      row += tag[0];
      i += tag[0].length;
      continue;
    }
    const ch = tag ? tag[0] : String.fromCodePoint(line.codePointAt(i)!);
    const w = tag ? 1 : displayWidth(ch);
    if (used + w > width && used > 0) {
      rows.push(row);
      row = '';
      used = 0;
    }
    row += ch;
    used += w;
    i += ch.length;
  }
  rows.push(row);
  return rows;
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
    super(screen, title, () => ({ width: 78, height: fields.length * 2 + 6 }));
    this.refresh();
  }

  content(): string {
    // Small terminal: one row per field and only the focused field's hint (12.6).
    const compact = this.inner().rows < this.fields.length * 2 + 4 || this.inner().cols < 70;
    const rows = this.fields.map((f, i) => {
      const focus = i === this.index;
      const shown = f.choices ? f.choices.map((c) => (c === f.value ? `{inverse}${esc(c)}{/inverse}` : esc(c))).join(' ') : esc(f.value) + (focus ? '{inverse} {/inverse}' : '');
      const row = `${focus ? '{cyan-fg}>{/cyan-fg}' : ' '} ${f.label.padEnd(9)} ${shown}`;
      return compact ? row : `${row}\n  ${' '.repeat(9)} {gray-fg}${esc(f.hint ?? '')}{/gray-fg}`;
    });
    const body = rows.join('\n').split('\n');
    const focusLine = compact ? this.index : this.index * 2;
    const hint = compact ? [`{gray-fg}${esc(this.fields[this.index]?.hint ?? '')}{/gray-fg}`] : [];
    const error = this.error ? [`{red-fg}${esc(this.error)}{/red-fg}`] : compact ? [] : [''];
    return this.fitted(body, focusLine, [...hint, ...error, `{gray-fg}${this.footer}{/gray-fg}`]);
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
    super(screen, title, (w) => ({ width: Math.min(70, Math.max(40, question.length + 8)), height: 4 + wrapTagged(esc(question), Math.min(w, 70) - 4).length }));
    this.refresh();
  }

  content(): string {
    return this.fitted([esc(this.question)], 0, ['', '{bold}y{/bold} yes   {bold}n{/bold}/Esc no']);
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
    // 80 % of the screen, but the whole width of a small one.
    super(screen, title, (w, h) => ({ width: w < 100 ? w : Math.floor(w * 0.8), height: h < 30 ? h - 1 : Math.floor(h * 0.8) }));
    this.refresh();
  }

  content(): string {
    const { cols } = this.inner();
    // Wrapped here, so scrolling counts the rows on screen.
    const lines = this.text().split('\n').flatMap((l) => wrapTagged(l, cols));
    const h = Math.max(1, this.inner().rows - 1);
    this.offset = Math.max(0, Math.min(this.offset, lines.length - h));
    return lines.slice(this.offset, this.offset + h).join('\n') + '\n{gray-fg}↑↓ PgUp PgDn scroll • q/Esc close{/gray-fg}';
  }

  key(t: Token): KeyResult {
    if (t.kind !== 'key') return 'keep';
    if (t.name === 'escape' || t.char === 'q' || t.name === 'enter') return 'close';
    const h = Math.max(1, this.inner().rows - 1);
    if (t.name === 'up') this.offset--;
    else if (t.name === 'down') this.offset++;
    else if (t.name === 'pageup') this.offset -= h;
    else if (t.name === 'pagedown' || t.name === 'space') this.offset += h;
    this.offset = Math.max(0, this.offset);
    this.refresh();
    return 'keep';
  }
}
