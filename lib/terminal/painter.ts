/**
 * PanePainter: brings one rectangle of the real terminal from what it painted there last to
 * what a headless xterm shows now, with the fewest escape sequences it reasonably can —
 * the way tmux's own client redraws (issue 15.1). It remembers every cell it painted (chars,
 * width, colours, attributes), writes only cells that differ, moves the cursor only across
 * gaps, changes SGR only where the pen differs, and finally puts the real cursor where the
 * pane's program has it, in its shape (DECSCUSR) and visibility.
 *
 * It returns strings and writes nothing itself; it knows nothing of tmux or blessed. Whoever
 * else draws inside the rectangle (a dialog over it, a full-screen clear) must call
 * `invalidate()` or `forget()` so the next paint redraws those cells; cells someone else keeps
 * drawing (a dialog still open) are passed as `covered` and never written.
 */
import type { IBuffer, IBufferCell, Terminal } from '@xterm/headless';
import type { RowRange } from './damage';
import { cursorHidden, cursorShape } from './pane-terminal';
import { colour, DEFAULT, flagsOf, sgrTransition } from './sgr-pen';

export { sgrTransition } from './sgr-pen';

export interface PaintRegion {
  /** Column and row of the rectangle's top-left cell on the real terminal (0-based). */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Width of a cell never painted (or forgotten): differs from every real cell. */
const UNKNOWN = 255;
/** A run of at least this many blank cells is erased with ECH rather than written. */
const ECH_MIN = 8;

/** Paints one pane's rectangle of the real terminal from its emulator (see the top of this file). */
export class PanePainter {
  private region: PaintRegion = { x: 0, y: 0, w: 0, h: 0 };
  private chars: string[] = [];
  private widths = new Uint8Array(0);
  private flags = new Uint16Array(0);
  private fgs = new Int32Array(0);
  private bgs = new Int32Array(0);
  private lastVisible: boolean | null = null;
  /** Every row must be compared on the next paint (new region, invalidated). */
  private stale = true;
  /** Region rows holding cells forgotten since the last paint. */
  private forgotten: RowRange | null = null;
  private lastShape: number | null = null;
  private readonly cell: { v: IBufferCell | undefined } = { v: undefined };
  private readonly next: { v: IBufferCell | undefined } = { v: undefined };

  /** Forget what was painted: the next paint writes every cell (someone else drew there). */
  invalidate(): void {
    this.widths.fill(UNKNOWN);
    this.stale = true;
    this.lastVisible = null;
    this.lastShape = null;
  }

  /**
   * Forget the cells of a rectangle in real-terminal coordinates (someone else drew there: a
   * dialog over the pane, blessed's own cells): the next paint rewrites them, whatever the damage
   * (unless they are still covered).
   */
  forget(x: number, y: number, w: number, h: number): void {
    const r = this.region;
    // One column more each side: drawing over half of a wide glyph erases its other half too.
    const x0 = Math.max(x - 1, r.x) - r.x;
    const x1 = Math.min(x + w + 1, r.x + r.w) - r.x;
    const y0 = Math.max(y, r.y) - r.y;
    const y1 = Math.min(y + h, r.y + r.h) - r.y;
    if (x0 >= x1 || y0 >= y1) return;
    for (let row = y0; row < y1; row++) this.widths.fill(UNKNOWN, row * r.w + x0, row * r.w + x1);
    this.forgotten = this.forgotten ? { start: Math.min(this.forgotten.start, y0), end: Math.max(this.forgotten.end, y1 - 1) } : { start: y0, end: y1 - 1 };
  }

