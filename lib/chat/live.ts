/**
 * LiveChats: the UI's model of every chat, over ONE control-mode connection (the "controller" in
 * iTerm2's terms). It owns the UI's view session, links each chat's window into it so `%output`
 * arrives for all of them, keeps a PaneTerminal per shown chat fed with those bytes, restores
 * panes from captures, follows notifications (new chats from other clients, closed windows,
 * sizes, dead panes) and runs chat actions. Knows nothing of blessed. This file is the public
 * face; the work is in live-start, -backfill, -restore, -follow, -inspector and -actions, over
 * the state in live-core.
 */
import { EventEmitter } from 'eventemitter3';
import type { ControlClient } from '../control/client';
import { killSession, refreshClientSize } from '../control/commands';
import type { PaneTerminal } from '../terminal/pane-terminal';
import { readWidthRules, type TmuxWidthRules } from '../terminal/tmux-widths';
import { DEFAULT_WARM } from './pane-screens';
import type { ChatContext } from './context';
import type { Inspection } from './inspect';
import type { NewChatInput } from './lifecycle';
import { watchRegistry } from './registry-watch';
import { LiveStates } from './live-states';
import { WindowSizes } from './window-sizes';
import { neighbour } from './tree';
import { localHost, type ChatHost } from './host';
import { LiveCore } from './live-core';
import { PaneRestorer } from './live-restore';
import { Backfiller } from './live-backfill';
import { InspectorCache } from './live-inspector';
import { TmuxFollower } from './live-follow';
import { ChatActions } from './live-actions';
import { connectView, subscribePanes } from './live-start';
import { markViewSession } from './view-session';
import type { LiveChat, LiveEvents, LiveOptions } from './live-types';

export type { LiveChat, LiveEvents, LiveOptions } from './live-types';

/** A chat the UI was asked to close on the way out that still runs: its name and why. */
export interface NotClosed {
  name: string;
  why: string;
}

/** Every chat of a project over one control connection, with events (see the top of this file): `LiveChats.start(ctx, size)`. */
export class LiveChats extends EventEmitter<LiveEvents> {
  private readonly core: LiveCore;
  private readonly restorer: PaneRestorer;
  private readonly backfiller: Backfiller;
  private readonly inspectorCache: InspectorCache;
  private readonly follower: TmuxFollower;
  private readonly actions: ChatActions;
  private readonly ownSizes: WindowSizes;
  private readonly unwatch: () => void;
  private clientSize = { width: 0, height: 0 };
  readonly scrollback: number;
  /** Chats off screen that keep their emulator. */
  readonly warm: number;
  /** Every chat's agent state, pushed by tmux (issue 13). */
  states: LiveStates | null = null;
  /** Re-read the chat list from the registry and tmux; link new chat windows into the view. */
  readonly backfill: () => Promise<void>;

