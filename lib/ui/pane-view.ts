/**
 * A blessed element showing one PaneTerminal. With `painter` (the UI), live output is painted
 * by our own PanePainter (pane-painted-area.ts): the view marks its content area in
 * `screen.lines` and paints only the cells the emulator reports changed, straight to the
 * terminal, without a blessed render. Scroll-mode pages (pane-scroll.ts), and every view without
 * `painter`, are copied cell by cell into `screen.lines` (pane-cells.ts).
 *
 * It is a plain `blessed.box` (border, label, position all work) whose own content fill is
 * switched off (`_noFill`, as blessed's ANSIImage does) and whose inner area we paint.
 * It never talks to tmux: keys, sizes and history fetching belong to the caller.
 */
import blessed, { type Widgets } from 'blessed';
import type { IBufferCell, IDisposable } from '@xterm/headless';
import type { PaneTerminal } from '../terminal/pane-terminal';
import type { OlderRows } from './history-pages';
import { renderSchedulerFor, type RenderScheduler } from './render-scheduler';
import { copyCells, paintScrollMarker, type ContentArea } from './pane-cells';
import { PaintedArea } from './pane-painted-area';
import { PaneScroll } from './pane-scroll';

interface Coords {
  xi: number;
  xl: number;
  yi: number;
  yl: number;
}

/** The parts of blessed we rely on that its typings do not declare. */
interface BoxInternals {
  _noFill?: boolean;
  ileft: number;
  itop: number;
  iright: number;
  ibottom: number;
  sattr(style: unknown): number;
  render(): Coords | undefined;
}

export interface PaneViewOptions extends Widgets.BoxOptions {
  terminal?: PaneTerminal | null;
  /** Show a `SCROLL` marker while the view is above the live bottom (default true). */
  scrollMarker?: boolean;
  /** Render interval for the shared scheduler (ms). */
  renderIntervalMs?: number;
  /**
   * Paint live output with our own painter (painted-screen.ts); the owner places the
   * terminal's real cursor (`PaintedScreen.cursorAt`, see `cursorOnScreen`), no inverse cell.
   * Default false: blessed draws the cells, the cursor an inverse cell.
   */
  painter?: boolean;
}

export class PaneView {
  readonly box: Widgets.BoxElement;
  private term: PaneTerminal | null = null;
  private readonly scroll = new PaneScroll();
  private sub: IDisposable | null = null;
  /** The emulator's bell and clipboard subscriptions. */
  private bellSub: IDisposable | null = null;
  /** The shown chat rang its bell (BEL): set by the owner, which passes it on to the terminal. */
  onBell: (() => void) | null = null;
  /** The shown chat set the clipboard (OSC 52): set by the owner, which passes it on. */
  onClipboard: ((selection: string, base64: string) => void) | null = null;
  /**
   * Set by the owner: the emulator was replaced by another one while this view stood `offset`
   * rows up in its history (a reconnect restored the chat into a new emulator).
   */
  onScrolledSwap: ((offset: number) => void) | null = null;
  /** How far up the view stood when its emulator went away, for the next one. */
  private swapOffset = 0;
  private readonly scheduler: RenderScheduler;
  private readonly showScrollMarker: boolean;
  private cell: IBufferCell | null = null;
  private readonly painted: PaintedArea | null = null;

  constructor(screen: Widgets.Screen, o: PaneViewOptions = {}) {
    const { terminal, scrollMarker, renderIntervalMs, painter, ...boxOptions } = o;
    this.box = blessed.box({ ...boxOptions, screen } as Widgets.BoxOptions);
    this.showScrollMarker = scrollMarker ?? true;
    this.scheduler = renderSchedulerFor(screen, renderIntervalMs);
    if (painter) this.painted = new PaintedArea(screen, this, renderIntervalMs);
    const internals = this.box as unknown as BoxInternals;
    internals._noFill = true;
    const boxRender = internals.render.bind(this.box);
    internals.render = () => {
      const coords = boxRender();
      this.painted?.unmark();
      if (coords && this.painted && this.term && !this.isScrolled) this.painted.mark(this.inner(coords));
      else if (coords) this.paint(coords);
      return coords;
    };
    this.box.on('destroy', () => {
      this.setTerminal(null);
      this.painted?.dispose();
    });
    if (terminal) this.setTerminal(terminal);
  }

  get terminal(): PaneTerminal | null {
    return this.term;
  }

  /** Show another emulator (or none); output of the new one schedules renders while visible. */
  setTerminal(term: PaneTerminal | null): void {
    if (term === this.term) return;
    // A reconnect takes the chat's emulator away (none until restored), then gives a new one.
    const offset = this.term ? this.scrollOffset : this.swapOffset;
    this.swapOffset = term ? 0 : offset;
    this.sub?.dispose();
    this.bellSub?.dispose();
    this.sub = this.bellSub = null;
    this.term = term;
    this.painted?.setTerminal(term);
    this.cell = term ? term.buffer.getNullCell() : null;
    this.setOlderHistory(null);
    if (term) {
      this.sub = term.onChange(() => this.scheduleRender());
      const bell = term.onBell(() => this.onBell?.());
      const clip = term.onClipboard((sel, b64) => this.onClipboard?.(sel, b64));
      this.bellSub = { dispose: () => (bell.dispose(), clip.dispose()) };
    }
    this.scheduleRender();
    if (term && offset > 0) this.onScrolledSwap?.(offset);
  }

  /**
   * Set by the owner: true while nothing is drawn over this view (no dialog, no note), so its
   * output can be drawn without rendering the rest of the screen. Unset: always the whole screen.
   */
  drawsAlone: (() => boolean) | null = null;

