/**
 * tmux → model: what the control connection tells us, applied to the live model. `%output` goes
 * to PaneScreens (which pauses a chat off screen at its first output) and marks activity on chats
 * off screen; a paused pane is caught up (now if shown, else when shown); notifications trigger
 * a backfill (new, renamed or closed chats), resize emulators to the real window size, follow
 * which UI sizes each window, update dead/alive from the pane subscription, refresh the inspector.
 */
import type { Notification } from '../control/events';
import type { Backfiller } from './live-backfill';
import type { LiveCore } from './live-core';
import type { InspectorCache } from './live-inspector';

/** Subscriptions (`refresh-client -B`) the live model asks tmux for at start. */
export const PANE_SUBSCRIPTION = 'chatmux-panes';
export const OWNER_SUBSCRIPTION = 'chatmux-owners';
/** Every session's name, role and parent labels (remote hosts): tmux speaks when one changes. */
export const LABEL_SUBSCRIPTION = 'chatmux-labels';
export const LABELS_FORMAT = '#{S:#{session_id}=#{@chatmux-name}/#{@chatmux-role}/#{@chatmux-parent};}';

export class TmuxFollower {
  private ownerTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly core: LiveCore,
    private readonly backfiller: Backfiller,
    private readonly inspector: InspectorCache,
  ) {}

  /** No more scheduled owner checks (shutting down). */
  stop(): void {
    if (this.ownerTimer) clearTimeout(this.ownerTimer);
  }

  onOutput(pane: string, data: Buffer): void {
    const core = this.core;
    const chat = core.byPane.get(pane);
    if (!chat) return;
    // Off screen, its first output pauses it (PaneScreens): the mark is all it costs.
    core.screens.output(chat.ref, pane, data, core.client.outputSeq);
    if (!core.visible.has(chat.ref) && !chat.activity) {
      chat.activity = true;
      core.events.emit('changed');
    }
    core.events.emit('output', chat.ref);
  }

  onPaused(pane: string): void {
    // tmux dropped this pane's output for us: a shown chat is caught up now, a hidden one when shown.
    const chat = this.core.byPane.get(pane);
    if (chat) this.core.screens.paused(chat.ref, pane);
    else void this.core.client.resume(pane).catch(() => {});
  }

  /** A client or session left: windows whose size owner went with it are taken back. */
  private scheduleOwnerCheck(): void {
    if (this.ownerTimer || this.core.stopped) return;
    this.ownerTimer = setTimeout(() => {
      this.ownerTimer = null;
      if (!this.core.stopped) void this.core.ownSizes.recheck().catch(() => {});
    }, 50);
  }

  onNotification(n: Notification): void {
    const { core, backfiller, inspector } = this;
    switch (n.type) {
      case 'sessionsChanged':
        this.scheduleOwnerCheck();
        backfiller.schedule();
        inspector.invalidate();
        break;
      case 'sessionRenamed':
        backfiller.schedule();
        inspector.invalidate();
        break;
      case 'windowClose':
      case 'unlinkedWindowClose':
        if (core.linked.has(n.windowId)) {
          core.linked.delete(n.windowId);
          backfiller.schedule();
        }
        inspector.invalidate();
        break;
      case 'layoutChange': {
        // The real size of a chat's window (never what we asked for).
        const m = /^[0-9a-f]{4},(\d+)x(\d+),/.exec(n.layout);
        if (m) {
          for (const chat of core.byRef.values()) {
            if (chat.windowId === n.windowId) core.screens.resize(chat.ref, chat.paneId, Number(m[1]), Number(m[2]));
          }
          void core.ownSizes.sizeChanged(n.windowId, Number(m[1]), Number(m[2])).catch(() => {});
        }
        inspector.invalidate();
        break;
      }
      case 'subscriptionChanged': {
        if (n.name === OWNER_SUBSCRIPTION && n.windowId) void core.ownSizes.ownerIs(n.windowId, n.value).catch(() => {});
        if (n.name === LABEL_SUBSCRIPTION) backfiller.schedule();
        if (n.name !== PANE_SUBSCRIPTION || !n.paneId) break;
        const chat = core.byPane.get(n.paneId);
        const [dead, status, signal] = n.value.split(':');
        if (chat) {
          const isDead = dead === '1';
          const st = isDead && status !== '' ? Number(status) : null;
          const sig = isDead && signal !== '' && signal !== undefined ? Number(signal) : null;
          if (chat.dead !== isDead || chat.exitStatus !== st || chat.exitSignal !== sig) {
            chat.dead = isDead;
            chat.exitStatus = st;
            chat.exitSignal = sig;
            core.events.emit('changed');
          }
        }
        inspector.invalidate();
        break;
      }
      case 'clientDetached':
        this.scheduleOwnerCheck();
        inspector.invalidate();
        break;
      case 'windowAdd':
      case 'unlinkedWindowAdd':
      case 'clientSessionChanged':
      case 'windowPaneChanged':
        inspector.invalidate();
        break;
    }
  }
}
