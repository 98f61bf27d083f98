/**
 * PaneThrottle: a shown pane whose output outpaces what a screen can show is drawn from tmux's
 * own screen a few times a second instead of parsing every byte (issue 15.2) — what tmux does
 * for a slow terminal.
 *
 * - A meter counts each shown pane's live bytes; `bytes` within `windowMs` starts a throttle
 *   (the owner pauses the pane in tmux, so the rest of the flood never reaches this process).
 * - While throttled, a frame is drawn every `frameMs` (the owner captures the screen); a key
 *   typed into the pane draws one at once, so its echo is not a frame late.
 * - A frame that kept most of the last one's rows (the pane printed less than a screenful in a
 *   frame: it calmed down, or only redraws a few rows) releases it: the owner continues the
 *   pane and catches it up. A pane that floods again at once (e.g. `yes`, whose screen never
 *   changes) is held longer each time before a still screen releases it, up to `maxHoldMs`.
 * Knows only refs, pane ids and byte counts; the owner (PaneScreens) talks to tmux.
 */

export interface ThrottleOptions {
  /** Live bytes within `windowMs` that start a throttle. */
  bytes: number;
  windowMs: number;
  /** Time between frames while throttled. */
  frameMs: number;
  /** The longest a still screen waits before it releases (for a pane that floods again at once). */
  maxHoldMs: number;
}

/**
 * 128 KB within 200 ms (640 KB/s): more than one full-screen redraw, far more than an agent or a
 * person reads, and a fraction of a flood (tmux sends one control client ~2.5 MB/s, so a `cat`
 * of a big file crosses it in ~50 ms; two floods at once still cross it each).
 */
export const DEFAULT_THROTTLE: ThrottleOptions = { bytes: 128 * 1024, windowMs: 200, frameMs: 100, maxHoldMs: 2000 };

export interface ThrottleHooks {
  /** Stop the pane's live output (pause it in tmux); false when it cannot be. */
  pause(ref: string, paneId: string): boolean;
  /** Draw the pane from tmux's screen; resolves its rows (null: nothing drawn). */
  frame(ref: string, paneId: string): Promise<readonly string[] | null>;
  /** Back to live output (continue the pane and catch it up). */
  release(ref: string, paneId: string): void;
}

interface Throttled {
  paneId: string;
  since: number;
  /** How long a still screen must wait before it releases (backoff for repeated floods). */
  hold: number;
  last: readonly string[] | null;
  timer: NodeJS.Timeout | null;
  drawing: boolean;
  /** A key was typed during a frame: draw the next one at once. */
  soon: boolean;
  stopped: boolean;
}

/** A throttle that starts again within this long of its release counts as the same flood. */
const AGAIN_MS = 1000;
const FIRST_HOLD_MS = 250;

export class PaneThrottle {
  private readonly meters = new Map<string, { start: number; bytes: number }>();
  private readonly active = new Map<string, Throttled>();
  private readonly released = new Map<string, { at: number; hold: number }>();
  /** Frames drawn and throttles started (for tests and diagnosis). */
  frames = 0;
  throttles = 0;

  constructor(
    private readonly o: ThrottleOptions,
    private readonly hooks: ThrottleHooks,
    private readonly now: () => number = () => performance.now(),
  ) {}

  isThrottled(ref: string): boolean {
    return this.active.has(ref);
  }

  /** `n` live bytes of shown chat `ref` were applied: throttle it if that is too many too fast. */
  output(ref: string, paneId: string, n: number): void {
    if (this.active.has(ref)) return;
    const t = this.now();
    let m = this.meters.get(ref);
    if (!m || t - m.start > this.o.windowMs) this.meters.set(ref, (m = { start: t, bytes: 0 }));
    m.bytes += n;
    if (m.bytes < this.o.bytes) return;
    this.meters.delete(ref);
    if (!this.hooks.pause(ref, paneId)) return;
    const prev = this.released.get(ref);
    const again = prev !== undefined && t - prev.at < AGAIN_MS;
    const hold = again ? Math.min(this.o.maxHoldMs, Math.max(FIRST_HOLD_MS, prev.hold * 2)) : 0;
    const th: Throttled = { paneId, since: t, hold, last: null, timer: null, drawing: false, soon: false, stopped: false };
    this.active.set(ref, th);
    this.throttles++;
    // At once: the capture goes right behind the pause, so the screen is never a frame stale.
    this.schedule(ref, th, 0);
  }

  /** A key was typed into `ref`: if throttled, draw its screen now (the echo). */
  typed(ref: string): void {
    const th = this.active.get(ref);
    if (!th) return;
    if (th.drawing) th.soon = true;
    else this.schedule(ref, th, 0);
  }

  /** Forget `ref`'s throttle without releasing it (pane gone, restored or hidden by the owner). */
  stop(ref: string): void {
    const th = this.active.get(ref);
    this.meters.delete(ref);
    if (!th) return;
    th.stopped = true;
    if (th.timer) clearTimeout(th.timer);
    this.active.delete(ref);
  }

  dispose(): void {
    for (const ref of [...this.active.keys()]) this.stop(ref);
    this.meters.clear();
  }

  private schedule(ref: string, th: Throttled, delay: number): void {
    if (th.timer) clearTimeout(th.timer);
    th.timer = setTimeout(() => void this.tick(ref, th), delay);
  }

  private async tick(ref: string, th: Throttled): Promise<void> {
    th.timer = null;
    if (th.stopped) return;
    th.drawing = true;
    let screen: readonly string[] | null;
    try {
      screen = await this.hooks.frame(ref, th.paneId);
      this.frames++;
    } catch {
      // The pane or the connection went: nothing left to draw or to continue.
      this.stop(ref);
      return;
    } finally {
      th.drawing = false;
    }
    if (th.stopped) return;
    const still = screen !== null && th.last !== null && kept(th.last, screen) >= 0.5;
    th.last = screen;
    if (still && this.now() - th.since >= th.hold) {
      this.active.delete(ref);
      th.stopped = true;
      this.released.set(ref, { at: this.now(), hold: th.hold });
      this.hooks.release(ref, th.paneId);
      return;
    }
    this.schedule(ref, th, th.soon ? 0 : this.o.frameMs);
    th.soon = false;
  }
}

/** The share of `now`'s non-blank rows that `before` had too (1: nothing new; 0: a screenful of new rows). */
export function kept(before: readonly string[], now: readonly string[]): number {
  const old = new Set(before);
  let rows = 0;
  let same = 0;
  for (const r of now) {
    if (r.trim() === '') continue;
    rows++;
    if (old.has(r)) same++;
  }
  return rows === 0 ? 1 : same / rows;
}
