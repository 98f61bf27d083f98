/**
 * What a key does in each mode once the key router has ruled out dialogs and the global
 * switches: in the pane (paste, and restart/close/start a chat that is not running), in the
 * tree (select, open, new, help, quit, Ctrl+C twice), and after the prefix (every chat action,
 * layout, inspector, scroll mode, help, quit; the prefix twice sends it to the chat).
 */
import { LAYOUT_MODES } from './layout';
import type { Token } from './input';
import { NOTICE_MS } from './status-line';
import type { Ui } from './ui-context';

export class ModeKeys {
  private lastCtrlC = 0;

  constructor(private readonly ui: Ui) {}

  paneKey(t: Token): void {
    const { state, status } = this.ui;
    const live = state.live;
    const c = state.focusRef ? live?.get(state.focusRef) : undefined;
    if (!c || !live) return;
    if (t.kind === 'paste') {
      if (c.paneId && !c.dead) void live.paste(c.ref, t.text);
      return;
    }
    if (t.kind !== 'key') return;
    if (c.dead) {
      if (t.char === 'R' || t.char === 'r') void status.act(() => state.live!.restartChat(c.ref), 'restarting…');
      else if (t.char === 'X' || t.char === 'x') void status.act(() => state.live!.closeChat(c.ref), 'closing…');
      return;
    }
    if (!c.paneId && t.name === 'enter') void status.act(() => state.live!.openChat(c.ref), 'starting…');
  }

  treeKey(t: Token): void {
    const { state, status, nav, dialogs } = this.ui;
    if (t.kind !== 'key' || !state.live) return;
    const list = state.live.list();
    const i = list.findIndex((c) => c.ref === state.focusRef);
    if (t.name === 'up' || t.name === 'down') {
      const next = list[Math.max(0, Math.min(list.length - 1, i + (t.name === 'up' ? -1 : 1)))];
      if (next) void nav.focusChat(next.ref, 'tree');
    } else if (t.name === 'enter' && state.focusRef) {
      const c = state.live.get(state.focusRef);
      if (c && !c.paneId && c.record.state === 'closed') void status.act(() => state.live!.openChat(c.ref), 'starting…');
      void nav.focusChat(state.focusRef, 'pane');
    } else if (t.char === 'n') dialogs.newChat();
    else if (t.char === 'q') this.ui.exit.quit();
    else if (t.char === '?') dialogs.help();
    else if (t.name === 'ctrl-c') {
      const now = Date.now();
      if (now - this.lastCtrlC < 1000) this.ui.exit.quit();
      else {
        this.lastCtrlC = now;
        status.set('press Ctrl+C again to quit', NOTICE_MS);
      }
    }
  }

  async prefixCommand(t: Token): Promise<void> {
    const { state, status, nav, dialogs, geometry } = this.ui;
    if (t.kind !== 'key' || !state.live) return;
    const ref = state.focusRef;
    if (t.bytes.length === 1 && t.bytes[0] === this.ui.prefixByte) {
      if (ref) await state.live.sendKeys(ref, t.bytes);
      return;
    }
    if (t.name === 'left' || t.name === 'right') return nav.navigate(t.name === 'left' ? -1 : 1);
    if (t.name === 'tab' || t.char === 't') {
      // Without a chat there is nothing but the tree to focus.
      state.focus = ref && state.focus === 'tree' ? 'pane' : 'tree';
      return geometry.relayout();
    }
    switch (t.char) {
      case 'n':
        return dialogs.newChat();
      case 'r':
        if (ref) dialogs.rename(ref);
        return;
      case 'x':
        if (ref) await status.act(() => state.live!.closeChat(ref), 'closing…');
        return;
      case 'a':
        if (ref) dialogs.archive(ref);
        return;
      case 'o':
        if (ref) await status.act(() => state.live!.openChat(ref), 'starting…');
        return;
      case 'R':
        if (ref) await status.act(() => state.live!.restartChat(ref), 'restarting…');
        return;
      case 'l':
        state.layout = LAYOUT_MODES[(LAYOUT_MODES.indexOf(state.layout) + 1) % LAYOUT_MODES.length]!;
        return geometry.relayout();
      case 'i':
        return dialogs.inspector();
      case 'w':
        return nav.jumpToAttention();
      case 's':
      case '[':
        return this.ui.scroll.enter();
      case '?':
        return dialogs.help();
      case 'q':
        return this.ui.exit.quit();
    }
  }
}
