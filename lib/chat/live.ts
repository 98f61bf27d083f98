/**
 * LiveChats: the UI's model of every chat, over ONE control-mode connection (the
 * "controller" in iTerm2's terms). It owns the UI's view session, links each chat's window
 * into it so `%output` arrives for all of them, keeps a PaneTerminal per shown chat fed with
 * those bytes, restores panes from captures, follows notifications (new chats from other
 * clients, closed windows, sizes, dead panes) and runs chat actions. Knows nothing of blessed.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { ControlClient, type ClosedReason } from '../control/client';
import {
  displayMessage, killSession, linkWindow, listWindows, pasteText, refreshClientSize, sendBytes, setOption, subscribe,
  type PaneInfo,
} from '../control/commands';
import { isMissingTarget } from '../control/errors';
import type { Notification } from '../control/events';
import type { PaneTerminal } from '../terminal/pane-terminal';
import { captureHistory } from '../terminal/restore';
import { readWidthRules, UNICODE11_RULES, type TmuxWidthRules } from '../terminal/tmux-widths';
import { DEFAULT_WARM, PaneScreens } from './pane-screens';
import type { ChatContext } from './context';
import { OWNER_OPTION } from './identity';
import { inspectServer, type Inspection } from './inspect';
import {
  archiveChat, closeChat, createChat, killOwnChatSession, openChat, renameChat, resumeLost, setRecord, startChatSession, getChat,
  type NewChatInput,
} from './lifecycle';
import { listChatsWithPanes, type ChatView } from './list';
import { pathOptionValue } from './metadata';
import { watchRegistry } from './registry-watch';
import { inputSubmitted } from './agent-state';
import { LiveStates, type RefStateChange } from './live-states';
import { sweep } from './sweep';
import { SIZE_OWNER_OPTION, WindowSizes } from './window-sizes';
import { cleanGlobalEnvironment } from './tmux-server';
import { neighbour, treeOrder } from './tree';
import { coalesced } from './coalesce';
import { localHost, type ChatHost } from './host';
import { notRemotely, remoteAction } from './remote-actions';

export interface LiveChat {
  ref: string;
  record: ChatView;
  /** The chat's pane while its session exists. */
  paneId: string | null;
  windowId: string | null;
  /** The agent exited; its pane is kept (remain-on-exit) with this status. */
  dead: boolean;
  exitStatus: number | null;
  /** The signal that killed it (status null); both null: tmux does not know (yet) how it ended. */
  exitSignal: number | null;
  /** Output arrived since the user last looked at it. */
  activity: boolean;
  depth: number;
}

export interface LiveEvents {
  /** The chat list or a chat's state changed. */
  changed: () => void;
  /** A chat's emulator has new content. */
  output: (ref: string) => void;
  progress: (done: number, total: number) => void;
  warning: (message: string) => void;
  /** The control connection ended (server killed, …). */
  closed: (reason: ClosedReason) => void;
  /** Agent states changed (issue 13; `states.of(ref)` has them all). */
  states: (changes: RefStateChange[]) => void;
  inspector: () => void;
}

export interface LiveOptions {
  width: number;
  height: number;
  /** Emulator scrollback per chat (older history is read from tmux). */
  scrollback?: number;
  /** Where runtime environment (API keys) comes from for chats started here. */
  env?: NodeJS.ProcessEnv;
  /** Where the chats live (default: this machine's server for `ctx`). */
  host?: ChatHost;
  /** The view session of a connection that dropped: removed once this one is up (issue 14.4). */
  previousView?: string | null;
  /** Chats off screen that keep their emulator (the most recently shown); the rest are restored when shown. */
  warm?: number;
}

const PANE_SUBSCRIPTION = 'chatmux-panes';
const OWNER_SUBSCRIPTION = 'chatmux-owners';

