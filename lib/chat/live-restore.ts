/**
 * Bringing chats' emulators up to date from tmux (PaneScreens does the capture under the output
 * gate, §9.1): one chat, or at start the chats on screen (with progress) and the few that
 * follow them in the tree. Also reads tmux's older history for scroll mode.
 */
import { displayMessage } from '../control/commands';
import { captureHistory } from '../terminal/restore';
import type { LiveCore } from './live-core';

export class PaneRestorer {
  constructor(private readonly core: LiveCore, private readonly warm: number) {}

  /**
   * Restore the chats on screen, reporting progress; then, quietly, the few that follow them in
   * the tree (what the next-chat and grid keys show), so those show at once. Other chats need
   * nothing: tmux keeps their screens, and each is restored when it is shown (issue 15.4).
   */
  async restoreAll(): Promise<void> {
    const core = this.core;
    const running = core.list().filter((c) => c.paneId).map((c) => c.ref);
    const shown = running.filter((r) => core.visible.has(r));
    let done = 0;
    core.events.emit('progress', 0, shown.length);
    for (const ref of shown) {
      if (core.stopped) return;
      if (!core.screens.terminal(ref)) await this.restore(ref);
      core.events.emit('progress', ++done, shown.length);
    }
    const from = Math.max(0, running.indexOf(shown[shown.length - 1] ?? ''));
    const next = [...running.slice(from + 1), ...running.slice(0, from)].filter((r) => !core.visible.has(r));
    for (const ref of next.slice(0, this.warm)) {
      if (core.stopped) return;
      if (!core.screens.terminal(ref)) await this.restore(ref);
    }
  }

  /**
   * Replace the chat's emulator content with what tmux has (history, screen, alternate
   * screen, cursor), then apply the output that arrived after the capture (§9.1).
   */
  async restore(ref: string): Promise<void> {
    const chat = this.core.byRef.get(ref);
    if (chat?.paneId) await this.core.screens.restore(ref, chat.paneId);
  }

  /** Lines of history tmux holds for the chat's pane (above its visible screen). */
  async historySize(ref: string): Promise<number> {
    const chat = this.core.byRef.get(ref);
    if (!chat?.paneId) return 0;
    return Number(await displayMessage(this.core.client, '#{history_size}', chat.paneId)) || 0;
  }

  /** Older history than the emulator keeps (for scroll mode), as lines with SGR colours. */
  async olderHistory(ref: string, fromLine: number, count: number): Promise<string[]> {
    const chat = this.core.byRef.get(ref);
    if (!chat?.paneId) return [];
    return captureHistory(this.core.client, chat.paneId, fromLine, count);
  }
}
