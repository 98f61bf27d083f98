/**
 * One headless terminal emulator per tmux pane. It is fed the pane's raw bytes (from
 * `%output` or a restore stream) and is read by the painter; it never talks back: replies
 * the emulator would send to the application (`onData`) are dropped, because tmux already
 * answered the application itself.
 */
import { Terminal, type IBuffer, type IDisposable } from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { scrollOnClear } from './clear-history';
import { mouseReport, tracksMouse, type PaneMouseEvent } from './mouse-report';
import { guardEraseAbove } from './xterm-guards';
import { rulesName, TmuxWidthProvider, UNICODE11_RULES, type TmuxWidthRules } from './tmux-widths';

export const DEFAULT_SCROLLBACK = 1000;

export interface PaneTerminalOptions {
  cols: number;
  rows: number;
  /** Lines kept above the screen; older history is read from tmux on demand. */
  scrollback?: number;
  /** How the pane's tmux counts cell widths (`widthRulesFor(version)`); default tmux ≤ 3.3's. */
  widths?: TmuxWidthRules;
}

type Listener<T> = (value: T) => void;

/** A headless emulator for one pane: `write()` its bytes, read rows, cursor and modes. */
export class PaneTerminal {
  readonly term: Terminal;
  private readonly disposables: IDisposable[] = [];
  private readonly changed = new Set<Listener<void>>();
  private disposed = false;
  private lastTitle = '';
  /** The user typed: the next write is most likely the echo. */
  private typed = false;
  private echo = false;
  readonly widths: TmuxWidthRules;

  constructor(o: PaneTerminalOptions) {
    this.term = new Terminal({
      cols: clampSize(o.cols),
      rows: clampSize(o.rows),
      scrollback: Math.max(0, Math.floor(o.scrollback ?? DEFAULT_SCROLLBACK)),
      // The unicode11 addon uses the proposed `unicode` API.
      allowProposedApi: true,
    });
    this.term.loadAddon(new Unicode11Addon());
    this.disposables.push(...guardEraseAbove(this.term), ...scrollOnClear(this.term));
    // tmux counts 🚀 ✅ as two columns; the default (v6) table says one and rows drift.
    this.widths = o.widths ?? UNICODE11_RULES;
    const version = rulesName(this.widths);
    if (version !== '11') this.term.unicode.register(new TmuxWidthProvider(this.widths));
    this.term.unicode.activeVersion = version;
    const fire = (): void => this.fireChange();
    this.disposables.push(
      // Once per parsed chunk (not per line: onScroll would fire for every line fed).
      this.term.onWriteParsed(fire),
      this.term.onResize(fire),
      this.term.buffer.onBufferChange(fire),
      // Keep the latest title (OSC 0/2) for views created after it was set.
      this.term.onTitleChange((t) => (this.lastTitle = t)),
    );
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /** Raw pane bytes; a UTF-8 character split between two writes is reassembled by xterm. */
  write(data: Uint8Array | string, done?: () => void): void {
    if (this.disposed) return;
    this.echo = this.typed;
    this.typed = false;
    try {
      this.term.write(data, done);
    } finally {
      this.echo = false;
    }
  }

  /**
   * True while the first write after `userTyped` is parsed (xterm parses it inside `write`):
   * its change is the echo of a key, to be shown at once rather than at the next frame.
   */
  get echoing(): boolean {
    return this.echo;
  }

  /**
   * The user just typed into this pane: xterm then parses the next write (normally the echo)
   * at once instead of on a later timer tick, as a terminal with a keyboard does. Its data
   * event carries nothing and is dropped like every reply.
   */
  userTyped(): void {
    if (this.disposed) return;
    this.term.input('', true);
    this.typed = true;
  }

  /** Resolves once everything written so far is parsed (xterm parses asynchronously). */
  flush(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.term.write('', resolve));
  }

  resize(cols: number, rows: number): void {
    const c = clampSize(cols);
    const r = clampSize(rows);
    if (c !== this.term.cols || r !== this.term.rows) this.term.resize(c, r);
  }

  /** Back to a blank screen, empty scrollback, default modes (before a restore). */
  reset(): void {
    this.term.reset();
  }

  /** Output changed (after each parsed write chunk), the viewport scrolled, or the size changed. */
  onChange(listener: () => void): IDisposable {
    this.changed.add(listener);
    return { dispose: () => this.changed.delete(listener) };
  }

  onTitle(listener: (title: string) => void): IDisposable {
    return this.track(this.term.onTitleChange(listener));
  }

  onBell(listener: () => void): IDisposable {
    return this.track(this.term.onBell(listener));
  }