export class LiveChats extends EventEmitter<LiveEvents> {
  private readonly byRef = new Map<string, LiveChat>();
  private readonly byPane = new Map<string, LiveChat>();
  /** Emulators of shown and recently shown chats; hidden chats that print are paused. */
  private readonly screens: PaneScreens;
  private readonly linked = new Set<string>();
  private order: string[] = [];
  private backfillTimer: NodeJS.Timeout | null = null;
  private ownerTimer: NodeJS.Timeout | null = null;
  private readonly ownSizes: WindowSizes;
  private readonly unwatch: () => void;
  private inspectorCache: Inspection | null = null;
  private inspectorTimer: NodeJS.Timeout | null = null;
  private visible = new Set<string>();
  private sizes = new Map<string, { cols: number; rows: number }>();
  private clientSize = { width: 0, height: 0 };
  private stopped = false;
  readonly scrollback: number;
  /** Chats off screen that keep their emulator. */
  readonly warm: number;
  /** Every chat's agent state, pushed by tmux (issue 13). */
  states: LiveStates | null = null;
  /** How this server's tmux counts cell widths: every pane emulator counts the same. */
  widths: TmuxWidthRules = UNICODE11_RULES;

  private constructor(
    readonly ctx: ChatContext,
    readonly client: ControlClient,
    readonly viewSession: string,
    private readonly env: NodeJS.ProcessEnv,
    o: LiveOptions,
    readonly host: ChatHost,
  ) {
    super();
    this.scrollback = o.scrollback ?? 1000;
    this.warm = o.warm ?? DEFAULT_WARM;
    this.screens = new PaneScreens(client, {
      scrollback: this.scrollback,
      warm: this.warm,
      widths: () => this.widths,
      restored: (ref, pane) => {
        const chat = this.byRef.get(ref);
        if (chat) this.applyPaneInfo(chat, pane);
        this.emit('output', ref);
      },
      failed: (ref, e) => {
        if (!isMissingTarget(e) && !this.stopped) this.emit('warning', `could not restore ${ref}: ${e.message}`);
      },
    });
    this.ownSizes = new WindowSizes(client, viewSession, (m) => this.emit('warning', m));
    client.on('output', (pane, data) => this.onOutput(pane, data));
    client.on('notification', (n) => this.onNotification(n));
    client.on('paused', (pane) => this.onPaused(pane));
    // Renames, roles, closes and archives made elsewhere reach the registry first.
    // (A remote registry is not ours to watch: its chats are read from tmux.)
    this.unwatch = host.ssh ? () => {} : watchRegistry(ctx, () => this.scheduleBackfill());
    client.on('closed', (reason) => {
      this.stopped = true;
      this.unwatch();
      this.emit('closed', reason);
    });
  }

