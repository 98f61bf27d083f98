/**
 * xterm cell → blessed attribute word: `(flags << 18) | (fg << 9) | bg`, colours 0–255 with
 * 0x1ff = default; flags bold=1, underline=2, blink=4, inverse=8, invisible=16 (blessed has
 * no italic, dim or strikethrough).
 */
import blessed from 'blessed';
import type { IBufferCell } from '@xterm/headless';

export const DEFAULT_COLOR = 0x1ff;
export const FLAG_BOLD = 1;
export const FLAG_UNDERLINE = 2;
export const FLAG_BLINK = 4;
export const FLAG_INVERSE = 8;
export const FLAG_INVISIBLE = 16;

const rgbCache = new Map<number, number>();

// @types/blessed only declares the hex-string form; the runtime also takes (r, g, b).
const blessedColors = blessed.colors as unknown as { match(r: number, g: number, b: number): number };

/** Nearest 256-palette index of a 0xRRGGBB colour (blessed's own matcher, cached). */
export function rgbToPalette(rgb: number): number {
  let v = rgbCache.get(rgb);
  if (v === undefined) {
    v = blessedColors.match((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
    if (v < 0) v = DEFAULT_COLOR;
    rgbCache.set(rgb, v);
  }
  return v;
}

/** Check the colour MODE first: getFgColor() alone is ambiguous (palette index vs RGB). */
export function cellAttr(cell: IBufferCell, defaultFg: number, defaultBg: number): number {
  const fg = cell.isFgDefault() ? defaultFg : cell.isFgPalette() ? cell.getFgColor() : rgbToPalette(cell.getFgColor());
  const bg = cell.isBgDefault() ? defaultBg : cell.isBgPalette() ? cell.getBgColor() : rgbToPalette(cell.getBgColor());
  let f = 0;
  if (cell.isBold()) f |= FLAG_BOLD;
  if (cell.isUnderline()) f |= FLAG_UNDERLINE;
  if (cell.isBlink()) f |= FLAG_BLINK;
  if (cell.isInverse()) f |= FLAG_INVERSE;
  if (cell.isInvisible()) f |= FLAG_INVISIBLE;
  return (f << 18) | (fg << 9) | bg;
}

export function attrFlags(attr: number): number {
  return attr >> 18;
}

export function attrFg(attr: number): number {
  return (attr >> 9) & 0x1ff;
}

export function attrBg(attr: number): number {
  return attr & 0x1ff;
}
