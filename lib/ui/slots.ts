/**
 * Which chat each pane of a layout shows. Panes keep their chats while the focus moves among
 * them; only a chat that is not on screen takes a pane: the focused one's (issue 12.9, where
 * Alt+→ in the grid moved every pane's chat). Pure.
 */

/**
 * `prev`: the chats the panes showed; `slot`: the pane that had the focus; `order`: every
 * chat in tree order; `focus`: the chat to focus now; `n`: panes in the layout.
 */
export function assignSlots(prev: readonly string[], slot: number, order: readonly string[], focus: string, n: number): { refs: string[]; slot: number } {
  const known = new Set(order);
  const count = Math.min(n, order.length);
  // Chats still there keep their panes; a vanished chat leaves its pane free.
  const refs: Array<string | null> = Array.from({ length: count }, (_, i) => {
    const r = prev[i];
    return r && known.has(r) && prev.indexOf(r) === i ? r : null;
  });
  let at = refs.indexOf(focus);
  if (at < 0) {
    at = Math.max(0, Math.min(slot, count - 1));
    refs[at] = focus;
  }
  // Free panes take the chats after the focused one in tree order that are not on screen.
  const start = Math.max(0, order.indexOf(focus));
  const rest = order.slice(start + 1).concat(order.slice(0, start)).filter((r) => !refs.includes(r));
  for (let i = 0; i < refs.length; i++) if (refs[i] === null) refs[i] = rest.shift() ?? null;
  return { refs: refs.filter((r): r is string => r !== null), slot: at };
}
