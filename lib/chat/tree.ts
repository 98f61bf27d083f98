/** The chat tree: children under their parent, in ref order; navigation wraps. Pure. */

export interface TreeItem {
  ref: string;
  parent: string | null;
}

export interface TreeRow<T extends TreeItem> {
  item: T;
  depth: number;
}

const refNum = (ref: string): number => Number(/(\d+)$/.exec(ref)?.[1] ?? 0);

/** Depth-first order: roots by ref number, each followed by its children (recursively). */
export function treeOrder<T extends TreeItem>(items: readonly T[]): TreeRow<T>[] {
  const byRef = new Map(items.map((i) => [i.ref, i]));
  const children = new Map<string | null, T[]>();
  for (const i of items) {
    // A child whose parent is not shown (archived, unknown) is listed as a root.
    const parent = i.parent && byRef.has(i.parent) && i.parent !== i.ref ? i.parent : null;
    const list = children.get(parent) ?? [];
    list.push(i);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => refNum(a.ref) - refNum(b.ref));
  const out: TreeRow<T>[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const i of children.get(parent) ?? []) {
      if (seen.has(i.ref)) continue; // cycles in hand-edited data
      seen.add(i.ref);
      out.push({ item: i, depth });
      walk(i.ref, depth + 1);
    }
  };
  walk(null, 0);
  // Anything left (a parent cycle) still appears.
  for (const i of items) if (!seen.has(i.ref)) out.push({ item: i, depth: 0 });
  return out;
}

/** The ref `step` places from `current` in tree order, wrapping; the first one if current is unknown. */
export function neighbour(order: readonly string[], current: string | null, step: number): string | null {
  if (order.length === 0) return null;
  const i = current === null ? -1 : order.indexOf(current);
  if (i < 0) return step >= 0 ? order[0]! : order[order.length - 1]!;
  const n = order.length;
  return order[(((i + step) % n) + n) % n]!;
}
