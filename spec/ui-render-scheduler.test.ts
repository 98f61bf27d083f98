import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { BUSY_FRAMES, createRenderScheduler } from '../lib/ui/render-scheduler';

afterEach(() => {
  jest.useRealTimers();
});

describe('render scheduler', () => {
  test('first frame after quiet is immediate; a flood slows to half rate; quiet restores it', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const frames: number[] = [];
    let flooding = true;
    // A flood: new output arrives as soon as each frame is drawn.
    const s = createRenderScheduler(() => {
      frames.push(Date.now());
      if (flooding && frames.length < 40) s.schedule();
    }, 16, () => Date.now());
    s.schedule();
    jest.advanceTimersByTime(0);
    expect(frames).toEqual([1_000_000]); // setImmediate, no timer wait
    jest.advanceTimersByTime(2000);
    flooding = false;
    expect(frames.length).toBe(40);
    const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
    expect(gaps.slice(0, BUSY_FRAMES - 1).every((g) => g === 16)).toBe(true);
    expect(gaps.slice(BUSY_FRAMES + 1).every((g) => g === 32)).toBe(true);
    // A quiet spell, then one keystroke's echo: immediate again.
    jest.advanceTimersByTime(1000);
    const before = frames.length;
    s.schedule();
    jest.advanceTimersByTime(0);
    expect(frames.length).toBe(before + 1);
    s.dispose();
  });

  test('keys typed 30 ms apart are not a flood: every echo is drawn at once, however many', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const frames: number[] = [];
    const s = createRenderScheduler(() => frames.push(Date.now()), 16, () => Date.now());
    const asked: number[] = [];
    for (let k = 0; k < 3 * BUSY_FRAMES; k++) {
      asked.push(Date.now());
      s.schedule();
      jest.advanceTimersByTime(0);
      jest.advanceTimersByTime(30);
    }
    expect(frames).toEqual(asked);
    s.dispose();
  });

  test('immediate: the first request after a quiet spell is drawn inside the request; later ones are coalesced', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    let frames = 0;
    const s = createRenderScheduler(() => frames++, 16, () => Date.now(), true);
    s.schedule();
    expect(frames).toBe(1);
    s.schedule();
    s.schedule();
    expect(frames).toBe(1);
    jest.advanceTimersByTime(16);
    expect(frames).toBe(2);
    s.dispose();
  });
});