  private constructor(
    readonly ctx: ChatContext,
    readonly client: ControlClient,
    readonly viewSession: string,
    env: NodeJS.ProcessEnv,
    o: LiveOptions,
    readonly host: ChatHost,
  ) {
    super();
    this.scrollback = o.scrollback ?? 1000;
    this.warm = o.warm ?? DEFAULT_WARM;
    this.ownSizes = new WindowSizes(client, viewSession, (m) => this.emit('warning', m));
    const core = (this.core = new LiveCore(ctx, client, host, this, this.ownSizes, { scrollback: this.scrollback, warm: this.warm, pauseHidden: o.pauseHidden === true }));
    this.restorer = new PaneRestorer(core, this.warm);
    this.backfiller = new Backfiller(core);
    this.backfill = this.backfiller.backfill;
    this.inspectorCache = new InspectorCache(core);
    this.follower = new TmuxFollower(core, this.backfiller, this.inspectorCache);
    this.actions = new ChatActions(core, env, this.backfiller.afterChange);
    client.on('output', (pane, data) => this.follower.onOutput(pane, data));
    client.on('notification', (n) => this.follower.onNotification(n));
    client.on('paused', (pane) => this.follower.onPaused(pane));
    // Renames, roles, closes and archives made elsewhere reach the registry first.
    // (A remote registry is not ours to watch: its chatmux lists the closed chats, remote-registry.ts.)
    this.unwatch = host.ssh ? this.backfiller.watchRemote() : watchRegistry(ctx, () => this.backfiller.schedule());
    client.on('closed', (reason) => {
      core.stopped = true;
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
    const { client, viewName, warnings } = await connectView(ctx, o, env, host);
    const live = new LiveChats(ctx, client, viewName, env, o, host);
    live.widths = await readWidthRules(client, client.version);
    // Sent together (tmux runs them in order), not each after the last one's reply.
    const [, , , states] = await Promise.all([
      markViewSession(client, ctx),
      live.setClientSize(o.width, o.height),
      subscribePanes(client, !!host.ssh),
      LiveStates.start(client, ctx).catch(() => null),
    ]);
    for (const w of warnings) live.emit('warning', w);
    live.states = states;
    live.states?.on('changed', (changes) => live.emit('states', changes));
    await live.backfill();
    return live;
  }

  /** How this server's tmux counts cell widths: every pane emulator counts the same. */
  get widths(): TmuxWidthRules { return this.core.widths; }
  set widths(w: TmuxWidthRules) { this.core.widths = w; }

  // ------------------------------------------------------------------ reading

  /** Chats in tree order (not archived). */
  list(): LiveChat[] {
    return this.core.list();
  }

  get(ref: string): LiveChat | undefined {
    return this.core.byRef.get(ref);
  }

  terminal(ref: string): PaneTerminal | null {
    return this.core.screens.terminal(ref);
  }

  /** The chat's pane is paused for this UI (it printed while off screen): caught up when shown. */
  isPaused(ref: string): boolean {
    return this.core.screens.isHeld(ref);
  }

  /** The chat floods: paused in tmux and drawn from tmux's screen a few times a second. */
  isThrottled(ref: string): boolean {
    return this.core.screens.isThrottled(ref);
  }

  /** The chat `step` places from `ref` in tree order (wrapping), backfilling once if `ref` is unknown. */
  async neighbour(ref: string | null, step: number): Promise<string | null> {
    if (ref !== null && !this.core.byRef.has(ref)) await this.backfill();
    return neighbour(this.core.order, ref, step);
  }

  /** tmux state of the socket, refreshed on notifications (never polled). */
  inspector(): Promise<Inspection> {
    return this.inspectorCache.get();
  }

  // ------------------------------------------------------------------ visibility and size

  /**
   * The chats now on screen with their pane sizes in cells. Visible chats get an emulator
   * (restored from tmux if new or paused) and their window sized to the view; hidden ones
   * beyond the few shown last lose theirs.
   */
  async show(panes: Array<{ ref: string; cols: number; rows: number }>): Promise<void> {
    const core = this.core;
    core.visible = new Set(panes.map((p) => p.ref));
    const sized: Promise<void>[] = [];
    for (const p of panes) {
      const chat = core.byRef.get(p.ref);
      if (!chat) continue;
      chat.activity = false;
      const prev = core.sizes.get(p.ref);
      if (!prev || prev.cols !== p.cols || prev.rows !== p.rows) {
        core.sizes.set(p.ref, { cols: p.cols, rows: p.rows });
        if (chat.windowId) sized.push((await this.ownSizes.queue(chat.windowId, { cols: p.cols, rows: p.rows })).done);
      }
    }
    // Restores go right behind the sizes (tmux runs them after): one round trip less (issue 15.4).
    core.screens.show(panes.map((p) => ({ ref: p.ref, paneId: core.byRef.get(p.ref)?.paneId ?? null })));
    await Promise.all(sized);
  }

  /** What `show` was last told (a new connection after a drop shows the same, issue 14.4). */
  shown(): Array<{ ref: string; cols: number; rows: number }> {
    return [...this.core.visible].flatMap((ref) => {
      const s = this.core.sizes.get(ref);
      return s ? [{ ref, ...s }] : [];
    });
  }

  /** The user focused this chat here: its window takes this UI's size (see WindowSizes). */
  async focus(ref: string): Promise<void> {
    const w = this.core.byRef.get(ref)?.windowId;
    if (w && !this.ownSizes.owns(w)) await this.ownSizes.claim(w).catch(() => {});
  }

  /** Resize the whole client (the terminal the UI runs in changed size). */
  async setClientSize(width: number, height: number): Promise<void> {
    // Called on every relayout; tmux relayouts every window on each -C, so only send changes.
    if (this.clientSize.width === width && this.clientSize.height === height) return;
    this.clientSize = { width, height };
    await refreshClientSize(this.client, { width, height }).catch(() => {});
  }

  // ------------------------------------------------------------------ restore (live-restore.ts)

  /** The chats on screen (with progress), then quietly the few after them in the tree (issue 15.4). */
  restoreAll(): Promise<void> {
    return this.restorer.restoreAll();
  }

  /** Replace the chat's emulator content with what tmux has, then the output since (§9.1). */
  restore(ref: string): Promise<void> {
    return this.restorer.restore(ref);
  }

  /** Lines of history tmux holds for the chat's pane (above its visible screen). */
  historySize(ref: string): Promise<number> {
    return this.restorer.historySize(ref);
  }

  /** Older history than the emulator keeps (for scroll mode), as lines with SGR colours. */
  olderHistory(ref: string, fromLine: number, count: number): Promise<string[]> {
    return this.restorer.olderHistory(ref, fromLine, count);
  }

  // ------------------------------------------------------------------ input (live-actions.ts)

  /** Keys typed into the chat, byte-exact (`send-keys -H`). */
  sendKeys(ref: string, bytes: Uint8Array): Promise<void> {
    return this.actions.sendKeys(ref, bytes);
  }

  /** Pasted text: bracketed if the application asked for it. */
  paste(ref: string, text: string): Promise<void> {
    return this.actions.paste(ref, text);
  }

  // ------------------------------------------------------------------ actions (live-actions.ts)

  newChat(input: NewChatInput): Promise<string> {
    return this.actions.newChat(input);
  }

  closeChat(ref: string): Promise<void> {
    return this.actions.closeChat(ref);
  }

  archiveChat(ref: string): Promise<void> {
    return this.actions.archiveChat(ref);
  }

  renameChat(ref: string, name: string, role?: string): Promise<void> {
    return this.actions.renameChat(ref, name, role);
  }

  /** Start a closed chat again (fresh), or bring back a lost one. */
  openChat(ref: string): Promise<void> {
    return this.actions.openChat(ref);
  }

  /** A dead agent: start it again in a new session with its executor's resume argv. */
  restartChat(ref: string): Promise<void> {
    return this.actions.restartChat(ref);
  }

  // ------------------------------------------------------------------ leaving

  /** Quit keeping every chat: remove only our view session (linked windows live on). */
  async leaveAll(): Promise<void> {
    await this.shutdown();
  }

  /** Quit closing every running chat; returns those that could not be closed, with why. */
  async closeAll(): Promise<NotClosed[]> {
    return this.closeSome(this.list().filter((c) => c.record.state === 'running').map((c) => c.ref));
  }

  /** Close some chats, leave the others, then quit; returns those that could not be closed, with why. */
  async closeSome(refs: readonly string[]): Promise<NotClosed[]> {
    const failed: NotClosed[] = [];
    for (const ref of refs) {
      const why = await this.actions.closeQuietly(ref);
      if (why !== null) failed.push({ name: this.get(ref)?.record.name || ref, why });
    }
    await this.shutdown();
    return failed;
  }

  /**
   * One shutdown, whoever asks: a second leaveAll (a signal handler racing the app's own quit)
   * resolved at once while the first was still removing the view session, and a caller that
   * then exited left it behind.
   */
  private shuttingDown: Promise<void> | null = null;

  private shutdown(): Promise<void> {
    this.shuttingDown ??= this.core.stopped ? Promise.resolve() : this.stopAndLeave();
    return this.shuttingDown;
  }

  private async stopAndLeave(): Promise<void> {
    const core = this.core;
    core.stopped = true;
    this.unwatch();
    this.backfiller.stop();
    this.follower.stop();
    this.inspectorCache.stop();
    try {
      // Killing the view session ends this client too; chat windows are linked elsewhere and survive.
      await Promise.race([killSession(this.client, this.client.sessionId ?? `=${this.viewSession}`), this.client.closed]);
    } catch {
      /* already gone */
    }
    if (!this.client.isClosed) await this.client.close();
    core.screens.dispose();
  }

  /** Free a dropped connection's emulators (a new connection restored its own). */
  dispose(): void {
    this.core.stopped = true;
    this.unwatch();
    this.states?.stop();
    this.core.screens.dispose();
  }

  /** Leave without touching tmux at all (signal handlers: the next sweep removes the view). */
  detachNow(): void {
    this.core.stopped = true;
    this.unwatch();
    void this.client.close();
  }
}
