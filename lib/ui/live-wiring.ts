/**
 * The UI's side of the chats: connecting to every host at this terminal's size (this machine,
 * plus `--host` and the hosts file, issue 14.3), turning their events into repaints (chat list
 * changes, a shown chat's new output, restore progress, warnings, agent states with their
 * alerts, the inspector) and showing a host's link going down and coming back: its panes say
 * "reconnecting (attempt N)" while MultiChats connects again by itself (issue 14.4).
 */
import type { MultiChats } from '../chat/multi-chats';
import { TextDialog } from './dialogs';
import { lazy } from './lazy-chat';
import { chatLabel } from './chat-labels';
import { NOTICE_MS } from './status-line';
import type { Ui } from './ui-context';
import { describeLink, linkReason } from '../chat/reconnect';
import { nonInteractive } from '../control/ssh';

/**
 * Lines of history each chat's emulator keeps (and a restore captures). Older lines stay in
 * tmux and scroll mode reads them in pages (history-pages.ts): a restore of 200 lines instead
 * of 1,000 is what makes showing a chat off screen, and the UI's start, feel instant (issue 15.4).
 */
export const UI_SCROLLBACK = 200;

export class LiveWiring {
  constructor(private readonly ui: Ui) {}

  /** Sweep, resume and connect every host (see LiveChats.start), at this terminal's size. */
  connect(): Promise<MultiChats> {
    const { geometry, ctx, o } = this.ui;
    const env = o.env ?? process.env;
    const host = lazy.host();
    const sources = [
      ...(o.hideLocal ? [] : [host.localHost(ctx)]),
      ...(o.hosts ?? []).map((h) => ({ name: h.ssh.dest, resolve: () => host.sshChatHost(nonInteractive(h.ssh), h.socket ?? ctx.socket, h.project, env, h.stateDir ?? null, (m) => this.ui.status.warn(m)) })),
    ];
    return lazy.multi().MultiChats.start(sources, () => ({ width: geometry.cols(), height: geometry.rows(), env: o.env, pauseHidden: true, scrollback: UI_SCROLLBACK }));
  }

  wire(live: MultiChats): void {
    const { state, chrome, geometry, grid, status } = this.ui;
    live.on('changed', () => {
      if (state.focusRef && !live.get(state.focusRef)) state.focusRef = live.list()[0]?.ref ?? null;
      else if (!state.focusRef && !state.quitting) {
        // Nothing was shown (no chat here at start): the first chats to arrive — a remote host
        // connected — are shown as they would have been at start, not an empty screen.
        state.focusRef = live.list().find((c) => c.paneId)?.ref ?? live.list()[0]?.ref ?? null;
        if (state.focusRef) state.focus = 'pane';
      }
      if (!state.focusRef) state.focus = 'tree';
      void geometry.relayout();
    });
    live.on('output', (ref) => {
      const i = state.shownRefs.indexOf(ref);
      if (i >= 0) {
        const v = chrome.views[i]!;
        if (v.terminal !== live.terminal(ref)) {
          // A chat restored after it was shown (issue 15.4): its note goes; the whole screen is drawn.
          v.setTerminal(live.terminal(ref));
          grid.paintNotes();
          chrome.screen.render();
        }
        // Otherwise the view's own emulator subscription (onChange) has drawn it already: a
        // second request here only armed a trailing frame 16 ms later that held back the next echo.
      }
    });
    live.on('progress', (done, total) => {
      if (done >= total) this.ui.scroll.restored();
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
    const wasDown = new Set<string>();
    const reasons = new Map<string, string>();
    live.on('link', (host, s) => {
      if (state.quitting) return;
      const back = s.kind === 'up' && wasDown.delete(host);
      if (s.kind === 'reconnecting') wasDown.add(host);
      const where = host === 'local' ? 'tmux' : host;
      const what = describeLink(s);
      this.ui.log.write(`${where}: ${what}${s.kind === 'reconnecting' ? ` (${s.reason})` : ''}`);
      // The drop itself on the status line, with why (a host down at start: refused, ssh
      // authentication, …: issue 14.6's host-level notice); later attempts only when the reason
      // changes — a host that stays down must not take the status line every 30 s.
      if (s.kind === 'reconnecting') {
        const why = linkReason(host, s.reason);
        if (s.attempt === 1 || why !== reasons.get(host)) status.set(`${where}: ${what}… (${why})`);
        reasons.set(host, why);
      } else if (back) status.set(`${where}: reconnected`, NOTICE_MS);
      if (s.kind === 'up') reasons.delete(host);
      void geometry.relayout();
    });
  }
}

