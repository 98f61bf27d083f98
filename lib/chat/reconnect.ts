/**
 * Keeping one connection up (issue 14.4): a link that drops is opened again, after 1, 2, 4, 8,
 * 16 and then every 30 s, for as long as the owner wants it. Generic over what a "link" is
 * (the UI uses it for one host's LiveChats): it only needs a way to open one and to hear that
 * it ended. Every state change is an event, so the UI can say "reconnecting (attempt N)".
 */
import { EventEmitter } from 'eventemitter3';

export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'up' }
  /** Attempt `attempt` runs at `retryAt` (epoch ms); `reason` is why the last one ended. */
  | { kind: 'reconnecting'; attempt: number; reason: string; retryAt: number }
  | { kind: 'stopped' };

export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  firstMs?: number;
  /** The delay doubles up to this (ms). */
  maxMs?: number;
  /** An attempt that has not opened by then counts as failed (ms; default 60 s; 0: no limit). */
  attemptMs?: number;
}

/** Delay before retry number `attempt` (1-based): first, 2×first, 4×first … capped at max. */
export function backoffDelay(attempt: number, o: BackoffOptions = {}): number {
  const first = o.firstMs ?? 1000;
  const max = o.maxMs ?? 30000;
  return Math.min(max, first * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

export interface LinkEvents<T> {
  state: (s: LinkState) => void;
  /** A link is open; `previous` is the one that dropped (null the first time). */
  up: (link: T, previous: T | null) => void;
}

export interface ReconnectorOptions<T> extends BackoffOptions {
  /** Open a link; `previous` is the dropped one (to clean up after it), null the first time. */
  open: (previous: T | null) => Promise<T>;
  /** Resolves with a reason once the link has ended. */
  ended: (link: T) => Promise<string>;
  /** Close a link opened after `stop()` (it is not wanted any more). */
  discard?: (link: T) => void;
}

export class Reconnector<T> extends EventEmitter<LinkEvents<T>> {
  private current: T | null = null;
  /** The last link that was up (kept after a drop, for `open(previous)`). */
  private last: T | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  state: LinkState = { kind: 'connecting' };

  constructor(private readonly o: ReconnectorOptions<T>) {
    super();
  }

  get link(): T | null {
    return this.current;
  }

  /**
   * Open the first link. Rejects with its error (the caller decides whether a host that is
   * down at start is fatal); call `retry(reason)` to keep trying instead.
   */
  async start(): Promise<T> {
    const link = await this.o.open(null);
    if (this.stopped) {
      this.o.discard?.(link);
      throw new Error('stopped');
    }
    this.setUp(link);
    return link;
  }

  /** Try again from now on (after a failed `start`). */
  retry(reason: string): void {
    void this.loop(reason);
  }

  /** Skip the wait before the next attempt (e.g. the user asked to reconnect now). */
  now(): void {
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.setState({ kind: 'stopped' });
  }

  private setUp(link: T): void {
    const previous = this.last;
    this.current = link;
    this.last = link;
    this.setState({ kind: 'up' });
    this.emit('up', link, previous);
    void this.o.ended(link).then((reason) => {
      if (this.current !== link || this.stopped) return;
      this.current = null;
      void this.loop(reason);
    });
  }

  private async loop(reason: string): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      const delay = backoffDelay(attempt, this.o);
      this.setState({ kind: 'reconnecting', attempt, reason, retryAt: Date.now() + delay });
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.wake = null;
      if (this.stopped) return;
      try {
        const link = await this.attempt();
        if (this.stopped) {
          this.o.discard?.(link);
          return;
        }
        this.setUp(link);
        return;
      } catch (e) {
        reason = (e as Error).message;
      }
    }
  }

  /**
   * One open, bounded in time: a host that swallows packets must not stall the loop at one
   * attempt number (a link that opens too late is closed).
   */
  private attempt(): Promise<T> {
    const ms = this.o.attemptMs ?? 60000;
    if (ms <= 0) return this.o.open(this.last);
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new Error(`no answer in ${Math.round(ms / 1000)} s`));
      }, ms);
      this.o.open(this.last).then(
        (link) => {
          clearTimeout(timer);
          if (late) this.o.discard?.(link);
          else resolve(link);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e as Error);
        },
      );
    });
  }

  private setState(s: LinkState): void {
    this.state = s;
    this.emit('state', s);
  }
}

/** "reconnecting (attempt 3)" and the like, for panes and the status line. */
export function describeLink(s: LinkState): string {
  switch (s.kind) {
    case 'up':
      return 'connected';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return `reconnecting (attempt ${s.attempt})`;
    case 'stopped':
      return 'disconnected';
  }
}

/** Why a host's link is down, for the status line and the exit: without the wrappers that repeat its name. */
export function linkReason(host: string, reason: string): string {
  const prefixes = ['tmux connection closed: ', `${host}: `];
  let out = reason.trim();
  for (let again = true; again; ) {
    again = false;
    for (const p of prefixes) {
      if (out.startsWith(p)) {
        out = out.slice(p.length);
        again = true;
      }
    }
  }
  return out.replace(`: ${host}: `, ': ');
}
