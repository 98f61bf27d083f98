/**
 * Red team, hidden-chat pausing (lib/chat/pane-screens.ts, LiveChats pauseHidden): a hidden chat
 * flooding while it is shown and hidden quickly (awaited and not), a paused chat closed or
 * archived, a paused chat whose tmux server is killed. Held: no screen content lost when shown
 * (the emulator's screen is tmux's), no pause stuck (typed text comes back), no crash (no
 * unhandled rejection or exception).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { createChat } from '../lib/chat/lifecycle';
import { LiveChats } from '../lib/chat/live';
import { killAllTestServers, waitFor } from './support/tmux';
import { chatProject, removeChatProjects } from './support/chat-project';
import { watchCrashes } from './support/crashes';

afterAll(() => {
  killAllTestServers();
  removeChatProjects();
});

const crashes = watchCrashes();

const COLS = 90;
const ROWS = 20;
const rowsOf = (live: LiveChats, ref: string): string[] => {
  const t = live.terminal(ref);
  return t ? Array.from({ length: t.rows }, (_, i) => t.rowText(i).trimEnd()) : [];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A project with an idle chat and a chat that floods N lines and a last line after Enter. */
async function floodSetup(lines: number) {
  const s = chatProject('rtpause');
  const idle = await createChat(s.cli, s.ctx, { executor: 'cmd', name: 'idle', argv: ['sh', '-c', 'echo IDLE-UP; exec cat'] });
  const flood = await createChat(s.cli, s.ctx, {
    executor: 'cmd',
    name: 'flood',
    // In bursts of 500 lines 20 ms apart: the flood lasts through the toggles (one seq would be over at once).
    argv: ['sh', '-c', `stty -echo; echo READY; read x; i=0; while [ $i -lt ${lines / 500} ]; do seq -f 'flood line %g' $((i*500+1)) $((i*500+500)); i=$((i+1)); sleep 0.02; done; echo END-OF-FLOOD; stty echo; exec cat`],
  });
  await waitFor(async () => (await s.cli.run(['capture-pane', '-p', '-t', `=${flood.session}:`])).join('\n').includes('READY'), 5000, 'flood chat up');
  const live = await LiveChats.start(s.ctx, { width: COLS, height: ROWS, pauseHidden: true, warm: 0 });
  const show = (ref: string) => live.show([{ ref, cols: COLS, rows: ROWS }]);
  const tmuxRows = async (ref: string): Promise<string[]> => (await s.cli.run(['capture-pane', '-p', '-t', live.get(ref)!.paneId!])).map((l) => l.trimEnd());
  return { s, idle, flood, live, show, tmuxRows };
}

describe('a hidden chat flooding while shown and hidden quickly', () => {
  test.each([
    ['awaited', true],
    ['not awaited (each show starts before the last ends)', false],
  ])('40 toggles, %s: shown at the end its screen is tmux\'s, its pause gone, its output live', async (_, awaited) => {
    const { s, idle, flood, live, show, tmuxRows } = await floodSetup(60_000);
    try {
      await show(idle.ref);
      await live.restoreAll();
      await s.cli.run(['send-keys', '-t', live.get(flood.ref)!.paneId!, 'Enter']);
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < 40; i++) {
        const p = show(i % 2 === 0 ? flood.ref : idle.ref);
        if (awaited) await p;
        else pending.push(p);
        await sleep((i * 7) % 13);
      }
      await Promise.all(pending);
      // The toggles ran inside the flood.
      expect((await tmuxRows(flood.ref)).includes('END-OF-FLOOD')).toBe(false);
      // Ends hidden: the flood finishes in tmux.
      await show(idle.ref);
      await waitFor(async () => (await tmuxRows(flood.ref)).some((r) => r === 'END-OF-FLOOD'), 30_000, 'flood done in tmux');
      await show(flood.ref);
      await waitFor(async () => {
        const want = await tmuxRows(flood.ref);
        return JSON.stringify(rowsOf(live, flood.ref)) === JSON.stringify(want.slice(0, ROWS)) ? true : null;
      }, 5000, 'the shown screen equals tmux');
      const rows = rowsOf(live, flood.ref);
      expect(rows[rows.indexOf('END-OF-FLOOD') - 1]).toBe('flood line 60000');
      expect(live.isPaused(flood.ref)).toBe(false);
      await live.sendKeys(flood.ref, Buffer.from('typed-after\r'));
      await waitFor(() => rowsOf(live, flood.ref).includes('typed-after'), 5000, 'its output flows again');
      // Hidden then shown once more with no output meanwhile: still the same screen.
      await show(idle.ref);
      await show(flood.ref);
      await waitFor(() => rowsOf(live, flood.ref).includes('typed-after'), 5000, 'same screen after a quiet hide');
      expect(crashes).toEqual([]);
    } finally {
      await live.leaveAll();
    }
  }, 60_000);
});

