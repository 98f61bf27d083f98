/**
 * A blessed element showing one PaneTerminal. With `painter` (the UI), live output is painted
 * by our own PanePainter (see painted-screen.ts): the view marks its content area in
 * `screen.lines` and paints only the cells the emulator reports changed, straight to the
 * terminal, without a blessed render. Scroll-mode pages, and every view without `painter`,
 * are copied cell by cell into `screen.lines` (docs/ecosystem.md §2.3), marking a row dirty
 * only when a cell changed, so blessed writes only what changed.
 *
 * It is a plain `blessed.box` (border, label, position all work) whose own content fill is
 * switched off (`_noFill`, as blessed's ANSIImage does) and whose inner area we paint.
 * It never talks to tmux: keys, sizes and history fetching belong to the caller.
 */
import blessed, { type Widgets } from 'blessed';
import type { IBufferCell, IBufferLine, IDisposable } from '@xterm/headless';
import type { PaneTerminal } from '../terminal/pane-terminal';
import { PaneDamage } from '../terminal/damage';
import { PanePainter, type PaintRegion } from '../terminal/painter';
import { attrBg, attrFg, attrFlags, cellAttr, FLAG_INVERSE } from './cell-attr';
import type { OlderRows } from './history-pages';
import { createRenderScheduler, renderSchedulerFor, type RenderScheduler } from './render-scheduler';
import { isMark, MARK_CH, PaintedScreen, type PaintedPane, type ScreenRow } from './painted-screen';

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

/** The painter side of a view (with `painter`). */
interface Painted {
  screen: PaintedScreen;
  painter: PanePainter;
  damage: PaneDamage | null;
  /** The content area as marked at the last render; null while blessed draws it (scroll mode, hidden). */
  region: PaintRegion | null;
  /** Region cells blessed draws over (a dialog, a note): one byte each, row-major. */
  covered: Uint8Array;
  /** Coalesces output into one paint per turn (and fewer under a flood). */
  scheduler: RenderScheduler;
}

export class PaneView {
  readonly box: Widgets.BoxElement;
  private term: PaneTerminal | null = null;
  private older: OlderRows | null = null;
  /** Rows of `older` shown above the emulator's first line (0 when not in it). */
  private olderOffset = 0;
  private sub: IDisposable | null = null;
  private readonly scheduler: RenderScheduler;
  private readonly showScrollMarker: boolean;
  private cell: IBufferCell | null = null;
  private readonly painted: Painted | null = null;

  constructor(screen: Widgets.Screen, o: PaneViewOptions = {}) {
    const { terminal, scrollMarker, renderIntervalMs, painter, ...boxOptions } = o;
    this.box = blessed.box({ ...boxOptions, screen } as Widgets.BoxOptions);
    this.showScrollMarker = scrollMarker ?? true;
    this.scheduler = renderSchedulerFor(screen, renderIntervalMs);
    if (painter) {
      const ps = PaintedScreen.for(screen);
      this.painted = {
        screen: ps,
        painter: new PanePainter(),
        damage: null,
        region: null,
        covered: new Uint8Array(0),
        // The first output after a quiet spell (an echo) is painted at once, inside the write that parsed it.
        scheduler: createRenderScheduler(() => ps.paint(this.pane), renderIntervalMs, Date.now, true),
      };
      ps.add(this.pane);
    }
    const internals = this.box as unknown as BoxInternals;
    internals._noFill = true;
    const boxRender = internals.render.bind(this.box);
    internals.render = () => {
      const coords = boxRender();
      if (this.painted) this.painted.region = null;
      if (coords && this.painted && this.term && !this.isScrolled) this.mark(coords);
      else if (coords) this.paint(coords);
      return coords;
    };
    this.box.on('destroy', () => {
      this.setTerminal(null);
      if (this.painted) {
        this.painted.scheduler.dispose();
        this.painted.screen.remove(this.pane);
      }
    });
    if (terminal) this.setTerminal(terminal);
  }

  get terminal(): PaneTerminal | null {
    return this.term;
  }

  /** Show another emulator (or none); output of the new one schedules renders while visible. */
  setTerminal(term: PaneTerminal | null): void {
    if (term === this.term) return;
    this.sub?.dispose();
    this.sub = null;
    this.term = term;
    if (this.painted) {
      this.painted.damage?.dispose();
      this.painted.damage = term ? new PaneDamage(term.term) : null;
      this.painted.painter.invalidate();
    }
    this.cell = term ? term.buffer.getNullCell() : null;
    this.setOlderHistory(null);
    if (term) this.sub = term.onChange(() => this.scheduleRender());
    this.scheduleRender();
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
    if (this.painted?.region && this.term && !this.isScrolled) {
      if (this.term.echoing) this.painted.scheduler.now();
      else this.painted.scheduler.schedule();
    } else this.scheduler.schedule(this.renderAlone);
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
    this.older = older;
    this.olderOffset = Math.min(this.olderOffset, this.olderRows());
    if (!older) this.olderOffset = 0;
    this.scheduleRender();
  }

