/**
 * Issue 15.3/15.4 against real tmux: a chat off screen that floods is paused through
 * control-mode flow control (its output stops reaching the UI's process), keeps its activity
 * mark, and shows the right screen when shown; only shown and recently shown chats keep an
 * emulator, and the others come back from tmux when shown.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { createChat } from '../lib/chat/lifecycle';
import { LiveChats } from '../lib/chat/live';
import { killAllTestServers, waitFor } from './support/tmux';
import { chatProject, removeChatProjects } from './support/chat-project';

afterAll(() => {
  killAllTestServers();
  removeChatProjects();
});

const setup = () => chatProject('hidden');

const screenText = (live: LiveChats, ref: string): string => {
  const t = live.terminal(ref);
  return t ? Array.from({ length: t.rows }, (_, i) => t.rowText(i)).join('\n') : '';
};

describe('chats off screen', () => {
  test('a hidden chat that floods is paused: its output stays in tmux, its mark shows, showing it shows its screen', async () => {
    const s = setup();
    const shown = await createChat(s.cli, s.ctx, { executor: 'cmd', name: 'shown', argv: ['sh', '-c', 'echo SHOWN-UP; exec cat'] });
    // Waits for a line, then prints ~1.6 MB and a last line, then idles.
    const flood = await createChat(s.cli, s.ctx, {
      executor: 'cmd', name: 'flood',
      argv: ['sh', '-c', "echo FLOOD-READY; read x; seq -f 'flood line %g' 1 100000; echo END-OF-FLOOD; exec cat"],
    });
    const target = `=${flood.session}:`;
    await waitFor(async () => (await s.cli.run(['capture-pane', '-p', '-t', target])).join('\n').includes('FLOOD-READY'), 5000, 'flood chat up');
    const live = await LiveChats.start(s.ctx, { width: 100, height: 30, pauseHidden: true });
    try {
      await live.show([{ ref: shown.ref, cols: 100, rows: 30 }]);
      await live.restoreAll();
      expect(screenText(live, shown.ref)).toContain('SHOWN-UP');
      // Next in the tree: restored ahead (warm), so its emulator goes stale when it is paused.
      expect(live.terminal(flood.ref)).not.toBeNull();

      const paneId = live.get(flood.ref)!.paneId!;
      let afterPause = 0;
      let before = 0;
      let pausedAt = 0;
      live.client.on('output', (p, d) => {
        if (p !== paneId) return;
        if (pausedAt) afterPause += d.length;
        else before += d.length;
      });
      const paused = new Promise<void>((r) => live.client.on('notification', (n) => {
        if (n.type === 'pause' && n.paneId === paneId) {
          pausedAt = Date.now();
          r();
        }
      }));
      await s.cli.run(['send-keys', '-t', paneId, 'Enter']);
      await paused; // the UI's control client got %pause for the hidden chat
      await waitFor(() => live.get(flood.ref)!.activity, 5000, 'activity mark');
      expect(live.isPaused(flood.ref)).toBe(true);
      // The flood runs to its end in tmux while none of it reaches this process.
      await waitFor(async () => (await s.cli.run(['capture-pane', '-p', '-t', paneId])).join('\n').includes('END-OF-FLOOD'), 20_000, 'flood done in tmux');
      await new Promise((r) => setTimeout(r, 200));
      expect(afterPause).toBe(0);
      expect(before).toBeLessThan(200_000); // the first chunks only, not the 1.6 MB

      // Shown: continued and captured — the screen tmux has, not the first chunk we saw.
      await live.show([{ ref: flood.ref, cols: 100, rows: 30 }]);
      await waitFor(() => screenText(live, flood.ref).includes('END-OF-FLOOD'), 5000, 'caught up');
      const rows = screenText(live, flood.ref).split('\n');
      const end = rows.findIndex((r) => r.includes('END-OF-FLOOD'));
      expect(rows[end - 1]).toContain('flood line 100000');
      expect(live.get(flood.ref)!.activity).toBe(false);
      expect(live.isPaused(flood.ref)).toBe(false);
      // Its output flows again while shown.
      await live.sendKeys(flood.ref, Buffer.from('typed-after-catch-up\r'));
      await waitFor(() => screenText(live, flood.ref).includes('typed-after-catch-up'), 5000, 'live again');
    } finally {
      await live.leaveAll();
    }
  }, 60_000);

  test('only shown and recently shown chats keep an emulator; the others are restored from tmux when shown', async () => {
    const s = setup();
    const chats: Array<Awaited<ReturnType<typeof createChat>>> = [];
    for (let i = 1; i <= 5; i++) {
      chats.push(await createChat(s.cli, s.ctx, { executor: 'cmd', name: `c${i}`, argv: ['sh', '-c', `seq -f 'line %g of c${i}' 1 300; exec cat`] }));
    }
    const live = await LiveChats.start(s.ctx, { width: 80, height: 24, warm: 2, pauseHidden: true });
    try {
      for (const c of chats) {
        await live.show([{ ref: c.ref, cols: 80, rows: 24 }]);
        await waitFor(() => screenText(live, c.ref).includes(`line 300 of ${c.name}`), 5000, `${c.name} shown`);
      }
      // c5 on screen, c4 and c3 warm, c1 and c2 freed.
      expect(chats.map((c) => live.terminal(c.ref) !== null)).toEqual([false, false, true, true, true]);
      // An idle warm chat comes back as it was, without a capture.
      const warm = live.terminal(chats[3]!.ref);
      await live.show([{ ref: chats[3]!.ref, cols: 80, rows: 24 }]);
      expect(live.terminal(chats[3]!.ref)).toBe(warm);
      // A freed one is restored with its history.
      await live.show([{ ref: chats[0]!.ref, cols: 80, rows: 24 }]);
      await waitFor(() => screenText(live, chats[0]!.ref).includes('line 300 of c1'), 5000, 'c1 restored');
      const t = live.terminal(chats[0]!.ref)!;
      expect(t.baseY).toBeGreaterThan(200); // scrollback came back too
      expect(chats.map((c) => live.terminal(c.ref) !== null)).toEqual([true, false, false, true, true]);
    } finally {
      await live.leaveAll();
    }
  }, 60_000);
});