  /**
   * Sweep, bring back chats lost with a dead server, connect, and list every chat.
   * Panes are restored afterwards (`restoreAll`) so the UI can show the tree at once.
   */
  static async start(ctx: ChatContext, o: LiveOptions): Promise<LiveChats> {
    const env = o.env ?? process.env;
    const host = o.host ?? localHost(ctx);
    const cli = host.cli();
    const warnings: string[] = [];
    // A remote's sweep and resume are its own chatmux's (they write its registry).
    if (!host.ssh) try {
      await sweep(cli, ctx);
      // A server someone else started may hold their keys: gone before our view session starts.
      await cleanGlobalEnvironment(cli, ctx);
    } catch (e) {
      warnings.push(`sweep failed: ${(e as Error).message}`);
    }
    if (!host.ssh) try {
      await resumeLost(cli, ctx, env);
    } catch (e) {
      warnings.push(`could not resume lost chats: ${(e as Error).message}`);
    }
    const viewName = `chatmux-view-${process.pid}-${randomBytes(3).toString('hex')}`;
    const client = await host.connect({ newSession: { name: viewName, command: ['sleep', '2147483647'], width: o.width, height: o.height, cwd: ctx.project } });
    // The dropped connection's view session may still have its (hung) client: it goes now.
    if (o.previousView) await killSession(client, `=${o.previousView}`).catch(() => {});
    const live = new LiveChats(ctx, client, viewName, env, o, host);
    live.widths = await readWidthRules(client, client.version);
    // Mark the view session so sweeps and listings know it is a UI's, not a chat.
    await setOption(client, { session: client.sessionId! }, '@chatmux-view', '1');
    await setOption(client, { session: client.sessionId! }, OWNER_OPTION, ctx.owner);
    await setOption(client, { session: client.sessionId! }, '@chatmux-project', pathOptionValue(ctx.project));
    await live.setClientSize(o.width, o.height);
    // Dead/alive and current command of every pane in the view session, pushed by tmux.
    // Which UI sizes each chat window (issue 12.2), pushed by tmux.
    await subscribe(client, OWNER_SUBSCRIPTION, '@*', `#{${SIZE_OWNER_OPTION}}`).catch(() => {});
    await subscribe(client, PANE_SUBSCRIPTION, '%*', '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pane_pid}:#{pane_current_command}').catch(() => {});
    for (const w of warnings) live.emit('warning', w);
    live.states = await LiveStates.start(client, ctx).catch(() => null);
    live.states?.on('changed', (changes) => live.emit('states', changes));
    await live.backfill();
    return live;
  }

  // ------------------------------------------------------------------ reading

  /** Chats in tree order (not archived). */
  list(): LiveChat[] {
    return this.order.map((r) => this.byRef.get(r)!).filter(Boolean);
  }

  get(ref: string): LiveChat | undefined {
    return this.byRef.get(ref);
  }

  terminal(ref: string): PaneTerminal | null {
    return this.screens.terminal(ref);
  }

  /** The chat's pane is paused for this UI (it printed while off screen): caught up when shown. */
  isPaused(ref: string): boolean {
    return this.screens.isHeld(ref);
  }

  /** The chat `step` places from `ref` in tree order (wrapping), backfilling once if `ref` is unknown. */
  async neighbour(ref: string | null, step: number): Promise<string | null> {
    if (ref !== null && !this.byRef.has(ref)) await this.backfill();
    return neighbour(this.order, ref, step);
  }

  // ------------------------------------------------------------------ visibility and size

  /**
   * The chats now on screen with their pane sizes in cells. Visible chats get an emulator
   * (restored from tmux if new or paused) and their window sized to the view; hidden ones
   * beyond the few shown last lose theirs.
   */
  async show(panes: Array<{ ref: string; cols: number; rows: number }>): Promise<void> {
    this.visible = new Set(panes.map((p) => p.ref));
    for (const p of panes) {
      const chat = this.byRef.get(p.ref);
      if (!chat) continue;
      chat.activity = false;
      const prev = this.sizes.get(p.ref);
      if (!prev || prev.cols !== p.cols || prev.rows !== p.rows) {
        this.sizes.set(p.ref, { cols: p.cols, rows: p.rows });
        if (chat.windowId) await this.ownSizes.want(chat.windowId, { cols: p.cols, rows: p.rows });
      }
    }
    this.screens.show(panes.map((p) => ({ ref: p.ref, paneId: this.byRef.get(p.ref)?.paneId ?? null })));
  }

  /** What `show` was last told (a new connection after a drop shows the same, issue 14.4). */
  shown(): Array<{ ref: string; cols: number; rows: number }> {
    return [...this.visible].flatMap((ref) => {
      const s = this.sizes.get(ref);
      return s ? [{ ref, ...s }] : [];
    });
  }

  /** The user focused this chat here: its window takes this UI's size (see WindowSizes). */
  async focus(ref: string): Promise<void> {
    const w = this.byRef.get(ref)?.windowId;
    if (w && !this.ownSizes.owns(w)) await this.ownSizes.claim(w).catch(() => {});
  }