  /** Rows the view is above the live bottom (0 = following live output). */
  get scrollOffset(): number {
    return this.term ? this.term.scrollOffset + this.olderOffset : 0;
  }

  get isScrolled(): boolean {
    return this.scrollOffset > 0;
  }

  /** True when the view shows the emulator's oldest line: time to fetch older history from tmux. */
  get atOldestLocalLine(): boolean {
    return !!this.term && this.term.viewportY === 0 && this.olderOffset >= this.olderRows();
  }

  /** Negative = towards older lines. Returns how far the view moved (may be less: an end). */
  scrollBy(rows: number): number {
    const t = this.term;
    if (!t || rows === 0) return 0;
    const before = this.scrollOffset;
    if (rows < 0) {
      const local = Math.min(t.viewportY, -rows);
      if (local > 0) t.scrollLines(-local);
      this.olderOffset = Math.min(this.olderOffset + (-rows - local), this.olderRows());
    } else {
      const back = Math.min(this.olderOffset, rows);
      this.olderOffset -= back;
      if (rows - back > 0) t.scrollLines(rows - back);
    }
    this.scheduleRender();
    return Math.abs(this.scrollOffset - before);
  }

  scrollPage(pages: number): void {
    this.scrollBy(pages * Math.max(1, this.innerSize().rows - 1));
  }

  scrollToTop(): void {
    if (!this.term) return;
    this.term.scrollToTop();
    this.olderOffset = this.olderRows();
    this.scheduleRender();
  }

  /** Leave scroll mode: back to live output. */
  scrollToBottom(): void {
    if (!this.term) return;
    this.olderOffset = 0;
    this.term.scrollToBottom();
    this.scheduleRender();
  }

  /** Inner size (inside border/padding): what the tmux pane should be sized to. */
  innerSize(): { cols: number; rows: number } {
    const b = this.box as unknown as BoxInternals & { width: number; height: number };
    const cols = Math.max(1, (typeof b.width === 'number' ? b.width : 1) - b.ileft - b.iright);
    const rows = Math.max(1, (typeof b.height === 'number' ? b.height : 1) - b.itop - b.ibottom);
    return { cols, rows };
  }

  private olderRows(): number {
    return this.older ? this.older.rows : 0;
  }

  // ------------------------------------------------------------ painting

  /** The screen's cell rows and the box's content area (inside border and padding), end-exclusive. */
  private inner(coords: Coords): { lines: ScreenRow[]; xi: number; xl: number; yi: number; yl: number; attr: number } {
    const box = this.box as unknown as BoxInternals & { screen: Widgets.Screen };
    const lines = (box.screen as unknown as { lines: ScreenRow[] }).lines;
    return { lines, xi: coords.xi + box.ileft, xl: coords.xl - box.iright, yi: coords.yi + box.itop, yl: coords.yl - box.ibottom, attr: box.sattr(this.box.style) };
  }

  private paint(coords: Coords): void {
    const { lines, xi, xl, yi, yl, attr: dattr } = this.inner(coords);
    const dfg = attrFg(dattr);
    const dbg = attrBg(dattr);
    const t = this.term;
    const cursor = t && !this.painted && this.cursorCell();
    for (let y = yi, row = 0; y < yl; y++, row++) {
      const sline = lines[y];
      if (!sline) continue;
      const source = t ? this.sourceLine(row) : null;
      let dirty = false;
      for (let x = xi, col = 0; x < xl; x++, col++) {
        const s = sline[x];
        if (!s) continue;
        let attr = dattr;
        let ch = ' ';
        if (source && col < source.cols) {
          source.line.getCell(col, source.cell);
          // '' for the right half of a wide glyph: blessed then writes nothing there and the
          // outer terminal's two-column glyph covers it (blessed's own width table is older).
          const w = source.cell.getWidth();
          ch = w === 0 ? '' : source.cell.getChars() || ' ';
          // A wide glyph cut by the right edge would spill over the border: blank it.
          if (w === 2 && x === xl - 1) ch = ' ';
          attr = cellAttr(source.cell, dfg, dbg);
        }
        if (cursor && cursor.row === row && cursor.col === col) attr = ((attrFlags(attr) ^ FLAG_INVERSE) << 18) | (attr & 0x3ffff);
        if (s[0] !== attr || s[1] !== ch) {
          s[0] = attr;
          s[1] = ch;
          dirty = true;
        }
      }
      if (dirty) sline.dirty = true;
    }
    if (this.showScrollMarker && this.isScrolled) this.paintMarker(lines, xi, xl, yi, dattr);
    // Rows shown from older history: ask for their pages (a page that arrives repaints).
    if (t && this.older && this.olderOffset > 0) {
      const top = this.olderOffset - t.viewportY;
      this.older.want(top, Math.max(1, top - (yl - yi) + 1));
    }
  }

