/**
 * One host's chats in the UI, kept connected (issue 14.4): a LiveChats for the host's
 * control connection, opened again with backoff whenever it drops. While it is down the last
 * list and screens stay (the chats keep running there); the link state says "reconnecting
 * (attempt N)". A new connection removes the dropped one's view session (a hung link may
 * still hold it) and restores every pane, like a UI restart. Knows nothing of blessed.
 */
import { EventEmitter } from 'eventemitter3';
import type { ChatHost } from './host';
import { LiveChats, type LiveEvents, type LiveOptions } from './live';
import { Reconnector, type BackoffOptions, type LinkState } from './reconnect';

export interface HostChatsEvents extends LiveEvents {
  /** The link went up or down (`HostChats.link`). */
  link: (state: LinkState) => void;
  /** A dropped link is up again; every pane is being restored. */
  reconnected: () => void;
}

/**
 * A host, or how to find it: a remote host's project is asked over ssh, which fails while the
 * host is down (it is then retried like a dropped link).
 */
export type HostSource = ChatHost | { name: string; resolve(): Promise<ChatHost> };

export class HostChats extends EventEmitter<HostChatsEvents> {
  /** The current connection's chats; after a drop, the last one's (read-only until it is back). */
  live: LiveChats | null = null;
  private readonly reconnector: Reconnector<LiveChats>;
  /** When the link last dropped (ms), for the time-to-restore in ui.log. */
  droppedAt = 0;

  /** 'local' or the ssh destination. */
  readonly name: string;
  private host: ChatHost | null;

  constructor(
    source: HostSource,
    /** The options for each new connection (the UI's size at that moment). */
    options: () => Omit<LiveOptions, 'host' | 'previousView'>,
    backoff: BackoffOptions = {},
  ) {
    super();
    this.name = source.name;
    this.host = 'resolve' in source ? null : source;
    this.reconnector = new Reconnector<LiveChats>({
      // This machine's start may bring back many chats a dead server lost: never cut short.
      attemptMs: 'resolve' in source || source.ssh ? 60000 : 0,
      ...backoff,
      open: async (previous) => {
        const host = (this.host ??= await (source as { resolve(): Promise<ChatHost> }).resolve());
        return LiveChats.start(host.ctx, { ...options(), host, previousView: previous?.viewSession ?? null });
      },
      ended: (live) => new Promise((resolve) => live.once('closed', (reason) => resolve(reason))),
      discard: (live) => void live.leaveAll(),
    });
    this.reconnector.on('state', (s) => {
      if (s.kind === 'reconnecting' && s.attempt === 1) this.droppedAt = Date.now();
      this.emit('link', s);
    });
    this.reconnector.on('up', (live, previous) => {
      this.live = live;
      this.wire(live);
      if (previous) {
        // The same chats on screen as before the drop, restored from tmux like a UI restart.
        const shown = previous.shown();
        previous.dispose();
        this.emit('reconnected');
        this.emit('changed');
        void live.show(shown).then(() => live.restoreAll()).catch(() => {});
      }
    });
  }

  get link(): LinkState {
    return this.reconnector.state;
  }

  get up(): boolean {
    return this.reconnector.state.kind === 'up';
  }

  /** The first connection; a failure rejects (the caller decides whether to `retry`). */
  async start(): Promise<void> {
    await this.reconnector.start();
  }

  /** Keep trying in the background after a failed start. */
  retry(reason: string): void {
    this.reconnector.retry(reason);
  }

  /** Stop reconnecting (the UI quits). */
  stop(): void {
    this.reconnector.stop();
  }

  private wire(live: LiveChats): void {
    const forward = <K extends keyof LiveEvents>(name: K) =>
      live.on(name, ((...args: unknown[]) => {
        if (this.live === live) (this.emit as (n: K, ...a: unknown[]) => boolean)(name, ...args);
      }) as never);
    forward('changed');
    forward('output');
    forward('progress');
    forward('warning');
    forward('states');
    forward('inspector');
    live.on('closed', (reason) => {
      if (this.live === live) this.emit('warning', `connection closed (${reason})`);
    });
  }
}