  /**
   * The bytes that make `region` of the real terminal show `term`'s viewport (top-left
   * aligned; cells outside the pane's size are blank). Leaves the pen at defaults; the real
   * cursor is left wherever the last cell was written (see `cursor`).
   * `damaged`: the viewport rows that may have changed since the last paint (PaneDamage.take());
   * omitted, every row is compared; null, none (unless the painter was invalidated or moved).
   * `covered`: one byte per region cell (row-major, w×h), non-zero where someone else draws
   * (a dialog, a note over the pane): those cells are left alone and forgotten.
   */
  paint(term: Terminal, region: PaintRegion, damaged?: RowRange | null, covered?: Uint8Array | null): string {
    this.fit(region);
    const all = this.stale || damaged === undefined;
    this.stale = false;
    const lost = this.forgotten;
    this.forgotten = null;
    if (lost) damaged = damaged ? { start: Math.min(damaged.start, lost.start), end: Math.max(damaged.end, lost.end) } : lost;
    if (!all && !damaged) return '';
    const { x: ox, y: oy, w, h } = region;
    const buf = term.buffer.active;
    const out: string[] = [];
    // The real terminal's pen and cursor are unknown until the first write here.
    let pf = 0;
    let pfg = DEFAULT;
    let pbg = DEFAULT;
    let penKnown = false;
    let cx = -1;
    let cy = -1;
    const rows = Math.min(h, term.rows);
    const cols = Math.min(w, term.cols);
    const first = all ? 0 : Math.max(0, damaged!.start);
    const last = all ? h - 1 : Math.min(h - 1, damaged!.end);
    for (let row = first; row <= last; row++) {
      const line = row < rows ? buf.getLine(buf.viewportY + row) : undefined;
      let col = 0;
      while (col < w) {
        const i = row * w + col;
        if (covered?.[i]) {
          this.widths[i] = UNKNOWN;
          col++;
          continue;
        }
        // The cell as it should be.
        let ch = ' ';
        let wd = 1;
        let f = 0;
        let fg = DEFAULT;
        let bg = DEFAULT;
        const cell = line && col < cols ? this.readCell(line, col) : undefined;
        if (cell) {
          wd = cell.getWidth();
          if (wd === 0) {
            // The right half of a wide glyph whose left half is outside the region or clipped: blank.
            wd = 1;
          } else {
            ch = cell.getChars() || ' ';
          }
          // Most cells are plain: one check instead of eleven.
          if (!cell.isAttributeDefault()) {
            f = flagsOf(cell);
            fg = colour(cell.isFgDefault(), cell.isFgRGB(), cell.getFgColor());
            bg = colour(cell.isBgDefault(), cell.isBgRGB(), cell.getBgColor());
          }
          // A wide glyph cut by the region's edge, or whose right half was overwritten (xterm keeps
          // such a cell after some resizes), cannot be shown: a blank instead.
          if (wd === 2 && (col + 1 >= cols || covered?.[i + 1] || this.readCell(line!, col + 1, this.next)!.getWidth() !== 0)) {
            wd = 1;
            ch = ' ';
          }
        }
        if (
          this.widths[i] === wd && this.chars[i] === ch && this.flags[i] === f && this.fgs[i] === fg && this.bgs[i] === bg &&
          // A wide glyph whose right half was forgotten (drawn over) is written again.
          (wd === 1 || this.widths[i + 1] === 0)
        ) {
          col += wd;
          continue;
        }
        // A run of identical blanks: erase it in one go (ECH keeps the cursor where it is).
        let run = 0;
        if (ch === ' ' && wd === 1 && f === 0 && fg === DEFAULT) run = this.blankRun(line, col, cols, w, bg, covered ? covered.subarray(row * w, row * w + w) : null);
        if (cx !== ox + col || cy !== oy + row) {
          out.push(cy === oy + row && cx >= 0 && cx < ox + col ? `\x1b[${ox + col - cx === 1 ? '' : ox + col - cx}C` : `\x1b[${oy + row + 1};${ox + col + 1}H`);
          cx = ox + col;
          cy = oy + row;
        }
        if (!penKnown) {
          out.push('\x1b[0m');
          pf = 0;
          pfg = DEFAULT;
          pbg = DEFAULT;
          penKnown = true;
        }
        out.push(sgrTransition(pf, pfg, pbg, f, fg, bg));
        pf = f;
        pfg = fg;
        pbg = bg;
        if (run >= ECH_MIN) {
          out.push(`\x1b[${run}X`);
          for (let k = 0; k < run; k++) this.remember(i + k, ' ', 1, 0, DEFAULT, bg);
          col += run;
          continue;
        }
        out.push(ch);
        this.remember(i, ch, wd, f, fg, bg);
        if (wd === 2) this.remember(i + 1, '', 0, f, fg, bg);
        col += wd;
        cx += wd;
      }
    }
    if (penKnown && (pf !== 0 || pfg !== DEFAULT || pbg !== DEFAULT)) out.push('\x1b[0m');
    return out.join('');
  }