test('shown again in the middle of the flood and left on screen: at its end the screen is tmux\'s', async () => {
  const { s, idle, flood, live, show, tmuxRows } = await floodSetup(60_000);
  try {
    await show(idle.ref);
    await live.restoreAll();
    await s.cli.run(['send-keys', '-t', live.get(flood.ref)!.paneId!, 'Enter']);
    for (let i = 0; i < 21; i++) {
      void show(i % 2 === 0 ? flood.ref : idle.ref);
      await sleep(i % 5);
    }
    await show(flood.ref);
    expect((await tmuxRows(flood.ref)).includes('END-OF-FLOOD')).toBe(false);
    await waitFor(async () => (await tmuxRows(flood.ref)).some((r) => r === 'END-OF-FLOOD'), 30_000, 'flood done in tmux');
    await waitFor(async () => (JSON.stringify(rowsOf(live, flood.ref)) === JSON.stringify((await tmuxRows(flood.ref)).slice(0, ROWS)) ? true : null), 5000, 'the shown screen equals tmux');
    expect(live.isPaused(flood.ref)).toBe(false);
    expect(crashes).toEqual([]);
  } finally {
    await live.leaveAll();
  }
}, 60_000);

describe('a paused chat that goes away', () => {
  test('closed, and another archived, while paused: no pause left, no crash, the others still shown', async () => {
    const { s, idle, flood, live, show } = await floodSetup(100_000);
    const other = await createChat(s.cli, s.ctx, { executor: 'cmd', name: 'other', argv: ['sh', '-c', "read x; seq -f 'other %g' 1 200000; exec cat"] });
    try {
      await waitFor(() => live.get(other.ref)?.paneId ?? null, 5000, 'other chat seen');
      await show(idle.ref);
      await live.restoreAll();
      await s.cli.run(['send-keys', '-t', live.get(flood.ref)!.paneId!, 'Enter']);
      await s.cli.run(['send-keys', '-t', live.get(other.ref)!.paneId!, 'Enter']);
      await waitFor(() => live.isPaused(flood.ref) && live.isPaused(other.ref), 5000, 'both paused');
      await live.closeChat(flood.ref);
      await live.archiveChat(other.ref);
      await waitFor(() => (live.get(flood.ref)?.paneId ?? null) === null && (live.get(other.ref)?.paneId ?? null) === null ? true : null, 5000, 'both panes gone');
      expect([live.isPaused(flood.ref), live.isPaused(other.ref)]).toEqual([false, false]);
      // Showing the closed one does not throw; the idle chat is still live.
      await show(flood.ref);
      await show(idle.ref);
      await live.sendKeys(idle.ref, Buffer.from('still-here\r'));
      await waitFor(() => rowsOf(live, idle.ref).some((r) => r.includes('still-here')), 5000, 'idle chat live');
      expect(crashes).toEqual([]);
    } finally {
      await live.leaveAll();
    }
  }, 60_000);

  test("its tmux server killed while it is paused (and while a show of it is in flight): the client ends, nothing throws", async () => {
    const { s, idle, flood, live, show } = await floodSetup(100_000);
    try {
      await show(idle.ref);
      await live.restoreAll();
      await s.cli.run(['send-keys', '-t', live.get(flood.ref)!.paneId!, 'Enter']);
      await waitFor(() => live.isPaused(flood.ref), 5000, 'paused');
      const closed = new Promise((r) => live.client.once('closed', r));
      const inFlight = show(flood.ref).catch((e: Error) => e);
      s.kill();
      await closed;
      const r = await inFlight;
      // The show may end either way, but as a settled promise with at most an Error.
      expect(r === undefined || r instanceof Error).toBe(true);
      await sleep(300);
      expect(crashes).toEqual([]);
    } finally {
      live.dispose();
    }
  }, 60_000);
});
