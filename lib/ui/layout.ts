/** Screen geometry: tree on the left, tabs on top, chat panes in the middle, status below. Pure. */

export type LayoutMode = 'single' | 'split' | 'grid';
export const LAYOUT_MODES: LayoutMode[] = ['single', 'split', 'grid'];

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Geometry {
  tree: Rect;
  tabs: Rect;
  status: Rect;
  /** Outer boxes of the panes (each has a 1-cell border). */
  panes: Rect[];
}

export const TREE_WIDTH = 30;

/** The tree column's width before the chats' names are known. */
export function defaultTreeWidth(width: number): number {
  return Math.min(TREE_WIDTH, Math.max(16, Math.floor(width / 4)));
}

/** How many chats a layout shows at once. */
export function paneCount(mode: LayoutMode): number {
  return mode === 'single' ? 1 : mode === 'split' ? 2 : 4;
}

/** `treeWidth`: the tree column (see tree-rows.ts); by default a quarter of the screen, 16 to 30. */
export function computeLayout(width: number, height: number, mode: LayoutMode, chats: number, treeWidth = defaultTreeWidth(width)): Geometry {
  const tree: Rect = { left: 0, top: 0, width: treeWidth, height: Math.max(1, height - 1) };
  const mainLeft = treeWidth;
  const mainWidth = Math.max(4, width - treeWidth);
  const tabs: Rect = { left: mainLeft, top: 0, width: mainWidth, height: 1 };
  const status: Rect = { left: 0, top: Math.max(0, height - 1), width, height: 1 };
  const area: Rect = { left: mainLeft, top: 1, width: mainWidth, height: Math.max(3, height - 2) };
  const n = Math.max(1, Math.min(paneCount(mode), chats));
  let panes: Rect[];
  if (n === 1) panes = [area];
  else if (n === 2) panes = splitH(area, 2);
  else {
    const [top, bottom] = splitV(area, 2);
    panes = [...splitH(top!, 2), ...splitH(bottom!, n - 2)];
  }
  return { tree, tabs, status, panes };
}

function splitH(r: Rect, n: number): Rect[] {
  const out: Rect[] = [];
  let left = r.left;
  for (let i = 0; i < n; i++) {
    const w = i === n - 1 ? r.left + r.width - left : Math.floor(r.width / n);
    out.push({ left, top: r.top, width: w, height: r.height });
    left += w;
  }
  return out;
}

function splitV(r: Rect, n: number): Rect[] {
  const out: Rect[] = [];
  let top = r.top;
  for (let i = 0; i < n; i++) {
    const h = i === n - 1 ? r.top + r.height - top : Math.floor(r.height / n);
    out.push({ left: r.left, top, width: r.width, height: h });
    top += h;
  }
  return out;
}

/** Inner size of a bordered pane box: what the chat's tmux window is sized to. */
export function innerSize(r: Rect): { cols: number; rows: number } {
  return { cols: Math.max(1, r.width - 2), rows: Math.max(1, r.height - 2) };
}

/** The smallest screen the UI is laid out on (every dialog fits it). */
export const MIN_WIDTH = 60;
export const MIN_HEIGHT = 15;

/** The one line shown instead of the UI below the minimum, or null when the screen is big enough. */
export function tooSmallText(width: number, height: number): string | null {
  if (width >= MIN_WIDTH && height >= MIN_HEIGHT) return null;
  return `terminal too small (${width}×${height}, need ${MIN_WIDTH}×${MIN_HEIGHT})`;
}