  /** Resize the whole client (the terminal the UI runs in changed size). */
  async setClientSize(width: number, height: number): Promise<void> {
    // Called on every relayout; tmux relayouts every window on each -C, so only send changes.
    if (this.clientSize.width === width && this.clientSize.height === height) return;
    this.clientSize = { width, height };
    await refreshClientSize(this.client, { width, height }).catch(() => {});
  }

  // ------------------------------------------------------------------ restore

  /**
   * Restore the chats on screen, reporting progress; then, quietly, the few that follow them in
   * the tree (what the next-chat and grid keys show), so those show at once. Other chats need
   * nothing: tmux keeps their screens, and each is restored when it is shown (issue 15.4).
   */
  async restoreAll(): Promise<void> {
    const running = this.list().filter((c) => c.paneId).map((c) => c.ref);
    const shown = running.filter((r) => this.visible.has(r));
    let done = 0;
    this.emit('progress', 0, shown.length);
    for (const ref of shown) {
      if (this.stopped) return;
      if (!this.screens.terminal(ref)) await this.restore(ref);
      this.emit('progress', ++done, shown.length);
    }
    const from = Math.max(0, running.indexOf(shown[shown.length - 1] ?? ''));
    const next = [...running.slice(from + 1), ...running.slice(0, from)].filter((r) => !this.visible.has(r));
    for (const ref of next.slice(0, this.warm)) {
      if (this.stopped) return;
      if (!this.screens.terminal(ref)) await this.restore(ref);
    }
  }

  /**
   * Replace the chat's emulator content with what tmux has (history, screen, alternate
   * screen, cursor), then apply the output that arrived after the capture (§9.1).
   */
  async restore(ref: string): Promise<void> {
    const chat = this.byRef.get(ref);
    if (chat?.paneId) await this.screens.restore(ref, chat.paneId);
  }

  /** Lines of history tmux holds for the chat's pane (above its visible screen). */
  async historySize(ref: string): Promise<number> {
    const chat = this.byRef.get(ref);
    if (!chat?.paneId) return 0;
    return Number(await displayMessage(this.client, '#{history_size}', chat.paneId)) || 0;
  }

  /** Older history than the emulator keeps (for scroll mode), as lines with SGR colours. */
  async olderHistory(ref: string, fromLine: number, count: number): Promise<string[]> {
    const chat = this.byRef.get(ref);
    if (!chat?.paneId) return [];
    return captureHistory(this.client, chat.paneId, fromLine, count);
  }

  // ------------------------------------------------------------------ input

  /** Keys typed into the chat, byte-exact (`send-keys -H`). */
  async sendKeys(ref: string, bytes: Uint8Array): Promise<void> {
    const chat = this.byRef.get(ref);
    if (!chat?.paneId || chat.dead || bytes.length === 0) return;
    this.screens.terminal(ref)?.userTyped();
    if (chat.windowId && !this.ownSizes.owns(chat.windowId)) void this.ownSizes.claim(chat.windowId).catch(() => {});
    await sendBytes(this.client, chat.paneId, bytes).catch((e) => this.emit('warning', `input lost: ${(e as Error).message}`));
    if (bytes.includes(0x0d)) void inputSubmitted(this.client, chat.record).catch(() => {});
  }

  /** Pasted text: bracketed if the application asked for it. */
  async paste(ref: string, text: string): Promise<void> {
    const chat = this.byRef.get(ref);
    if (!chat?.paneId || chat.dead || text === '') return;
    if (chat.windowId && !this.ownSizes.owns(chat.windowId)) void this.ownSizes.claim(chat.windowId).catch(() => {});
    await pasteText(this.client, chat.paneId, text).catch((e) => this.emit('warning', `paste lost: ${(e as Error).message}`));
  }

  // ------------------------------------------------------------------ actions

