/**
 * The chat tree's column: as wide as its rows need, within limits, and every row cut to fit
 * with "…" (issue 12.9: long names ran into the pane's border). Pure.
 */
import { cutToWidth, displayWidth } from './widths';

export interface TreeRow {
  depth: number;
  /** The chat's name (and [role]). */
  label: string;
  /** Executor and state, shown after the name when there is room. */
  meta: string;
}

export const TREE_MIN_WIDTH = 16;
export const TREE_MAX_WIDTH = 48;

/** One column for the activity mark, two per depth level, one blank column before the panes. */
const rowWidth = (r: TreeRow): number => 1 + 2 * r.depth + displayWidth(r.label) + 1 + displayWidth(r.meta) + 1;

/** The tree column's width for these rows on a screen `screenWidth` wide. */
export function treeWidth(rows: readonly TreeRow[], screenWidth: number, header = ' Chats (99)'): number {
  const limit = Math.max(TREE_MIN_WIDTH, Math.min(TREE_MAX_WIDTH, Math.floor(screenWidth / 3)));
  const needed = Math.max(displayWidth(header) + 1, ...rows.map(rowWidth));
  return Math.max(TREE_MIN_WIDTH, Math.min(limit, needed));
}

/** The row's label and meta cut to fit `width`: the name first, then as much of the meta as fits. */
export function fitRow(r: TreeRow, width: number): { label: string; meta: string } {
  const room = width - 1 - 2 * r.depth - 1;
  const lw = displayWidth(r.label);
  if (lw + 1 + displayWidth(r.meta) <= room) return { label: r.label, meta: r.meta };
  if (lw + 3 <= room) return { label: r.label, meta: cutToWidth(r.meta, room - lw - 1) };
  return { label: cutToWidth(r.label, Math.max(1, room)), meta: '' };
}

/**
 * The first row shown of `count` rows in `area` rows, so that row `sel` is on screen (issue: with
 * more chats than rows, the focused one was below the tree's bottom, and the tree never moved).
 * It moves only as far as needed from `top`, and never leaves rows empty below the last.
 */
export function windowTop(top: number, sel: number, count: number, area: number): number {
  const rows = Math.max(1, area);
  let t = Math.max(0, Math.min(top, count - rows));
  if (sel >= 0 && sel < t) t = sel;
  else if (sel >= t + rows) t = sel - rows + 1;
  return Math.max(0, t);
}

/**
 * The first tab shown on a bar `width` columns wide, so that the tab at `focus` fits whole: tabs
 * (their widths `widths`, joined by one-column separators) are dropped from the left, and a
 * one-column marker shows that some were.
 */
export function firstTab(widths: readonly number[], focus: number, width: number): number {
  if (focus < 0 || focus >= widths.length) return 0;
  let start = 0;
  const used = (s: number): number => (s > 0 ? 1 : 0) + widths.slice(s, focus + 1).reduce((a, b) => a + b, 0) + (focus - s);
  while (start < focus && used(start) > width) start++;
  return start;
}
