/**
 * The chat panes as a grid: each shown chat's border label and colour (cyan for the focused
 * one), the note drawn over its last row when it has nothing live to show (dead, closed, gone,
 * restoring), the welcome box when there are no chats, the one-line notice when the terminal is
 * too small, and where the real terminal cursor goes. Which chat is in which pane, and where the
 * panes are, is decided by the geometry.
 */
import { RESUMES_CONVERSATION, type ExecutorName } from '../chat/executor-names';
import { endedText, endedWord } from '../chat/status';
import { esc } from './dialogs';
import { tooSmallText } from './layout';
import { noteText, type NoteState } from './notes';
import type { PaneView } from './pane-view';
import type { CursorAt } from './real-cursor';
import { chatLabel, chatStateWord } from './chat-labels';
import type { Ui } from './ui-context';
import { describeLink } from '../chat/reconnect';

export function welcomeText(prefixName: string): string {
  return (
    `{bold}Welcome to chatmux{/bold}\n\nNo chats in this project yet.\n\n` +
    `  Press {bold}n{/bold} then {bold}Enter{/bold} to start a shell chat\n` +
    `  (the dialog also offers claude, codex, nex and any command).\n\n` +
    `  Chats run in tmux and keep running when chatmux quits.\n` +
    `  ${esc(prefixName)} ? lists every key • q quits`
  );
}

export class PaneGrid {
  constructor(private readonly ui: Ui) {}

  focusedView(): PaneView | null {
    const { state, chrome } = this.ui;
    const i = state.shownRefs.indexOf(state.focusRef ?? '');
    return i >= 0 ? chrome.views[i]! : null;
  }

  /** The real cursor goes to the focused chat's cursor (hidden in the tree, dialogs, scroll mode). */
  cursorAt(): CursorAt | null {
    const { state, scroll } = this.ui;
    if (this.ui.exit.tornDown) return null;
    const v = state.focus === 'pane' && !state.dialog && !scroll.active ? this.focusedView() : null;
    return v?.cursorOnScreen() ?? null;
  }

  /**
   * Below the minimum size one line says so instead of a broken layout (12.6); true while it
   * shows (and then drawn). Otherwise the caller draws the frame: a relayout drew it twice, the
   * first time before its restores went to tmux (issue 15.4).
   */
  paintTooSmall(): boolean {
    const { chrome, geometry } = this.ui;
    const small = tooSmallText(geometry.cols(), geometry.rows());
    if (small) {
      chrome.tooSmall.setContent(esc(small));
      chrome.tooSmall.show();
      chrome.tooSmall.setFront();
      chrome.screen.render();
    } else chrome.tooSmall.hide();
    return !!small;
  }

  paintNotes(): void {
    const { state, chrome, prefixName } = this.ui;
    const live = state.live;
    chrome.views.forEach((v, i) => {
      const note = chrome.notes[i]!;
      const ref = state.shownRefs[i];
      const c = ref && live ? live.get(ref) : undefined;
      // Only on a change: blessed's setLabel clears the label's cells at once, and a view drawn
      // alone before the next full render would then put that blank on screen.
      // With several hosts the border names the chat's host too (issue 14.3).
      const where = c && live!.hosts.length > 1 ? `${esc(c.host)}: ` : '';
      const label = c ? ` ${where}${esc(chatLabel(c))} • ${c.record.executor} • ${chatStateWord(c)} ` : '';
      if ((v.box as unknown as { _label?: { content?: string } })._label?.content !== label) v.box.setLabel(label);
      if (!c) {
        note.hide();
        return;
      }
      let noteState: NoteState | null = null;
      const down = live!.linkDown(c.ref);
      if (down) noteState = { kind: 'reconnecting', host: c.host === 'local' ? 'tmux' : c.host, link: describeLink(down) };
      else if (c.dead) {
        const resumes = RESUMES_CONVERSATION[c.record.executor as ExecutorName] ?? false;
        noteState = { kind: 'dead', ended: endedText(c.exitStatus, c.exitSignal), endedShort: endedWord('exit', c.exitStatus, c.exitSignal), resumes };
      } else if (!c.paneId && c.record.state === 'closed') noteState = { kind: 'closed' };
      else if (!c.paneId) noteState = { kind: 'gone' };
      else if (!live!.terminal(c.ref)) noteState = { kind: 'restoring' };
      if (noteState) {
        note.setContent(esc(noteText(noteState, note.width as number, prefixName)));
        note.show();
      } else note.hide();
    });
  }

  paintFocus(): void {
    const { state, chrome } = this.ui;
    chrome.views.forEach((v, i) => {
      const focused = state.shownRefs[i] === state.focusRef && state.focus === 'pane';
      (v.box.style as { border: { fg: string } }).border = { fg: focused ? 'cyan' : 'gray' };
      if (focused && !state.dialog) v.box.focus();
    });
    if (state.focus === 'tree' && !state.dialog) chrome.tree.focus();
  }
}