  async newChat(input: NewChatInput): Promise<string> {
    if (this.host.ssh) {
      const ref = await remoteAction(this.host, { kind: 'new', input });
      await this.backfill();
      return ref;
    }
    const size = { width: input.width ?? 120, height: input.height ?? 40 };
    const chat = await createChat(this.client, this.ctx, { ...input, ...size }, this.env);
    await this.backfill();
    return chat.ref;
  }

  async closeChat(ref: string): Promise<void> {
    this.dropTerminal(ref);
    if (this.host.ssh) await remoteAction(this.host, { kind: 'close', ref });
    else await closeChat(this.client, this.ctx, ref);
    await this.backfill();
  }

  async archiveChat(ref: string): Promise<void> {
    this.dropTerminal(ref);
    if (this.host.ssh) await remoteAction(this.host, { kind: 'archive', ref });
    else await archiveChat(this.client, this.ctx, ref);
    await this.backfill();
  }

  async renameChat(ref: string, name: string, role?: string): Promise<void> {
    if (this.host.ssh) await remoteAction(this.host, { kind: 'rename', ref, name, role });
    else await renameChat(this.client, this.ctx, ref, name, role);
    await this.backfill();
  }

  /** Start a closed chat again (fresh), or bring back a lost one. */
  async openChat(ref: string): Promise<void> {
    if (this.host.ssh) throw notRemotely(this.host, 'starting', ref);
    const size = this.sizes.get(ref);
    await openChat(this.client, this.ctx, ref, { env: this.env, width: size?.cols, height: size?.rows });
    await this.backfill();
  }

  /** A dead agent: start it again in a new session with its executor's resume argv. */
  async restartChat(ref: string): Promise<void> {
    if (this.host.ssh) throw notRemotely(this.host, 'restarting', ref);
    const chat = await getChat(this.ctx, ref, this.client);
    this.dropTerminal(ref);
    await killOwnChatSession(this.client, this.ctx, chat.ref);
    const size = this.sizes.get(ref);
    await startChatSession(this.client, this.ctx, chat, { mode: 'resume', env: this.env, width: size?.cols, height: size?.rows });
    // The resume id may have changed (what the agent reported) or gone (nothing to resume: fresh).
    await setRecord(this.ctx, ref, { state: 'running', starterPid: null, resumeId: chat.resumeId, startedAt: chat.startedAt, session: chat.session });
    await this.backfill();
  }

  /** Quit keeping every chat: remove only our view session (linked windows live on). */
  async leaveAll(): Promise<void> {
    await this.shutdown();
  }

  /** Quit closing every running chat. */
  async closeAll(): Promise<void> {
    for (const c of this.list()) {
      if (c.record.state === 'running') await this.closeQuietly(c.ref);
    }
    await this.shutdown();
  }

  /** Close some chats, leave the others, then quit. */
  async closeSome(refs: readonly string[]): Promise<void> {
    for (const ref of refs) await this.closeQuietly(ref);
    await this.shutdown();
  }

  private async closeQuietly(ref: string): Promise<void> {
    await (this.host.ssh ? remoteAction(this.host, { kind: 'close', ref }) : closeChat(this.client, this.ctx, ref)).catch(() => {});
  }

