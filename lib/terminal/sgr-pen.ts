/**
 * A painted cell's pen — attribute flags (one bit per SGR attribute) and colours (default,
 * palette or RGB) — read from an xterm cell, and the shortest SGR sequence that turns one pen
 * into another. Used by PanePainter (painter.ts).
 */
import type { IBufferCell } from '@xterm/headless';

// Attribute bits of a painted cell (one SGR code each, see ON below).
const BOLD = 1;
const DIM = 2;
const ITALIC = 4;
const UNDERLINE = 8;
const BLINK = 16;
const INVERSE = 32;
const INVISIBLE = 64;
const STRIKE = 128;
const OVERLINE = 256;
const ON: ReadonlyArray<readonly [number, number]> = [
  [BOLD, 1], [DIM, 2], [ITALIC, 3], [UNDERLINE, 4], [BLINK, 5], [INVERSE, 7], [INVISIBLE, 8], [STRIKE, 9], [OVERLINE, 53],
];
// Bold and dim share one "off" code (22).
const OFF: ReadonlyArray<readonly [number, number]> = [
  [BOLD | DIM, 22], [ITALIC, 23], [UNDERLINE, 24], [BLINK, 25], [INVERSE, 27], [INVISIBLE, 28], [STRIKE, 29], [OVERLINE, 55],
];

/** Colour: -1 default, 0–255 palette, RGB as 0x1000000 | 0xRRGGBB. */
export const DEFAULT = -1;
const RGB = 0x1000000;

export function colour(isDefault: boolean, isRgb: boolean, value: number): number {
  return isDefault ? DEFAULT : isRgb ? RGB | value : value;
}

function colourCodes(c: number, base: number): string {
  if (c === DEFAULT) return String(base + 9);
  if (c >= RGB) return `${base + 8};2;${(c >> 16) & 0xff};${(c >> 8) & 0xff};${c & 0xff}`;
  if (c < 8) return String(base + c);
  // Bright 16-colour codes (90–97 fg, 100–107 bg) keep the colour in xterm's 16-colour mode.
  if (c < 16) return String(base + 60 + c - 8);
  return `${base + 8};5;${c}`;
}

export function flagsOf(cell: IBufferCell): number {
  let f = 0;
  if (cell.isBold()) f |= BOLD;
  if (cell.isDim()) f |= DIM;
  if (cell.isItalic()) f |= ITALIC;
  if (cell.isUnderline()) f |= UNDERLINE;
  if (cell.isBlink()) f |= BLINK;
  if (cell.isInverse()) f |= INVERSE;
  if (cell.isInvisible()) f |= INVISIBLE;
  if (cell.isStrikethrough()) f |= STRIKE;
  if (cell.isOverline()) f |= OVERLINE;
  return f;
}

/** The SGR sequence that turns pen (f0, fg0, bg0) into (f1, fg1, bg1); '' when equal. */
export function sgrTransition(f0: number, fg0: number, bg0: number, f1: number, fg1: number, bg1: number): string {
  const codes: string[] = [];
  let had = f0;
  for (const [bits, code] of OFF) {
    if (had & bits & ~f1) {
      codes.push(String(code));
      had &= ~bits;
    }
  }
  for (const [bit, code] of ON) if (f1 & bit && !(had & bit)) codes.push(String(code));
  if (fg1 !== fg0) codes.push(colourCodes(fg1, 30));
  if (bg1 !== bg0) codes.push(colourCodes(bg1, 40));
  return codes.length ? `\x1b[${codes.join(';')}m` : '';
}
