/**
 * A pane view's content area in blessed's `screen.lines`, when blessed draws it (scroll-mode
 * pages, and every view without our painter): the emulator's cells are copied in cell by cell
 * (docs/ecosystem.md §2.3), marking a row dirty only when a cell changed, so blessed writes only
 * what changed. Also the `SCROLL` marker drawn over a scrolled view.
 */
import { attrBg, attrFg, attrFlags, cellAttr, FLAG_INVERSE } from './cell-attr';
import type { ScreenRow } from './painted-screen';
import type { SourceLine } from './pane-scroll';

/** The screen's cell rows and a box's content area (inside border and padding), end-exclusive. */
export interface ContentArea {
  lines: ScreenRow[];
  xi: number;
  xl: number;
  yi: number;
  yl: number;
  /** The box's own attribute: the colours of a cell with none of its own. */
  attr: number;
}

/**
 * Copy the lines `source` gives for each view row (none: blank rows) into `area`; the cell at
 * `cursor` (view row/column) is drawn inverse.
 */
export function copyCells(area: ContentArea, source: ((row: number) => SourceLine | null) | null, cursor: { row: number; col: number } | null): void {
  const { lines, xi, xl, yi, yl, attr: dattr } = area;
  const dfg = attrFg(dattr);
  const dbg = attrBg(dattr);
  for (let y = yi, row = 0; y < yl; y++, row++) {
    const sline = lines[y];
    if (!sline) continue;
    const from = source ? source(row) : null;
    let dirty = false;
    for (let x = xi, col = 0; x < xl; x++, col++) {
      const s = sline[x];
      if (!s) continue;
      let attr = dattr;
      let ch = ' ';
      if (from && col < from.cols) {
        from.line.getCell(col, from.cell);
        // '' for the right half of a wide glyph: blessed then writes nothing there and the
        // outer terminal's two-column glyph covers it (blessed's own width table is older).
        const w = from.cell.getWidth();
        ch = w === 0 ? '' : from.cell.getChars() || ' ';
        // A wide glyph cut by the right edge would spill over the border: blank it.
        if (w === 2 && x === xl - 1) ch = ' ';
        attr = cellAttr(from.cell, dfg, dbg);
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
}

/** ` SCROLL -<offset> ` inverse at the right end of the area's top row. */
export function paintScrollMarker(area: ContentArea, offset: number): void {
  const { lines, xi, xl, yi, attr: dattr } = area;
  const text = ` SCROLL -${offset} `;
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
