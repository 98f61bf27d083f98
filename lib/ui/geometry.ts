/**
 * Where everything goes, and the one place that repaints after a change: `relayout` picks the
 * chats to show (keeping each in its pane, see slots.ts), places the tree, tabs, status line and
 * panes for the terminal's size and the layout mode, repaints every view, and tells LiveChats
 * the client's size and which chats are on screen at which size (so it restores and sizes them).
 */
import type { Widgets } from 'blessed';
import { computeLayout, innerSize, paneCount, type Rect } from './layout';
import { assignSlots } from './slots';
import { welcomeText } from './pane-grid';
import { paintTabs, paintTree, treeWidthFor } from './tree-view';
import type { Ui } from './ui-context';

export class Geometry {
  constructor(private readonly ui: Ui) {}

  cols(): number {
    return (this.ui.chrome.screen.width as number) || 80;
  }

  rows(): number {
    return (this.ui.chrome.screen.height as number) || 24;
  }

  /** The size of a pane of the current layout with one chat (for a chat about to be created). */
  singlePaneSize(): { cols: number; rows: number } {
    return innerSize(computeLayout(this.cols(), this.rows(), this.ui.state.layout, 1, treeWidthFor(this.ui)).panes[0]!);
  }

  private visibleRefs(): string[] {
    const state = this.ui.state;
    const live = state.live;
    if (!live || !state.focusRef) return [];
    const order = live.list().map((c) => c.ref);
    const { refs, slot } = assignSlots(state.shownRefs, state.focusSlot, order, state.focusRef, paneCount(state.layout));
    state.focusSlot = slot;
    return refs;
  }

  private place(el: Widgets.BoxElement, r: Rect): void {
    el.left = r.left;
    el.top = r.top;
    el.width = r.width;
    el.height = r.height;
  }

  applyGeometry(): { refs: string[]; rects: Rect[] } {
    const { state, chrome } = this.ui;
    const refs = this.visibleRefs();
    const g = computeLayout(this.cols(), this.rows(), state.layout, Math.max(1, refs.length), treeWidthFor(this.ui));
    this.place(chrome.tree, g.tree);
    this.place(chrome.tabs, g.tabs);
    this.place(chrome.status, g.status);
    const empty = !!state.live && state.live.list().length === 0;
    if (empty) chrome.welcome.show();
    else chrome.welcome.hide();
    if (empty) {
      this.place(chrome.welcome, g.panes[0]!);
      chrome.welcome.setContent(welcomeText(this.ui.prefixName));
    }
    chrome.views.forEach((v, i) => {
      const ref = refs[i];
      if (!ref || empty) {
        chrome.notes[i]!.hide();
        v.box.hide();
        v.setTerminal(null);
        return;
      }
      v.box.show();
      const r = g.panes[i]!;
      this.place(v.box, r);
      this.place(chrome.notes[i]!, { left: r.left + 1, top: r.top + r.height - 2, width: Math.max(1, r.width - 2), height: 1 });
    });
    state.shownRefs = empty ? [] : refs;
    this.ui.alerts.seen(state.shownRefs);
    return { refs: state.shownRefs, rects: g.panes };
  }

  async relayout(): Promise<void> {
    const { state, chrome, grid, scroll } = this.ui;
    if (!state.live || state.quitting) return;
    if (grid.paintTooSmall()) return;
    const before = state.shownRefs.join(',');
    const { refs, rects } = this.applyGeometry();
    state.dialog?.fit();
    if (before !== refs.join(',') && scroll.active) scroll.leave();
    refs.forEach((ref, i) => chrome.views[i]!.setTerminal(state.live!.terminal(ref)));
    // Sizes and restores go to tmux first (tmux runs them in this order): tmux works on them
    // while the frame is painted and drawn, so a chat off screen shows sooner (issue 15.4).
    const sized = state.live.setClientSize(this.cols(), this.rows());
    const shown = state.live.show(refs.map((ref, i) => ({ ref, ...innerSize(rects[i]!) })));
    paintTree(this.ui);
    paintTabs(this.ui);
    grid.paintNotes();
    grid.paintFocus();
    this.ui.status.paint();
    chrome.screen.render();
    await sized;
    await shown;
  }
}
