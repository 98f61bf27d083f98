/**
 * PanePainter (issue 15.1): what it writes makes a region of a second terminal (B, standing
 * in for the user's terminal, at an offset) equal cell for cell to the pane's emulator (A),
 * after random output, random overdraw of the region and resizes; wide glyphs, colours
 * (16/256/RGB), attributes, and the cursor's place, shape and visibility.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Terminal, type IBufferCell } from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { PaneDamage } from '../lib/terminal/damage';
import { PanePainter, sgrTransition, type PaintRegion } from '../lib/terminal/painter';
import { PaneTerminal, cursorHidden, cursorShape } from '../lib/terminal/pane-terminal';

/** The stand-in for the real terminal: same width rules as the pane (unicode 11). */
function outerTerminal(cols: number, rows: number): Terminal {
  const t = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  t.loadAddon(new Unicode11Addon());
  t.unicode.activeVersion = '11';
  return t;
}

function write(t: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => t.write(data, resolve));
}

/** Everything a painted cell must reproduce, normalised (an empty cell shows as a space). */
function cellKey(c: IBufferCell | undefined): string {
  if (!c) return 'none';
  const colour = (isDefault: boolean, isRgb: boolean, v: number): string => (isDefault ? 'd' : isRgb ? `#${v.toString(16)}` : `p${v}`);
  const flags = [c.isBold(), c.isDim(), c.isItalic(), c.isUnderline(), c.isBlink(), c.isInverse(), c.isInvisible(), c.isStrikethrough(), c.isOverline()]
    .map((b) => (b ? 1 : 0)).join('');
  return [JSON.stringify(c.getChars() || ' '), c.getWidth(), flags, colour(c.isFgDefault(), c.isFgRGB(), c.getFgColor()), colour(c.isBgDefault(), c.isBgRGB(), c.getBgColor())].join(' ');
}

/** Rows of cell keys of A's viewport, padded with blanks to the region's size. */
function expected(a: Terminal, region: PaintRegion, blank: string): string[] {
  const buf = a.buffer.active;
  const rows: string[] = [];
  for (let r = 0; r < region.h; r++) {
    const line = r < a.rows ? buf.getLine(buf.viewportY + r) : undefined;
    const cells: string[] = [];
    const fit = Math.min(a.cols, region.w);
    for (let c = 0; c < region.w; c++) {
      const cell = line && c < a.cols ? line.getCell(c) : undefined;
      const key = cellKey(cell);
      // A wide glyph cut by the pane's (or region's) right edge, or whose right half was
      // overwritten (xterm keeps that after some resizes), shows as a blank with its attributes.
      const broken = cell?.getWidth() === 2 && (c + 1 >= fit || line!.getCell(c + 1)!.getWidth() !== 0);
      // The right half of a wide glyph with no left half (xterm leaves one after ICH splits a glyph): a blank.
      const orphan = cell?.getWidth() === 0 && (c === 0 || line!.getCell(c - 1)!.getWidth() !== 2);
      // A right half shows with its glyph's colours (xterm can leave other ones there after a resize).
      const half = cell?.getWidth() === 0 && !orphan ? ['" "', 0, ...cells[c - 1]!.split(' ').slice(2)].join(' ') : key;
      cells.push(!cell ? blank : broken ? key.replace(/^\S+ 2 /, '" " 1 ') : orphan ? key.replace('" " 0 ', '" " 1 ') : half);
    }
    rows.push(cells.join(' | '));
  }
  return rows;
}

function actual(b: Terminal, region: PaintRegion): string[] {
  const buf = b.buffer.active;
  const rows: string[] = [];
  for (let r = 0; r < region.h; r++) {
    const line = buf.getLine(buf.viewportY + region.y + r)!;
    const cells: string[] = [];
    for (let c = 0; c < region.w; c++) cells.push(cellKey(line.getCell(region.x + c)));
    rows.push(cells.join(' | '));
  }
  return rows;
}

