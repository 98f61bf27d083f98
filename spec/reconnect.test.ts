/** Issue 14.4: the backoff and the reconnect loop, with a fake link (no tmux, no ssh). */
import { describe, expect, test } from '@jest/globals';
import { EventEmitter } from 'eventemitter3';
import { backoffDelay, Reconnector, type LinkState } from '../lib/chat/reconnect';
import { describeLink } from '../lib/chat/multi-chats';

class FakeLink extends EventEmitter<{ end: (reason: string) => void }> {
  constructor(readonly n: number) {
    super();
  }
}

function harness(failUntil: number, o: { firstMs?: number; maxMs?: number } = { firstMs: 5, maxMs: 40 }) {
  let opened = 0;
  const previous: Array<number | null> = [];
  const states: LinkState[] = [];
  const r = new Reconnector<FakeLink>({
    ...o,
    open: async (prev) => {
      opened++;
      previous.push(prev?.n ?? null);
      if (opened > 1 && opened <= failUntil) throw new Error(`refused ${opened}`);
      return new FakeLink(opened);
    },
    ended: (l) => new Promise((resolve) => l.once('end', resolve)),
  });
  r.on('state', (s) => states.push(s));
  return { r, states, previous, opened: () => opened };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('backoffDelay', () => {
  test('1, 2, 4, 8, 16 s, then every 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((a) => backoffDelay(a))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe('Reconnector', () => {
  test('a dropped link is opened again after failed attempts, counting them, and the new one learns the old', async () => {
    const h = harness(3);
    const first = await h.r.start();
    expect(h.r.state.kind).toBe('up');
    first.emit('end', 'connection lost: killed');
    await until(() => h.r.state.kind === 'up' && h.r.link !== first);
    const attempts = h.states.filter((s) => s.kind === 'reconnecting').map((s) => (s as { attempt: number }).attempt);
    expect(attempts).toEqual([1, 2, 3]);
    const reasons = h.states.filter((s) => s.kind === 'reconnecting').map((s) => (s as { reason: string }).reason);
    expect(reasons).toEqual(['connection lost: killed', 'refused 2', 'refused 3']);
    // Every attempt after the drop is told which link dropped (to remove its view session).
    expect(h.previous).toEqual([null, 1, 1, 1]);
    expect(h.r.link!.n).toBe(4);
    expect(describeLink(h.states.find((s) => s.kind === 'reconnecting')!)).toBe('reconnecting (attempt 1)');
    h.r.stop();
  });

  test('the waits double up to the cap', async () => {
    const h = harness(6, { firstMs: 10, maxMs: 40 });
    const waits: number[] = [];
    h.r.on('state', (s) => s.kind === 'reconnecting' && waits.push(s.retryAt - Date.now()));
    const first = await h.r.start();
    first.emit('end', 'x');
    await until(() => h.r.state.kind === 'up' && h.r.link !== first);
    // Five refusals, then the sixth attempt opens.
    expect(h.states.filter((s) => s.kind === 'reconnecting').map((s) => (s as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(waits.map((w) => Math.round(w / 10) * 10)).toEqual([10, 20, 40, 40, 40, 40]);
    h.r.stop();
  });

  test('stop() ends the loop: no further attempt, and a link that opens late is discarded', async () => {
    const h = harness(1000, { firstMs: 5, maxMs: 5 });
    const first = await h.r.start();
    first.emit('end', 'x');
    await until(() => h.opened() >= 3);
    h.r.stop();
    const n = h.opened();
    await new Promise((r) => setTimeout(r, 60));
    expect(h.opened()).toBeLessThanOrEqual(n + 1);
    expect(h.r.state.kind).toBe('stopped');
  });

  test('a failed start can keep trying in the background (a host that is down when the UI starts)', async () => {
    let calls = 0;
    const r = new Reconnector<FakeLink>({
      firstMs: 5,
      open: async () => {
        if (++calls < 3) throw new Error('refused');
        return new FakeLink(calls);
      },
      ended: () => new Promise(() => {}),
    });
    await expect(r.start()).rejects.toThrow('refused');
    r.retry('refused');
    await until(() => r.state.kind === 'up');
    expect(r.link!.n).toBe(3);
    r.stop();
  });

  test('an attempt that never answers counts as failed after attemptMs; the link it opens late is closed', async () => {
    let calls = 0;
    const discarded: number[] = [];
    let releaseHung: (l: FakeLink) => void = () => {};
    const r = new Reconnector<FakeLink>({
      firstMs: 5,
      attemptMs: 50,
      open: async () => {
        calls++;
        if (calls === 2) return new Promise<FakeLink>((resolve) => (releaseHung = resolve));
        return new FakeLink(calls);
      },
      ended: (l) => new Promise((resolve) => l.once('end', resolve)),
      discard: (l) => discarded.push(l.n),
    });
    const states: LinkState[] = [];
    r.on('state', (s) => states.push(s));
    const first = await r.start();
    first.emit('end', 'x');
    await until(() => r.state.kind === 'up' && r.link !== first);
    expect(states.filter((s) => s.kind === 'reconnecting').map((s) => (s as { reason: string }).reason)).toEqual(['x', 'no answer in 0 s']);
    releaseHung(new FakeLink(99));
    await new Promise((res) => setTimeout(res, 10));
    expect(discarded).toEqual([99]);
    expect(r.link!.n).toBe(3);
    r.stop();
  });
});
