/**
 * PaneThrottle's rules (issue 15.2) with fake hooks and a fake clock: when a shown pane is
 * throttled, when a frame releases it, the longer hold for a pane that floods again at once,
 * and a typed key drawing a frame at once.
 */
import { describe, expect, test } from '@jest/globals';
import { kept, PaneThrottle, type ThrottleHooks } from '../lib/chat/pane-throttle';
import { waitFor } from './support/tmux';

/** A throttle over fake hooks: each frame advances the clock by `frameMs` and shows `screen()`. */
function fake(o: { frameMs: number; screen: () => string[] }) {
  let clock = 0;
  const log: string[] = [];
  const hooks: ThrottleHooks = {
    pause: () => (log.push('pause'), true),
    frame: async () => {
      clock += 100;
      log.push('frame');
      return o.screen();
    },
    release: () => void log.push('release'),
  };
  const th = new PaneThrottle({ bytes: 1000, windowMs: 200, frameMs: o.frameMs, maxHoldMs: 2000 }, hooks, () => clock);
  return { th, log, advance: (ms: number) => (clock += ms) };
}

describe('PaneThrottle', () => {
  test('kept: the share of rows the last frame had', () => {
    expect(kept(['a', 'b', 'c', 'd'], ['c', 'd', 'e', 'f'])).toBe(0.5);
    expect(kept(['a', 'b'], ['x', 'y'])).toBe(0);
    expect(kept(['a', ''], ['a', '  '])).toBe(1);
    expect(kept([], ['', ''])).toBe(1);
  });

  test('throttled past `bytes` within `windowMs`, not below; released by a still screen', async () => {
    const f = fake({ frameMs: 1, screen: () => ['same'] });
    f.th.output('c', '%1', 600);
    f.advance(250); // a new window: the 600 bytes do not count
    f.th.output('c', '%1', 600);
    expect(f.th.isThrottled('c')).toBe(false);
    f.th.output('c', '%1', 600);
    expect(f.th.isThrottled('c')).toBe(true);
    await waitFor(() => f.log.includes('release'), 2000, 'released');
    expect(f.log).toEqual(['pause', 'frame', 'frame', 'release']);
    expect(f.th.isThrottled('c')).toBe(false);
  });

  test('a screen that changes keeps it throttled; a pane that floods again at once is held longer each time', async () => {
    let n = 0;
    let changing = true;
    const f = fake({ frameMs: 1, screen: () => (changing ? [`line ${n++}`, `line ${n++}`] : ['y', 'y']) });
    f.th.output('c', '%1', 5000);
    await waitFor(() => f.th.frames >= 20, 2000, 'frames');
    expect(f.th.isThrottled('c')).toBe(true);
    changing = false;
    await waitFor(() => !f.th.isThrottled('c'), 2000, 'released');
    // `yes`: floods again right after each release; the frames until release grow with the hold.
    const framesPerThrottle: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = f.th.frames;
      f.th.output('c', '%1', 5000);
      await waitFor(() => !f.th.isThrottled('c'), 2000, 'released again');
      framesPerThrottle.push(f.th.frames - before);
    }
    expect(framesPerThrottle).toEqual([...framesPerThrottle].sort((a, b) => a - b));
    expect(framesPerThrottle[4]).toBeGreaterThanOrEqual(20); // 2 s hold at 100 ms a frame
    // A second later it is a new flood: released by the first still frame again.
    f.advance(1500);
    const before = f.th.frames;
    f.th.output('c', '%1', 5000);
    await waitFor(() => !f.th.isThrottled('c'), 2000, 'released at once');
    expect(f.th.frames - before).toBe(2);
  });

  test('a typed key draws a frame at once, not after `frameMs`', async () => {
    let n = 0;
    const f = fake({ frameMs: 60_000, screen: () => [`line ${n++}`] });
    f.th.output('c', '%1', 5000);
    await waitFor(() => f.th.frames === 1, 2000, 'first frame');
    f.th.typed('c');
    await waitFor(() => f.th.frames === 2, 2000, 'frame for the key');
    f.th.stop('c');
    expect(f.th.isThrottled('c')).toBe(false);
  });
});