  private async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unwatch();
    if (this.backfillTimer) clearTimeout(this.backfillTimer);
    if (this.ownerTimer) clearTimeout(this.ownerTimer);
    if (this.inspectorTimer) clearTimeout(this.inspectorTimer);
    try {
      // Killing the view session ends this client too; chat windows are linked elsewhere and survive.
      await Promise.race([killSession(this.client, this.client.sessionId ?? `=${this.viewSession}`), this.client.closed]);
    } catch {
      /* already gone */
    }
    if (!this.client.isClosed) await this.client.close();
    this.screens.dispose();
  }

  /** Free a dropped connection's emulators (a new connection restored its own). */
  dispose(): void {
    this.stopped = true;
    this.unwatch();
    this.states?.stop();
    this.screens.dispose();
  }

  /** Leave without touching tmux at all (signal handlers: the next sweep removes the view). */
  detachNow(): void {
    this.stopped = true;
    this.unwatch();
    void this.client.close();
  }

  // ------------------------------------------------------------------ inspector

  /** tmux state of the socket, refreshed on notifications (never polled). */
  async inspector(): Promise<Inspection> {
    if (!this.inspectorCache) this.inspectorCache = await inspectServer(this.client);
    return this.inspectorCache;
  }

  private invalidateInspector(): void {
    if (this.inspectorTimer) return;
    this.inspectorTimer = setTimeout(async () => {
      this.inspectorTimer = null;
      if (this.stopped) return;
      try {
        this.inspectorCache = await inspectServer(this.client);
        this.emit('inspector');
      } catch {
        /* connection closing */
      }
    }, 150);
  }

  // ------------------------------------------------------------------ tmux → model

  /** Re-read the chat list from the registry and tmux; link new chat windows into the view. */
  readonly backfill = coalesced(async () => {
    try {
      await this.doBackfill();
    } catch (e) {
      if (!this.stopped) this.emit('warning', `could not list chats: ${(e as Error).message}`);
    }
  }, () => !this.stopped);

  private async doBackfill(): Promise<void> {
    if (this.stopped) return;
    const chats = await listChatsWithPanes(this.client, this.ctx, { fromTmux: !!this.host.ssh });
    const views = chats.map((c) => c.view);
    const viewWindows = new Set((await listWindows(this.client, this.client.sessionId!)).map((w) => w.id));
    const seen = new Set<string>();
    for (const { view: v, pane } of chats) {
      seen.add(v.ref);
      let chat = this.byRef.get(v.ref);
      if (!chat) {
        chat = { ref: v.ref, record: v, paneId: null, windowId: null, dead: false, exitStatus: null, exitSignal: null, activity: false, depth: 0 };
        this.byRef.set(v.ref, chat);
      }
      chat.record = v;
      if (pane) {
        if (chat.paneId && chat.paneId !== pane.id) this.dropTerminal(v.ref);
        if (chat.paneId) this.byPane.delete(chat.paneId);
        chat.paneId = pane.id;
        chat.windowId = pane.windowId;
        this.byPane.set(pane.id, chat);
        this.applyPaneInfo(chat, pane);
        if (!viewWindows.has(pane.windowId)) {
          await linkWindow(this.client, pane.windowId, this.client.sessionId!).catch((e) => {
            if (!isMissingTarget(e)) throw e;
          });
          this.linked.add(pane.windowId);
          const size = this.sizes.get(v.ref);
          if (size) await this.ownSizes.want(pane.windowId, size);
        }
      } else {
        if (chat.paneId) this.byPane.delete(chat.paneId);
        chat.paneId = null;
        chat.windowId = null;
        chat.dead = false;
        chat.exitStatus = null;
        chat.exitSignal = null;
        this.dropTerminal(v.ref);
      }
    }
    for (const ref of [...this.byRef.keys()]) {
      if (!seen.has(ref)) {
        const c = this.byRef.get(ref)!;
        if (c.paneId) this.byPane.delete(c.paneId);
        this.dropTerminal(ref);
        this.byRef.delete(ref);
      }
    }
    const rows = treeOrder(views);
    this.order = rows.map((r) => r.item.ref);
    for (const r of rows) this.byRef.get(r.item.ref)!.depth = r.depth;
    this.emit('changed');
    // A chat created elsewhere shows up while its creator still writes `running`: look again soon.
    if (views.some((v) => v.state === 'starting')) setTimeout(() => this.scheduleBackfill(), 300);
    // Newly visible chats whose pane just appeared need their emulator.
    for (const ref of this.visible) {
      const c = this.byRef.get(ref);
      if (c?.paneId) this.screens.ensure(ref, c.paneId);
    }
  }

  private applyPaneInfo(chat: LiveChat, p: PaneInfo): void {
    chat.dead = p.dead;
    chat.exitStatus = p.dead ? p.deadStatus : null;
    chat.exitSignal = p.dead ? p.deadSignal : null;
    this.screens.resize(chat.ref, p.width, p.height);
  }

  private dropTerminal(ref: string): void {
    this.screens.drop(ref);
  }

  private onOutput(pane: string, data: Buffer): void {
    const chat = this.byPane.get(pane);
    if (!chat) return;
    // Off screen, its first output pauses it (PaneScreens): the mark is all it costs.
    this.screens.output(chat.ref, pane, data, this.client.outputSeq);
    if (!this.visible.has(chat.ref) && !chat.activity) {
      chat.activity = true;
      this.emit('changed');
    }
    this.emit('output', chat.ref);
  }

  private onPaused(pane: string): void {
    // tmux dropped this pane's output for us: a shown chat is caught up now, a hidden one when shown.
    const chat = this.byPane.get(pane);
    if (chat) this.screens.paused(chat.ref, pane);
    else void this.client.resume(pane).catch(() => {});
  }

  /** A client or session left: windows whose size owner went with it are taken back. */
  private scheduleOwnerCheck(): void {
    if (this.ownerTimer || this.stopped) return;
    this.ownerTimer = setTimeout(() => {
      this.ownerTimer = null;
      if (!this.stopped) void this.ownSizes.recheck().catch(() => {});
    }, 50);
  }

  private scheduleBackfill(): void {
    if (this.backfillTimer || this.stopped) return;
    this.backfillTimer = setTimeout(() => {
      this.backfillTimer = null;
      void this.backfill();
    }, 50);
  }

  private onNotification(n: Notification): void {
    switch (n.type) {
      case 'sessionsChanged':
        this.scheduleOwnerCheck();
        this.scheduleBackfill();
        this.invalidateInspector();
        break;
      case 'sessionRenamed':
        this.scheduleBackfill();
        this.invalidateInspector();
        break;
      case 'windowClose':
      case 'unlinkedWindowClose':
        if (this.linked.has(n.windowId)) {
          this.linked.delete(n.windowId);
          this.scheduleBackfill();
        }
        this.invalidateInspector();
        break;
      case 'layoutChange': {
        // The real size of a chat's window (never what we asked for).
        const m = /^[0-9a-f]{4},(\d+)x(\d+),/.exec(n.layout);
        if (m) {
          for (const chat of this.byRef.values()) {
            if (chat.windowId === n.windowId) this.screens.resize(chat.ref, Number(m[1]), Number(m[2]));
          }
          void this.ownSizes.sizeChanged(n.windowId, Number(m[1]), Number(m[2])).catch(() => {});
        }
        this.invalidateInspector();
        break;
      }
      case 'subscriptionChanged': {
        if (n.name === OWNER_SUBSCRIPTION && n.windowId) void this.ownSizes.ownerIs(n.windowId, n.value).catch(() => {});
        if (n.name !== PANE_SUBSCRIPTION || !n.paneId) break;
        const chat = this.byPane.get(n.paneId);
        const [dead, status, signal] = n.value.split(':');
        if (chat) {
          const isDead = dead === '1';
          const st = isDead && status !== '' ? Number(status) : null;
          const sig = isDead && signal !== '' && signal !== undefined ? Number(signal) : null;
          if (chat.dead !== isDead || chat.exitStatus !== st || chat.exitSignal !== sig) {
            chat.dead = isDead;
            chat.exitStatus = st;
            chat.exitSignal = sig;
            this.emit('changed');
          }
        }
        this.invalidateInspector();
        break;
      }
      case 'clientDetached':
        this.scheduleOwnerCheck();
        this.invalidateInspector();
        break;
      case 'windowAdd':
      case 'unlinkedWindowAdd':
      case 'clientSessionChanged':
      case 'windowPaneChanged':
        this.invalidateInspector();
        break;
    }
  }
}
