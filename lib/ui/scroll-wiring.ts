/**
 * Scroll mode (scroll-mode.ts) plugged into the UI: it scrolls the focused chat's pane, reads
 * older history from LiveChats, renders it with this server's width rules, and repaints the
 * status line when it starts or ends. The mouse wheel over a pane focuses that chat first, and
 * scrolls it once it is focused.
 */
import { lazy } from './lazy-chat';
import { ScrollMode } from './scroll-mode';
import type { Ui } from './ui-context';

export function makeScrollMode(ui: Ui): ScrollMode {
  return new ScrollMode({
    view: () => ui.grid.focusedView(),
    chat: () => ui.state.focusRef,
    history: () => {
      const live = ui.state.live;
      const ref = ui.state.focusRef;
      if (!live || !ref) return null;
      return { size: () => live.historySize(ref), lines: (start, count) => live.olderHistory(ref, start, count) };
    },
    render: (lines, cols) => lazy.restore().historyTerminal(lines, cols, ui.state.live?.widths),
    changed: () => ui.status.paint(),
    warn: (m) => ui.status.warn(m),
  });
}

/** The pane view (index) whose box holds screen cell (x, y), or -1. */
export function viewIndexAt(ui: Ui, x: number, y: number): number {
  return ui.chrome.views.findIndex((v) => {
    const b = v.box as unknown as { visible: boolean; aleft: number; atop: number; width: number; height: number };
    return b.visible && x >= b.aleft && x < b.aleft + b.width && y >= b.atop && y < b.atop + b.height;
  });
}

export function wheelAt(ui: Ui, x: number, y: number, rows: number): void {
  const { chrome, state } = ui;
  const i = viewIndexAt(ui, x, y);
  if (i < 0 || state.dialog) return;
  const ref = state.shownRefs[i];
  if (!ref) return;
  if (ref !== state.focusRef) return void ui.nav.focusChat(ref);
  ui.scroll.wheel(chrome.views[i]!, rows);
}