  /** Ask for a (coalesced) render of this view, only if it is on screen. */
  scheduleRender(): void {
    if (!this.box.visible) return;
    // Live and painted by us at the last render: paint the changes without blessed.
    // A typed key's echo is painted at once, even within the frame interval of the last paint.
    if (this.painted?.marked && this.term && !this.isScrolled) this.painted.schedule(this.term.echoing);
    else this.scheduler.schedule(this.renderAlone);
  }

  /** Draw just this view's rows (blessed's render of it, then a diff of those rows). */
  private readonly renderAlone = (): boolean => {
    if (!this.drawsAlone?.()) return false;
    const screen = this.box.screen as unknown as { destroyed?: boolean; lines: unknown[]; draw(start: number, end: number): void };
    if (screen.destroyed) return true;
    const coords = (this.box as unknown as BoxInternals).render();
    if (!coords) return false;
    // The screen may just have shrunk below the box: draw only rows it has.
    screen.draw(coords.yi, Math.min(coords.yl, screen.lines.length) - 1);
    return true;
  };

  // ------------------------------------------------------------ scroll mode

  /**
   * History older than the emulator's scrollback (see `HistoryPages`): depth 1 is the line
   * just above the emulator's oldest line. The caller owns (and disposes) it.
   */
  setOlderHistory(older: OlderRows | null): void {
    this.scroll.setOlder(older);
    this.scheduleRender();
  }

  /** Rows the view is above the live bottom (0 = following live output). */
  get scrollOffset(): number {
    return this.scroll.offset(this.term);
  }

  get isScrolled(): boolean {
    return this.scrollOffset > 0;
  }

  /** True when the view shows the emulator's oldest line: time to fetch older history from tmux. */
  get atOldestLocalLine(): boolean {
    return this.scroll.atOldestLocalLine(this.term);
  }

  /** Negative = towards older lines. Returns how far the view moved (may be less: an end). */
  scrollBy(rows: number): number {
    const t = this.term;
    if (!t || rows === 0) return 0;
    const before = this.scrollOffset;
    this.scroll.scrollBy(t, rows);
    this.scheduleRender();
    return Math.abs(this.scrollOffset - before);
  }

  scrollPage(pages: number): void {
    this.scrollBy(pages * Math.max(1, this.innerSize().rows - 1));
  }

  scrollToTop(): void {
    if (!this.term) return;
    this.scroll.toTop(this.term);
    this.scheduleRender();
  }

  /** Leave scroll mode: back to live output. */
  scrollToBottom(): void {
    this.swapOffset = 0;
    if (!this.term) return;
    this.scroll.toBottom(this.term);
    this.scheduleRender();
  }

  /** Inner size (inside border/padding): what the tmux pane should be sized to. */
  innerSize(): { cols: number; rows: number } {
    const b = this.box as unknown as BoxInternals & { width: number; height: number };
    const cols = Math.max(1, (typeof b.width === 'number' ? b.width : 1) - b.ileft - b.iright);
    const rows = Math.max(1, (typeof b.height === 'number' ? b.height : 1) - b.itop - b.ibottom);
    return { cols, rows };
  }

  /** The pane cell under screen cell (x, y) (0-based), or null outside the content area. */
  cellAt(x: number, y: number): { col: number; row: number } | null {
    const b = this.box as unknown as BoxInternals & { aleft: number; atop: number };
    if (!this.box.visible) return null;
    const inner = this.innerSize();
    const col = x - b.aleft - b.ileft;
    const row = y - b.atop - b.itop;
    return col >= 0 && row >= 0 && col < inner.cols && row < inner.rows ? { col, row } : null;
  }

  // ------------------------------------------------------------ drawing

  /** The screen's cell rows and the box's content area (inside border and padding), end-exclusive. */
  private inner(coords: Coords): ContentArea {
    const box = this.box as unknown as BoxInternals & { screen: Widgets.Screen };
    const lines = (box.screen as unknown as { lines: ContentArea['lines'] }).lines;
    return { lines, xi: coords.xi + box.ileft, xl: coords.xl - box.iright, yi: coords.yi + box.itop, yl: coords.yl - box.ibottom, attr: box.sattr(this.box.style) };
  }

  /** Blessed draws the content area: copy the shown lines (and the marker) into `screen.lines`. */
  private paint(coords: Coords): void {
    const area = this.inner(coords);
    const t = this.term;
    copyCells(area, t ? (row) => this.scroll.sourceLine(t, row, this.cell!) : null, (t && !this.painted && this.cursorCell()) || null);
    if (this.showScrollMarker && this.isScrolled) paintScrollMarker(area, this.scrollOffset);
    if (t) this.scroll.wantShown(t, area.yl - area.yi);
  }

  /**
   * The screen cell of the application's cursor, and its shape, while this view is focused,
   * live and the application shows its cursor (and nothing is drawn over that cell); null
   * otherwise (the real cursor is hidden then).
   */
  cursorOnScreen(): { x: number; y: number; shape: number } | null {
    const c = this.cursorCell();
    const b = this.box as unknown as BoxInternals & { aleft: number; atop: number };
    if (!c || !this.box.visible) return null;
    const inner = this.innerSize();
    if (c.row >= inner.rows || c.col >= inner.cols) return null;
    if (this.painted?.hides(c.row, c.col)) return null;
    return { x: b.aleft + b.ileft + c.col, y: b.atop + b.itop + c.row, shape: this.term!.cursorShape };
  }

  /** Where to draw the cursor: focused, live (not scrolled), cursor shown by the app. */
  private cursorCell(): { row: number; col: number } | null {
    const t = this.term;
    if (!t || this.isScrolled || !t.cursorVisible) return null;
    if ((this.box.screen as unknown as { focused?: unknown }).focused !== this.box) return null;
    return { row: t.cursorY, col: Math.min(t.cursorX, t.cols - 1) };
  }
}
