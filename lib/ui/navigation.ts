/**
 * Moving the focus between chats: by click (a pane or a tree row), by Alt+←/→ and the prefix
 * arrows (one step after another, in tree order), by Alt+1…9, and to the next chat waiting for
 * the user (`C-o w`). Focusing a chat leaves scroll mode, relayouts, and lets the chat take this
 * UI's size.
 */
import { nextAttention } from './state-marks';
import { treeLineAt } from './tree-view';
import type { Focus, Ui } from './ui-context';

export class Navigation {
  private navigating: Promise<void> = Promise.resolve();

  constructor(private readonly ui: Ui) {}

  async focusChat(ref: string | null, focus: Focus = 'pane'): Promise<void> {
    if (!ref) return;
    const { state, scroll } = this.ui;
    if (scroll.active) scroll.leave();
    state.focusRef = ref;
    state.focus = focus;
    await this.ui.geometry.relayout();
    // Chosen here: the chat takes this UI's size (another UI or terminal may have had it).
    await state.live?.focus(ref);
  }

  focusView(i: number): void {
    const ref = this.ui.state.shownRefs[i];
    if (ref && !this.ui.state.dialog) void this.focusChat(ref);
  }

  clickTree(y: number): void {
    const state = this.ui.state;
    if (!state.live || state.dialog) return;
    const line = treeLineAt(this.ui, y - (this.ui.chrome.tree.atop as number) - 1);
    if (line && 'chat' in line) void this.focusChat(line.chat.ref);
  }

  /** One step after the other: keys that arrive together (Alt+→ ×3) must not all start from the same chat. */
  navigate(step: number): Promise<void> {
    const state = this.ui.state;
    this.navigating = this.navigating.then(async () => {
      if (!state.live) return;
      const next = await state.live.neighbour(state.focusRef, step);
      if (next) void this.focusChat(next, state.focus);
    }).catch(() => undefined);
    return this.navigating;
  }

  /** `C-o w`: the next chat waiting for the user (then idle ones), oldest first. */
  jumpToAttention(): Promise<void> | void {
    const live = this.ui.state.live!;
    const states = live.states;
    if (!states) return;
    const next = nextAttention(live.list().map((c) => ({ ref: c.ref, state: states.of(c.ref) })), this.ui.state.focusRef);
    if (!next) return this.ui.status.set('no chat is waiting or idle', 3000);
    return this.focusChat(next, 'pane');
  }
}