/** B's cells outside the region, to check the painter never touches them. */
function outside(b: Terminal, region: PaintRegion): string {
  const buf = b.buffer.active;
  const keys: string[] = [];
  for (let r = 0; r < b.rows; r++) {
    const line = buf.getLine(buf.viewportY + r)!;
    for (let c = 0; c < b.cols; c++) {
      const inside = r >= region.y && r < region.y + region.h && c >= region.x && c < region.x + region.w;
      if (!inside) keys.push(cellKey(line.getCell(c)));
    }
  }
  return keys.join('\n');
}

// ---------------------------------------------------------------- random pane output

const sgrCode = fc.oneof(
  fc.constantFrom('0', '1', '2', '3', '4', '5', '7', '8', '9', '53', '21', '22', '23', '24', '25', '27', '28', '29', '39', '49', '55', '4:3'),
  fc.integer({ min: 30, max: 37 }).map(String),
  fc.integer({ min: 40, max: 47 }).map(String),
  fc.integer({ min: 90, max: 97 }).map(String),
  fc.integer({ min: 100, max: 107 }).map(String),
  fc.tuple(fc.constantFrom(38, 48), fc.integer({ min: 0, max: 255 })).map(([k, n]) => `${k};5;${n}`),
  fc.tuple(fc.constantFrom(38, 48), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    .map(([k, r, g, b]) => `${k};2;${r};${g};${b}`),
);

const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z A-Z0-9.,:;_-]{1,12}$/) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom('漢', '字', 'か', '🚀', '✅', '中', '👍'), { minLength: 1, maxLength: 6 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('e\u0301', 'a\u0308', 'n\u0303') },
  { weight: 4, arbitrary: fc.array(sgrCode, { minLength: 1, maxLength: 4 }).map((c) => `\x1b[${c.join(';')}m`) },
  { weight: 3, arbitrary: fc.constantFrom('\r\n', '\r', '\n', '\b', '\t') },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 30 })).map(([r, c]) => `\x1b[${r};${c}H`) },
  // ED 1 (`\x1b[1J`) included: @xterm/headless 6.0.0 throws on it in the bottom-right corner before
  // anything scrolled; PaneTerminal guards it (lib/terminal/xterm-guards.ts).
  { weight: 2, arbitrary: fc.constantFrom('\x1b[1J', '\x1b[K', '\x1b[1K', '\x1b[2K', '\x1b[J', '\x1b[2J', '\x1b[5X', '\x1b[12X', '\x1b[2L', '\x1b[M', '\x1b[3@', '\x1b[2P', '\x1b[S', '\x1b[T') },
  { weight: 1, arbitrary: fc.constantFrom('\x1b[?1049h', '\x1b[?1049l', '\x1b[?25l', '\x1b[?25h', '\x1b[2 q', '\x1b[5 q', '\x1b[4 q', '\x1b[0 q', '\x1b[3;8r', '\x1b[r') },
);

