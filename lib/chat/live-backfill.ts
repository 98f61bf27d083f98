/**
 * Re-reading the chat list from the registry and tmux ("backfill"): new chats are added and
 * their windows linked into the view session (so their output reaches us), chats whose pane
 * changed or went away lose their emulator, archived ones leave, and the tree order and depths
 * are recomputed. Many events ask for it at once: they are coalesced, and `schedule` waits a
 * moment first. Chats on screen whose pane just appeared get their emulator. A remote host's
 * chats are read from its tmux (its registry is not ours), its closed ones from its chatmux
 * in the background (remote-registry.ts).
 */
import { linkWindow, listWindows } from '../control/commands';
import { isMissingTarget } from '../control/errors';
import { listChatsWithPanes } from './list';
import { treeOrder } from './tree';
import { coalesced } from './coalesce';
import type { LiveCore } from './live-core';
import { RemoteRegistry } from './remote-registry';
import type { ChatView } from './list';
import type { PaneInfo } from '../control/commands';

export class Backfiller {
  private timer: NodeJS.Timeout | null = null;
  /** A remote host's closed chats (null here: this machine's registry is read directly). */
  private readonly remote: RemoteRegistry | null;

  constructor(private readonly core: LiveCore) {
    this.remote = core.host.ssh ? new RemoteRegistry(core.host, () => this.schedule()) : null;
  }

  /** A remote host's closed chats, read now and whenever `afterChange` runs; returns the stop. */
  watchRemote(): () => void {
    void this.remote?.refresh();
    return () => this.remote?.stop();
  }

  /** After a change made from this UI: a remote registry is read again too (in the background). */
  readonly afterChange = (): Promise<void> => {
    void this.remote?.refresh();
    return this.backfill();
  };

  /** Re-read the chat list from the registry and tmux; link new chat windows into the view. */
  readonly backfill = coalesced(async () => {
    try {
      await this.doBackfill();
    } catch (e) {
      if (!this.core.stopped) this.core.events.emit('warning', `could not list chats: ${(e as Error).message}`);
    }
  }, () => !this.core.stopped);

  schedule(): void {
    if (this.timer || this.core.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.backfill();
    }, 50);
  }

  /** No more scheduled backfills (shutting down). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.remote?.stop();
  }

  /** Link a chat's window into the view session (so its output reaches us), at its wanted size. */
  private async link(windowId: string, ref: string): Promise<void> {
    const core = this.core;
    await linkWindow(core.client, windowId, core.client.sessionId!).catch((e) => {
      if (!isMissingTarget(e)) throw e;
    });
    core.linked.add(windowId);
    const size = core.sizes.get(ref);
    if (size) await core.ownSizes.want(windowId, size);
  }

  /** When each chat that left a remote host's tmux did (ms), until its registry was read after. */
  private readonly left = new Map<string, number>();

  /**
   * A remote host's closed chats join the list. A chat that left its tmux was closed, archived
   * or is being restarted there: it stays as it was until the remote registry, read again now,
   * says which (so a restart or a close from this UI does not drop it from the tree meanwhile).
   */
  private addRemoteClosed(chats: Array<{ view: ChatView; pane: PaneInfo | null }>, remote: RemoteRegistry): void {
    const inTmux = new Set(chats.map((c) => c.view.ref));
    const now = Date.now();
    let ask = false;
    for (const [ref, chat] of this.core.byRef) {
      if (inTmux.has(ref) || remote.has(ref)) {
        this.left.delete(ref);
        continue;
      }
      if (!this.left.has(ref)) {
        this.left.set(ref, now);
        ask = true;
      }
      if (remote.readSince(this.left.get(ref)!)) this.left.delete(ref);
      else chats.push({ view: chat.record, pane: null });
    }
    if (ask) void remote.refresh();
    for (const view of remote.views(inTmux)) chats.push({ view, pane: null });
  }

  private async doBackfill(): Promise<void> {
    const core = this.core;
    const client = core.client;
    if (core.stopped) return;
    const chats = await listChatsWithPanes(client, core.ctx, { fromTmux: !!core.host.ssh });
    if (this.remote) this.addRemoteClosed(chats, this.remote);
    const views = chats.map((c) => c.view);
    const viewWindows = new Set((await listWindows(client, client.sessionId!)).map((w) => w.id));
    const seen = new Set<string>();
    // Sent together, not one reply after another: a UI start links every chat (50 round trips).
    const links: Promise<void>[] = [];
    for (const { view: v, pane } of chats) {
      seen.add(v.ref);
      let chat = core.byRef.get(v.ref);
      if (!chat) {
        chat = { ref: v.ref, record: v, paneId: null, windowId: null, dead: false, exitStatus: null, exitSignal: null, activity: false, depth: 0 };
        core.byRef.set(v.ref, chat);
      }
      chat.record = v;
      if (pane) {
        if (chat.paneId && chat.paneId !== pane.id) core.dropTerminal(v.ref);
        if (chat.paneId) core.byPane.delete(chat.paneId);
        chat.paneId = pane.id;
        chat.windowId = pane.windowId;
        core.byPane.set(pane.id, chat);
        core.applyPaneInfo(chat, pane);
        if (!viewWindows.has(pane.windowId)) links.push(this.link(pane.windowId, v.ref));
      } else {
        if (chat.paneId) core.byPane.delete(chat.paneId);
        chat.paneId = null;
        chat.windowId = null;
        chat.dead = false;
        chat.exitStatus = null;
        chat.exitSignal = null;
        core.dropTerminal(v.ref);
      }
    }
    await Promise.all(links);
    for (const ref of [...core.byRef.keys()]) {
      if (!seen.has(ref)) {
        const c = core.byRef.get(ref)!;
        if (c.paneId) core.byPane.delete(c.paneId);
        core.dropTerminal(ref);
        core.byRef.delete(ref);
      }
    }
    const rows = treeOrder(views);
    core.order = rows.map((r) => r.item.ref);
    for (const r of rows) core.byRef.get(r.item.ref)!.depth = r.depth;
    core.events.emit('changed');
    // A chat created elsewhere shows up while its creator still writes `running`: look again soon.
    if (views.some((v) => v.state === 'starting')) setTimeout(() => this.schedule(), 300);
    // Newly visible chats whose pane just appeared need their emulator.
    for (const ref of core.visible) {
      const c = core.byRef.get(ref);
      if (c?.paneId) core.screens.ensure(ref, c.paneId);
    }
  }
}