  /** The emulator (or older-history) line shown on view row `row`, if any. */
  private sourceLine(row: number): { line: IBufferLine; cell: IBufferCell; cols: number } | null {
    const t = this.term!;
    const index = t.viewportY - this.olderOffset + row;
    if (index >= 0) {
      // Past the last line (box taller than the pane) there is none: the row is padded.
      const line = t.buffer.getLine(index);
      return line ? { line, cell: this.cell!, cols: t.cols } : null;
    }
    return this.older ? this.older.line(-index) : null;
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
    const r = this.painted?.region;
    if (r && (c.col >= r.w || c.row >= r.h || this.painted!.covered[c.row * r.w + c.col])) return null;
    return { x: b.aleft + b.ileft + c.col, y: b.atop + b.itop + c.row, shape: this.term!.cursorShape };
  }

  // ------------------------------------------------------------ our painter (with `painter`)

  /** This view as the painted screen sees it. */
  private readonly pane: PaintedPane = {
    claim: (lines, olines) => this.claim(lines, olines),
    paintBytes: () => {
      const p = this.painted!;
      if (!p.region || !this.term || !this.box.visible || this.isScrolled) return '';
      return p.painter.paint(this.term.term, p.region, p.damage?.take(), p.covered);
    },
  };

  /** Live: mark the content area as ours in `screen.lines` (blessed then leaves it alone). */
  private mark(coords: Coords): void {
    const { lines, xi, xl: right, yi, yl: bottom, attr } = this.inner(coords);
    // Never past the screen's edge (a render right after the terminal shrank, before the relayout).
    const yl = Math.min(bottom, lines.length);
    const xl = Math.min(right, lines[0]?.length ?? 0);
    if (xl <= xi || yl <= yi) return;
    for (let y = yi; y < yl; y++) {
      const sline = lines[y]!;
      for (let x = xi; x < xl; x++) {
        const s = sline[x]!;
        if (s[1] !== MARK_CH) {
          s[0] = attr;
          s[1] = MARK_CH;
          sline.dirty = true;
        }
      }
    }
    const p = this.painted!;
    p.region = { x: xi, y: yi, w: xl - xi, h: yl - yi };
    if (p.covered.length !== p.region.w * p.region.h) p.covered = new Uint8Array(p.region.w * p.region.h);
  }

  /**
   * Before blessed draws. A marked cell blessed last drew something else in (a dialog that
   * closed, a scroll page, a cleared screen): blessed is told it shows the marker, and the
   * painter repaints it. A cell blessed now draws over: covered.
   */
  private claim(lines: ScreenRow[], olines: ScreenRow[]): void {
    const p = this.painted!;
    const r = p.region;
    if (!r || !this.box.visible) return;
    for (let row = 0; row < r.h; row++) {
      const line = lines[r.y + row];
      const oline = olines[r.y + row];
      if (!line || !oline) continue;
      let from = -1;
      let to = -1;
      for (let col = 0; col < r.w; col++) {
        const x = r.x + col;
        const i = row * r.w + col;
        const cell = line[x];
        const o = oline[x];
        let lost = false;
        if (isMark(cell)) {
          if (p.covered[i]) {
            p.covered[i] = 0;
            lost = true;
          }
          if (o && !isMark(o)) {
            o[0] = cell![0];
            o[1] = MARK_CH;
            lost = true;
          }
        } else if (!p.covered[i]) {
          p.covered[i] = 1;
          lost = true;
        }
        if (lost) {
          if (from < 0) from = x;
          to = x;
        }
      }
      if (from >= 0) p.painter.forget(from, r.y + row, to - from + 1, 1);
    }
  }

  /** Where to draw the cursor: focused, live (not scrolled), cursor shown by the app. */
  private cursorCell(): { row: number; col: number } | null {
    const t = this.term;
    if (!t || this.isScrolled || !t.cursorVisible) return null;
    if ((this.box.screen as unknown as { focused?: unknown }).focused !== this.box) return null;
    return { row: t.cursorY, col: Math.min(t.cursorX, t.cols - 1) };
  }

  private paintMarker(lines: ScreenRow[], xi: number, xl: number, yi: number, dattr: number): void {
    const text = ` SCROLL -${this.scrollOffset} `;
    const sline = lines[yi];
    if (!sline) return;
    const start = Math.max(xi, xl - text.length);
    const attr = ((attrFlags(dattr) | FLAG_INVERSE) << 18) | (dattr & 0x3ffff);
    // Covering the right half of a wide glyph: blank its left half too, or it spills over.
    if (start > xi && sline[start]?.[1] === '' && sline[start - 1]) {
      sline[start - 1]![1] = ' ';
      sline.dirty = true;
    }
    for (let i = 0; start + i < xl && i < text.length; i++) {
      const s = sline[start + i];
      if (!s) break;
      if (s[0] !== attr || s[1] !== text[i]) {
        s[0] = attr;
        s[1] = text[i]!;
        sline.dirty = true;
      }
    }
  }
}