const step = fc.record({
  output: fc.array(fragment, { minLength: 1, maxLength: 25 }).map((a) => a.join('')),
  /**
   * Someone else drew over part of the region (a dialog): the painter is told to forget those
   * cells (`forget`), or everything (`invalidate`).
   */
  overdraw: fc.option(fc.record({ text: fc.stringMatching(/^[#@%=]{1,24}$/), row: fc.integer({ min: 0, max: 9 }), col: fc.integer({ min: 0, max: 23 }), all: fc.boolean() }), { freq: 3 }),
  resize: fc.option(fc.tuple(fc.integer({ min: 4, max: 24 }), fc.integer({ min: 3, max: 10 })), { freq: 8 }),
  /** The user scrolls the viewport (scroll mode) by this many lines. */
  scroll: fc.option(fc.integer({ min: -6, max: 6 }), { freq: 6 }),
  /**
   * A dialog that stays open over part of the region (drawn on B, passed as `covered`): 'keep'
   * leaves the previous one, 'none' closes it (its cells forgotten), a rectangle replaces it.
   */
  cover: fc.oneof(
    { weight: 4, arbitrary: fc.constant('keep' as const) },
    { weight: 1, arbitrary: fc.constant('none' as const) },
    { weight: 2, arbitrary: fc.record({ row: fc.integer({ min: 0, max: 9 }), col: fc.integer({ min: 0, max: 23 }), w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 4 }) }) },
  ),
});

type Cover = { row: number; col: number; w: number; h: number };

/** The region's cells under `c` (clipped), row-major indices. */
function coverCells(c: Cover, region: PaintRegion): number[] {
  const out: number[] = [];
  for (let r = c.row; r < Math.min(region.h, c.row + c.h); r++) for (let k = c.col; k < Math.min(region.w, c.col + c.w); k++) out.push(r * region.w + k);
  return out;
}

describe('PanePainter', () => {
  test('fuzz: the painted region equals the emulator cell for cell after random output, overdraw and resizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 4 }), fc.array(step, { minLength: 1, maxLength: 8 }), async (ox, oy, steps) => {
        const region: PaintRegion = { x: ox, y: oy, w: 24, h: 10 };
        const a = new PaneTerminal({ cols: 20, rows: 8, scrollback: 50 });
        const b = outerTerminal(40, 16);
        await write(b, '\x1b[44m' + 'x'.repeat(40 * 16) + '\x1b[0m\x1b[H');
        const painter = new PanePainter();
        // Only the rows xterm reports damaged are read: the fuzz checks no change escapes it.
        const damage = new PaneDamage(a.term);
        expect(damage.precise).toBe(true);
        // A blank the pane's size does not cover: what B shows there after painting blanks.
        const blank = cellKey(outerTerminal(1, 1).buffer.active.getLine(0)!.getCell(0));
        const before = outside(b, region);
        let cover: Cover | null = null;
        const covered = new Uint8Array(region.w * region.h);
        // What B shows under the dialog.
        const dialogCell = outerTerminal(1, 1);
        await write(dialogCell, '\x1b[35;43m%');
        const dialogKey = cellKey(dialogCell.buffer.active.getLine(0)!.getCell(0));
        dialogCell.dispose();
        try {
          for (const s of steps) {
            if (s.resize) a.resize(s.resize[0], s.resize[1]);
            await new Promise<void>((resolve) => a.write(s.output, resolve));
            if (s.scroll) a.scrollLines(s.scroll);
            if (s.overdraw) {
              const o = s.overdraw;
              const text = o.text.slice(0, region.w - o.col);
              await write(b, `\x1b[${region.y + o.row + 1};${region.x + o.col + 1}H\x1b[31;47m${text}\x1b[0m`);
              if (o.all) painter.invalidate();
              else painter.forget(region.x + o.col, region.y + o.row, text.length, 1);
            }
            if (s.cover !== 'keep') {
              if (cover) painter.forget(region.x + cover.col, region.y + cover.row, cover.w, cover.h);
              covered.fill(0);
              cover = s.cover === 'none' ? null : s.cover;
            }
            if (cover) {
              for (const i of coverCells(cover, region)) covered[i] = 1;
              const text = '%'.repeat(Math.min(cover.w, region.w - cover.col));
              for (let r = cover.row; r < Math.min(region.h, cover.row + cover.h); r++) await write(b, `\x1b[${region.y + r + 1};${region.x + cover.col + 1}H\x1b[35;43m${text}\x1b[0m`);
            }
            await write(b, painter.paint(a.term, region, damage.take(), covered) + painter.cursor(a.term, region));
            const want = expected(a.term, region, blank).map((row) => row.split(' | '));
            // Under the dialog: the dialog; the half of a wide glyph it leaves uncovered shows as a blank.
            for (const i of cover ? coverCells(cover, region) : []) want[Math.floor(i / region.w)]![i % region.w] = dialogKey;
            for (const row of want) {
              for (let k = 0; k < row.length; k++) {
                if (row[k] === dialogKey) continue;
                if (row[k + 1] === dialogKey && /^\S+ 2 /.test(row[k]!)) row[k] = row[k]!.replace(/^\S+ 2 /, '" " 1 ');
                if (row[k - 1] === dialogKey && row[k]!.startsWith('" " 0 ')) row[k] = row[k]!.replace('" " 0 ', '" " 1 ');
              }
            }
            expect(actual(b, region)).toEqual(want.map((row) => row.join(' | ')));
            expect(outside(b, region)).toBe(before);
            const ab = a.term.buffer.active;
            const cy = ab.baseY + ab.cursorY - ab.viewportY;
            const inside = ab.cursorX < Math.min(a.cols, region.w) && cy < Math.min(a.rows, region.h);
            expect(cursorHidden(b)).toBe(cursorHidden(a.term) || !inside);
            if (!cursorHidden(b)) {
              expect([b.buffer.active.cursorX, b.buffer.active.cursorY]).toEqual([region.x + ab.cursorX, region.y + cy]);
              expect(cursorShape(b)).toBe(cursorShape(a.term));
            }
          }
        } finally {
          damage.dispose();
          a.dispose();
          b.dispose();
        }
      }),
      { numRuns: Number(process.env.PAINTER_RUNS ?? 80) },
    );
  }, 90000);

  test('an echo writes only the changed cell and its cursor move', async () => {
    const a = new PaneTerminal({ cols: 20, rows: 5 });
    const painter = new PanePainter();
    const region = { x: 10, y: 2, w: 20, h: 5 };
    await new Promise<void>((r) => a.write('$ ', r));
    painter.paint(a.term, region);
    painter.cursor(a.term, region);
    const damage = new PaneDamage(a.term);
    damage.take();
    await new Promise<void>((r) => a.write('l', r));
    // xterm reports the one row the echo touched.
    const rows = damage.take();
    expect(rows).toEqual({ start: 0, end: 0 });
    // Row 3, column 13 (1-based), one plain character, pen already default.
    expect(painter.paint(a.term, region, rows)).toBe('\x1b[3;13H\x1b[0ml');
    expect(painter.cursor(a.term, region)).toBe('\x1b[3;14H');
    expect(painter.paint(a.term, region, damage.take())).toBe('');
    expect(painter.paint(a.term, region)).toBe('');
    damage.dispose();
    a.dispose();
  });

  test('moving the viewport (scroll mode) damages every row', async () => {
    const a = new PaneTerminal({ cols: 12, rows: 4, scrollback: 50 });
    const b = outerTerminal(12, 4);
    const painter = new PanePainter();
    const damage = new PaneDamage(a.term);
    const region = { x: 0, y: 0, w: 12, h: 4 };
    await new Promise<void>((r) => a.write(Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\r\n'), r));
    await write(b, painter.paint(a.term, region, damage.take()));
    a.scrollLines(-3);
    await write(b, painter.paint(a.term, region, damage.take()));
    expect(actual(b, region)).toEqual(expected(a.term, region, ''));
    expect(b.buffer.active.getLine(0)!.translateToString(true).trimEnd()).toBe('line 13');
    damage.dispose();
    a.dispose();
    b.dispose();
  });

  test('wide glyphs take two columns; one that no longer fits the region shows as a blank', async () => {
    const a = new PaneTerminal({ cols: 10, rows: 2 });
    const b = outerTerminal(12, 3);
    const painter = new PanePainter();
    await new Promise<void>((r) => a.write('ab🚀c漢字x', r));
    const region = { x: 1, y: 1, w: 10, h: 2 };
    await write(b, painter.paint(a.term, region));
    expect(b.buffer.active.getLine(1)!.translateToString(true)).toBe(' ab🚀c漢字x');
    expect(b.buffer.active.getLine(1)!.getCell(3)!.getWidth()).toBe(2);
    // A narrower region cuts 字 in half: a blank, not half a glyph.
    const narrow = { x: 0, y: 0, w: 7, h: 1 };
    const b2 = outerTerminal(12, 3);
    await write(b2, new PanePainter().paint(a.term, narrow));
    expect(b2.buffer.active.getLine(0)!.translateToString(true)).toBe('ab🚀c漢');
    expect(b2.buffer.active.getLine(0)!.getCell(6)!.getChars()).toBe('');
    // A wide glyph replaced by two narrow ones (and back) repaints both columns.
    await new Promise<void>((r) => a.write('\x1b[1;3Hxy', r));
    await write(b, painter.paint(a.term, region));
    expect(b.buffer.active.getLine(1)!.translateToString(true)).toBe(' abxyc漢字x');
    await new Promise<void>((r) => a.write('\x1b[1;4H✅', r));
    await write(b, painter.paint(a.term, region));
    expect(b.buffer.active.getLine(1)!.translateToString(true)).toBe(' abx✅漢字x');
    for (const t of [b, b2]) t.dispose();
    a.dispose();
  });

  test('colours: 16, bright 16, 256 and RGB, foreground and background', async () => {
    const a = new PaneTerminal({ cols: 10, rows: 1 });
    await new Promise<void>((r) => a.write('\x1b[31ma\x1b[92mb\x1b[38;5;208mc\x1b[38;2;1;2;3md\x1b[41me\x1b[103mf\x1b[48;5;99mg\x1b[48;2;250;0;7mh\x1b[0mi', r));
    const b = outerTerminal(10, 1);
    const region = { x: 0, y: 0, w: 10, h: 1 };
    await write(b, new PanePainter().paint(a.term, region));
    expect(actual(b, region)).toEqual(expected(a.term, region, ''));
    const cell = b.buffer.active.getLine(0)!.getCell(7)!;
    expect([cell.isFgRGB(), cell.getFgColor(), cell.isBgRGB(), cell.getBgColor()]).toEqual([true, 0x010203, true, 0xfa0007]);
    a.dispose();
    b.dispose();
  });

  test('cursor: shape and visibility are written when they change, hidden when not focused', async () => {
    const a = new PaneTerminal({ cols: 10, rows: 3 });
    const painter = new PanePainter();
    const region = { x: 2, y: 1, w: 10, h: 3 };
    await new Promise<void>((r) => a.write('\x1b[6 qhi', r));
    expect(painter.cursor(a.term, region)).toBe('\x1b[2;5H\x1b[6 q\x1b[?25h');
    expect(painter.cursor(a.term, region)).toBe('\x1b[2;5H');
    await new Promise<void>((r) => a.write('\x1b[?25l', r));
    expect(painter.cursor(a.term, region)).toBe('\x1b[?25l');
    await new Promise<void>((r) => a.write('\x1b[?25h\x1b[3 q', r));
    expect(painter.cursor(a.term, region)).toBe('\x1b[2;5H\x1b[3 q\x1b[?25h');
    expect(painter.cursor(a.term, region, false)).toBe('\x1b[?25l');
    a.dispose();
  });

  test('SGR transitions turn off only what changed (bold and dim share 22)', () => {
    expect(sgrTransition(1 | 2, -1, -1, 2, -1, -1)).toBe('\x1b[22;2m');
    expect(sgrTransition(0, -1, -1, 4, 196, 0x1000000 | 0x102030)).toBe('\x1b[3;38;5;196;48;2;16;32;48m');
    expect(sgrTransition(32, 3, -1, 0, -1, -1)).toBe('\x1b[27;39m');
    expect(sgrTransition(8, 9, 10, 8, 9, 10)).toBe('');
  });
});
