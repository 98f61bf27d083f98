/**
 * Coalesced rendering: however many panes report output, the screen renders at most once
 * per interval (default 16 ms). The first request after a quiet spell renders as soon as the
 * current I/O is handled (setImmediate), so a keystroke's echo is not delayed by a timer — or,
 * with `immediate`, at once, inside the request (a pane's echo: one hop of the event loop less).
 */
import type { Widgets } from 'blessed';

/**
 * Redraw one element alone (e.g. a chat pane whose output changed and that nothing overlaps);
 * returns false when it cannot, and the whole screen is rendered instead.
 */
export type PartialRender = () => boolean;

export interface RenderScheduler {
  /**
   * Ask for a render; repeated calls within the interval collapse into one. With `part`, only
   * that element needs drawing (unless something else asked for the whole screen meanwhile).
   */
  schedule(part?: PartialRender): void;
  /** Render now if one is pending (e.g. before exit). */
  flush(): void;
  /** Render now, whatever the interval (a typed key's echo): a pending render is this one. */
  now(part?: PartialRender): void;
  dispose(): void;
}

const perScreen = new WeakMap<Widgets.Screen, RenderScheduler>();

/** The shared scheduler of a screen (one per screen, so every view coalesces together). */
export function renderSchedulerFor(screen: Widgets.Screen, intervalMs = 16): RenderScheduler {
  let s = perScreen.get(screen);
  if (!s) {
    s = createRenderScheduler(() => screen.render(), intervalMs);
    perScreen.set(screen, s);
    screen.once('destroy', () => {
      s!.dispose();
      perScreen.delete(screen);
    });
  }
  return s;
}

/** Frames in a row with output waiting before the scheduler slows down (a flooding agent). */
export const BUSY_FRAMES = 8;

export function createRenderScheduler(render: () => void, intervalMs = 16, now: () => number = Date.now, immediate = false): RenderScheduler {
  let timer: { cancel(): void } | null = null;
  let last = -Infinity;
  let disposed = false;
  // Under sustained output, frames at half the rate leave the CPU to tmux and the emulator;
  // nobody reads a flood at 60 fps. The first frame after a quiet spell is immediate again.
  let busy = 0;
  let fullWanted = false;
  const parts = new Set<PartialRender>();
  const run = (): void => {
    timer = null;
    if (disposed) return;
    last = now();
    const full = fullWanted || parts.size === 0;
    const todo = [...parts];
    fullWanted = false;
    parts.clear();
    if (full || !todo.every((p) => p())) render();
  };
  return {
    schedule(part?: PartialRender) {
      if (disposed) return;
      if (part) parts.add(part);
      else fullWanted = true;
      if (timer) return;
      // Busy: this request came within about a frame of the last one (a flood asks again at once).
      // Keys typed 30 ms apart are not a flood: their echoes stay immediate.
      const since = now() - last;
      busy = since <= intervalMs * 1.25 ? busy + 1 : 0;
      const interval = busy >= BUSY_FRAMES ? intervalMs * 2 : intervalMs;
      const wait = Math.max(0, last + interval - now());
      if (wait === 0 && immediate) {
        run();
        return;
      }
      // Right after this turn's I/O, not on the next timer tick (≥ 1 ms): an echo shows sooner.
      if (wait === 0) {
        const i = setImmediate(run);
        timer = { cancel: () => clearImmediate(i) };
      } else {
        const t = setTimeout(run, wait);
        timer = { cancel: () => clearTimeout(t) };
      }
    },
    flush() {
      if (!timer) return;
      timer.cancel();
      run();
    },
    now(part?: PartialRender) {
      if (disposed) return;
      if (part) parts.add(part);
      else fullWanted = true;
      timer?.cancel();
      run();
    },
    dispose() {
      disposed = true;
      timer?.cancel();
      timer = null;
    },
  };
}