  /**
   * The bytes that put the real cursor at the pane's cursor (when `focused` and inside the
   * region), in the program's shape, shown or hidden as the program asked. Shape and
   * visibility are written when they change; the position every time (painting moves it).
   */
  cursor(term: Terminal, region: PaintRegion, focused = true): string {
    const buf: IBuffer = term.buffer.active;
    const x = buf.cursorX;
    const y = buf.baseY + buf.cursorY - buf.viewportY;
    const inside = x >= 0 && y >= 0 && x < Math.min(region.w, term.cols) && y < Math.min(region.h, term.rows);
    const visible = focused && inside && !cursorHidden(term);
    const shape = cursorShape(term);
    let out = '';
    if (visible) {
      out += `\x1b[${region.y + y + 1};${region.x + x + 1}H`;
      if (shape !== this.lastShape) out += `\x1b[${shape} q`;
      if (this.lastVisible !== true) out += '\x1b[?25h';
      this.lastShape = shape;
    } else if (this.lastVisible !== false) {
      out += '\x1b[?25l';
    }
    this.lastVisible = visible;
    return out;
  }

  /** New size or place: every cell is repainted. */
  private fit(region: PaintRegion): void {
    const r = this.region;
    if (r.x === region.x && r.y === region.y && r.w === region.w && r.h === region.h) return;
    this.region = { ...region };
    const n = region.w * region.h;
    this.chars = new Array<string>(n).fill('');
    this.widths = new Uint8Array(n).fill(UNKNOWN);
    this.flags = new Uint16Array(n);
    this.fgs = new Int32Array(n);
    this.bgs = new Int32Array(n);
    this.stale = true;
  }

  private remember(i: number, ch: string, wd: number, f: number, fg: number, bg: number): void {
    this.chars[i] = ch;
    this.widths[i] = wd;
    this.flags[i] = f;
    this.fgs[i] = fg;
    this.bgs[i] = bg;
  }

  /** Length of the run of blank, default-fg, unflagged cells with background `bg` from `col`. */
  private blankRun(line: ReturnType<IBuffer['getLine']>, col: number, cols: number, w: number, bg: number, covered: Uint8Array | null): number {
    let n = 0;
    for (let c = col; c < w; c++, n++) {
      if (covered?.[c]) break;
      if (!line || c >= cols) {
        if (bg !== DEFAULT) break;
        continue;
      }
      const cell = this.readCell(line, c)!;
      if (cell.getWidth() !== 1 || (cell.getChars() !== '' && cell.getChars() !== ' ') || flagsOf(cell) !== 0 || !cell.isFgDefault()) break;
      if (colour(cell.isBgDefault(), cell.isBgRGB(), cell.getBgColor()) !== bg) break;
    }
    return n;
  }

  /** Reused cell objects: getCell allocates otherwise. */
  private readCell(line: NonNullable<ReturnType<IBuffer['getLine']>>, col: number, slot = this.cell): IBufferCell | undefined {
    slot.v = line.getCell(col, slot.v);
    return slot.v;
  }
}
