/**
 * Coalesced rendering: however many panes report output, the screen renders at most once
 * per interval (default 16 ms). The first request after a quiet spell renders as soon as the
 * current I/O is handled (setImmediate), so a keystroke's echo is not delayed by a timer.
 */
import type { Widgets } from 'blessed';

export interface RenderScheduler {
  /** Ask for a render; repeated calls within the interval collapse into one. */
  schedule(): void;
  /** Render now if one is pending (e.g. before exit). */
  flush(): void;
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

export function createRenderScheduler(render: () => void, intervalMs = 16, now: () => number = Date.now): RenderScheduler {
  let timer: { cancel(): void } | null = null;
  let last = -Infinity;
  let disposed = false;
  const run = (): void => {
    timer = null;
    if (disposed) return;
    last = now();
    render();
  };
  return {
    schedule() {
      if (timer || disposed) return;
      const wait = Math.max(0, last + intervalMs - now());
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
    dispose() {
      disposed = true;
      timer?.cancel();
      timer = null;
    },
  };
}