  /**
   * The application set the clipboard (OSC 52: `/copy` in claude, codex's copy, vim over ssh):
   * its selection letters and the base64 text. Queries (`?`) and malformed ones are not reported.
   */
  onClipboard(listener: (selection: string, base64: string) => void): IDisposable {
    return this.track(
      this.term.parser.registerOscHandler(52, (data) => {
        const m = /^([cpqs0-7]*);([A-Za-z0-9+/]*={0,2})$/.exec(data);
        if (m && m[2]!.length <= MAX_CLIPBOARD_BASE64) listener(m[1]!, m[2]!);
        return true;
      }),
    );
  }

  // ------------------------------------------------------------ reading (for the painter)

  get buffer(): IBuffer {
    return this.term.buffer.active;
  }

  get alternateScreen(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** First buffer line shown (== baseY when following live output). */
  get viewportY(): number {
    return this.term.buffer.active.viewportY;
  }

  /** First buffer line of the live screen; lines above it are scrollback. */
  get baseY(): number {
    return this.term.buffer.active.baseY;
  }

  get cursorX(): number {
    return this.term.buffer.active.cursorX;
  }

  /** Cursor row relative to the live screen (not the viewport). */
  get cursorY(): number {
    return this.term.buffer.active.cursorY;
  }

  get cursorVisible(): boolean {
    return !cursorHidden(this.term);
  }

  /** The cursor shape the application set (DECSCUSR's Ps: 0 default, 1/2 block, 3/4 underline, 5/6 bar). */
  get cursorShape(): number {
    return cursorShape(this.term);
  }

  /** The application tracks the mouse: reports go to it (see mouseReport). */
  get tracksMouse(): boolean {
    return tracksMouse(this.term);
  }

  /** The bytes the application wants for this mouse event, encoded as it asked; null if it wants none. */
  mouseReport(e: PaneMouseEvent): Buffer | null {
    return mouseReport(this.term, e);
  }

  get title(): string {
    return this.lastTitle;
  }

  /** The text of one screen row (0 = top of the live screen), for tests and the inspector. */
  rowText(row: number, trimRight = true): string {
    const line = this.buffer.getLine(this.baseY + row);
    return line ? line.translateToString(trimRight) : '';
  }

  // ------------------------------------------------------------ scrolling (scroll mode)

  /** Rows the viewport is above the live bottom (0 = live). */
  get scrollOffset(): number {
    return this.baseY - this.viewportY;
  }

  get isAtBottom(): boolean {
    return this.viewportY >= this.baseY;
  }

  scrollLines(n: number): void {
    this.term.scrollLines(n);
    this.fireChange();
  }

  scrollPages(n: number): void {
    this.term.scrollPages(n);
    this.fireChange();
  }

  scrollToTop(): void {
    this.term.scrollToTop();
    this.fireChange();
  }

  scrollToBottom(): void {
    this.term.scrollToBottom();
    this.fireChange();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.changed.clear();
    this.term.dispose();
  }

  /** Scrolling the viewport changes what is visible without a write. */
  private fireChange(): void {
    for (const l of this.changed) l();
  }

  private track(d: IDisposable): IDisposable {
    this.disposables.push(d);
    return d;
  }
}

/** About 1 MB of text: terminals refuse much more anyway (xterm's default limit is far lower). */
const MAX_CLIPBOARD_BASE64 = 1_400_000;

function clampSize(n: number): number {
  return Math.max(1, Math.min(10000, Math.floor(Number.isFinite(n) ? n : 1)));
}

/**
 * xterm has no public "cursor hidden" (DECTCEM) flag; read the internal one, isolated here.
 * If a future xterm moves it, the cursor is simply treated as visible.
 */
export function cursorHidden(term: Terminal): boolean {
  const core = (term as unknown as { _core?: { coreService?: { isCursorHidden?: unknown } } })._core;
  const v = core?.coreService?.isCursorHidden;
  return typeof v === 'boolean' ? v : false;
}

/** DECSCUSR Ps for the shape the application asked for (xterm keeps it internally; 0 if unknown). */
export function cursorShape(term: Terminal): number {
  const modes = (term as unknown as { _core?: { coreService?: { decPrivateModes?: { cursorStyle?: unknown; cursorBlink?: unknown } } } })._core?.coreService?.decPrivateModes;
  const base = ({ block: 1, underline: 3, bar: 5 } as Record<string, number>)[String(modes?.cursorStyle)];
  if (!base) return 0;
  return modes?.cursorBlink === false ? base + 1 : base;
}
