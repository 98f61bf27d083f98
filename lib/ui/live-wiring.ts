/**
 * The UI's side of LiveChats: connecting at this terminal's size, turning its events into
 * repaints (chat list changes, a shown chat's new output, restore progress, warnings, agent
 * states with their alerts, the inspector), and connecting again when the control connection
 * ends under us (server killed, view session killed) — three tries, then a clear exit.
 */
import type { LiveChats } from '../chat/live';
import { TextDialog } from './dialogs';
import { lazy } from './lazy-chat';
import { chatLabel } from './chat-labels';
import { NOTICE_MS } from './status-line';
import type { Ui } from './ui-context';

export class LiveWiring {
  constructor(private readonly ui: Ui) {}

  /** Sweep, resume and connect (see LiveChats.start), at this terminal's size. */
  connect(): Promise<LiveChats> {
    const { geometry } = this.ui;
    return lazy.live().LiveChats.start(this.ui.ctx, { width: geometry.cols(), height: geometry.rows(), env: this.ui.o.env });
  }

  wire(live: LiveChats): void {
    const { state, chrome, geometry, grid, status } = this.ui;
    live.on('changed', () => {
      if (state.focusRef && !live.get(state.focusRef)) state.focusRef = live.list()[0]?.ref ?? null;
      if (!state.focusRef) state.focus = 'tree';
      void geometry.relayout();
    });
    live.on('output', (ref) => {
      const i = state.shownRefs.indexOf(ref);
      if (i >= 0) {
        const v = chrome.views[i]!;
        if (v.terminal !== live.terminal(ref)) {
          v.setTerminal(live.terminal(ref));
          grid.paintNotes();
        }
        v.scheduleRender();
      }
    });
    live.on('progress', (done, total) => {
      status.progress = done < total ? `restoring ${done}/${total}` : '';
      status.paint();
    });
    live.on('warning', (m) => status.warn(m));
    live.on('states', (changes) => {
      this.ui.alerts.take(changes, state.shownRefs, (ref) => { const c = live.get(ref); return c ? chatLabel(c) : ref; });
      void geometry.relayout();
    });
    live.on('inspector', () => {
      if (state.dialog instanceof TextDialog) {
        state.dialog.refresh();
        chrome.screen.render();
      }
    });
    live.on('closed', (reason) => {
      if (state.quitting || state.live !== live) return;
      void this.reconnect(reason);
    });
  }

  /**
   * The control connection ended under us (server killed, view session killed): connect
   * again — the start sweeps, resumes chats a dead server lost, and backfills the tree.
   */
  private async reconnect(reason: string): Promise<void> {
    const { state, status, exit } = this.ui;
    state.live = null;
    for (let attempt = 1; attempt <= 3 && !state.quitting; attempt++) {
      status.set(`tmux connection closed (${reason}); reconnecting (${attempt}/3)…`);
      this.ui.log.write(`connection closed (${reason}); reconnect attempt ${attempt}`);
      await new Promise((r) => setTimeout(r, 300 * attempt));
      try {
        const live = await this.connect();
        if (state.quitting) return void live.leaveAll();
        state.live = live;
        this.wire(live);
        if (state.focusRef && !live.get(state.focusRef)) state.focusRef = live.list()[0]?.ref ?? null;
        status.set('reconnected', NOTICE_MS);
        await this.ui.geometry.relayout();
        void live.restoreAll();
        return;
      } catch (e) {
        reason = (e as Error).message;
      }
    }
    if (state.quitting) return;
    state.quitting = true;
    exit.teardown();
    process.stderr.write(`chatmux: lost the tmux connection (${reason}) and could not reconnect.\nYour chats keep running where tmux still runs; start chatmux again.\n`);
    exit.finish(1);
  }
}
