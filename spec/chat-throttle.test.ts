/**
 * Issue 15.2 against real tmux: a SHOWN chat that floods is paused in tmux and drawn from
 * tmux's screen a few times a second (PaneThrottle) instead of every byte being parsed. It ends
 * showing exactly tmux's screen, goes back to live output once calm, still echoes what is typed
 * into it, and the chat beside it echoes at once. Red team: flood bursts, a throttled chat
 * resized, closed, or its server killed.
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

const COLS = 80;
const ROWS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rowsOf = (live: LiveChats, ref: string): string[] => {
  const t = live.terminal(ref);
  return t ? Array.from({ length: t.rows }, (_, i) => t.rowText(i).trimEnd()) : [];
};

/** ~5.9 MB after Enter (far over the throttle's 256 KB per 100 ms), a last line, then `cat`. */
const FLOOD = "stty -echo; echo READY; read x; seq -f 'flood line %g' 1 300000; echo END-OF-FLOOD; stty echo; exec cat";
const FLOOD_BYTES = 5_000_000; // at least (5.3 MB of text, more with CR LF)

/** A project with chats from `argvs` (name → argv), each up, and a UI-like LiveChats showing them side by side. */
async function setup(argvs: Record<string, string[]>) {
  const s = chatProject('throttle');
  const chats: Record<string, Awaited<ReturnType<typeof createChat>>> = {};
  for (const [name, argv] of Object.entries(argvs)) chats[name] = await createChat(s.cli, s.ctx, { executor: 'cmd', name, argv });
  const live = await LiveChats.start(s.ctx, { width: 2 * COLS + 1, height: ROWS, pauseHidden: true, warm: 0 });
  const shown = Object.values(chats).map((c) => ({ ref: c.ref, cols: COLS, rows: ROWS }));
  await live.show(shown);
  await live.restoreAll();
  const paneOf = (name: string): string => live.get(chats[name]!.ref)!.paneId!;
  const tmuxRows = async (name: string): Promise<string[]> => (await s.cli.run(['capture-pane', '-p', '-t', paneOf(name)])).map((l) => l.trimEnd());
  const tmuxHas = async (name: string, text: string) => (await tmuxRows(name)).join('\n').includes(text);
  /** Bytes of a pane's output that reached the UI's connection. */
  const received = (name: string): (() => number) => {
    let n = 0;
    const pane = paneOf(name);
    live.client.on('output', (p, d) => {
      if (p === pane) n += d.length;
    });
    return () => n;
  };
  /** Becomes true once the chat is throttled (checked on every model event and every 10 ms). */
  const everThrottled = (name: string): (() => boolean) => {
    let seen = false;
    const check = (): void => void (seen ||= live.isThrottled(chats[name]!.ref));
    live.on('output', check);
    const timer = setInterval(check, 10);
    return () => {
      clearInterval(timer);
      return seen;
    };
  };
  /** The chat's emulator shows exactly tmux's screen (and is flowing live, not throttled). */
  const matchesTmux = async (name: string, what: string) => {
    const ref = chats[name]!.ref;
    await waitFor(async () => !live.isThrottled(ref) && !live.isPaused(ref) && rowsOf(live, ref).join('\n') === (await tmuxRows(name)).join('\n'), 10_000, what);
  };
  return { s, chats, live, shown, paneOf, tmuxRows, tmuxHas, received, everThrottled, matchesTmux };
}

describe('a shown chat that floods', () => {
  test('is throttled (a fraction of its bytes reach the UI), ends on exactly tmux\'s screen, flows live again; the chat beside it echoes', async () => {
    const t = await setup({ typing: ['sh', '-c', 'echo TYPING-UP; exec cat'], flood: ['sh', '-c', FLOOD] });
    const { live, chats } = t;
    try {
      await waitFor(() => t.tmuxHas('flood', 'READY'), 5000, 'flood chat up');
      const got = t.received('flood');
      const throttled = t.everThrottled('flood');
      await t.s.cli.run(['send-keys', '-t', t.paneOf('flood'), 'Enter']);
      await waitFor(() => live.isThrottled(chats.flood!.ref), 5000, 'throttled');
      // Typed into the other chat during the flood: echoed at once, not after the flood.
      await live.sendKeys(chats.typing!.ref, Buffer.from('typed-during-flood\r'));
      await waitFor(() => rowsOf(live, chats.typing!.ref).join('\n').includes('typed-during-flood'), 3000, 'echo beside the flood');
      expect(await t.tmuxHas('flood', 'END-OF-FLOOD')).toBe(false);

      await waitFor(() => t.tmuxHas('flood', 'END-OF-FLOOD'), 30_000, 'flood done in tmux');
      await t.matchesTmux('flood', 'the flooding chat shows tmux\'s screen');
      const rows = rowsOf(live, chats.flood!.ref);
      expect(rows[rows.indexOf('END-OF-FLOOD') - 1]).toBe('flood line 300000');
      expect(throttled()).toBe(true);
      expect(got()).toBeLessThan(FLOOD_BYTES / 4);

      // Calm again: live output, byte by byte (no frame needed).
      const before = got();
      await live.sendKeys(chats.flood!.ref, Buffer.from('live-again\r'));
      await waitFor(() => rowsOf(live, chats.flood!.ref).filter((r) => r === 'live-again').length === 2, 5000, 'echo and cat\'s copy');
      expect(got()).toBeGreaterThan(before);
      expect(live.isThrottled(chats.flood!.ref)).toBe(false);
      expect(crashes).toEqual([]);
    } finally {
      await live.leaveAll();
    }
  }, 60_000);

  test('still echoes what is typed into it while it floods', async () => {
    // Repaints its top rows as fast as it can and shows what it read on its last row.
    const script = [
      "process.stdin.setRawMode(true); let typed = ''; let n = 0;",
      "process.stdin.on('data', (d) => { typed += d; });",
      "const spin = () => { let s = ''; for (let i = 0; i < 300; i++) s += '\\x1b[' + (1 + (i % 10)) + ';1Hnoise ' + (n++) + ' '.repeat(40);",
      "  process.stdout.write(s + '\\x1b[" + ROWS + ";1Htyped:' + typed, () => setImmediate(spin)); };",
      "console.log('SPIN-UP'); spin();",
    ].join('\n');
    const t = await setup({ spin: [process.execPath, '-e', script] });
    const ref = t.chats.spin!.ref;
    try {
      await waitFor(() => t.live.isThrottled(ref), 10_000, 'throttled');
      await t.live.sendKeys(ref, Buffer.from('hello'));
      await waitFor(() => rowsOf(t.live, ref)[ROWS - 1] === 'typed:hello', 3000, 'echo while throttled');
      await t.live.sendKeys(ref, Buffer.from(' world'));
      await waitFor(() => rowsOf(t.live, ref)[ROWS - 1] === 'typed:hello world', 3000, 'second echo while throttled');
      expect(t.live.isThrottled(ref)).toBe(true);
      expect(crashes).toEqual([]);
    } finally {
      await t.live.leaveAll();
    }
  }, 60_000);
});

describe('red team: a throttled chat', () => {
  test('flooding on the alternate screen, then leaving it: each screen ends as tmux has it', async () => {
    const alt = "stty -echo; echo PRIMARY-KEPT; echo READY; read x; printf '\\033[?1049h'; seq -f 'alt line %g' 1 200000; echo END-ALT; read x; printf '\\033[?1049l'; echo BACK-ON-PRIMARY; stty echo; exec cat";
    const t = await setup({ flood: ['sh', '-c', alt] });
    const ref = t.chats.flood!.ref;
    try {
      await waitFor(() => t.tmuxHas('flood', 'READY'), 5000, 'up');
      const throttled = t.everThrottled('flood');
      await t.s.cli.run(['send-keys', '-t', t.paneOf('flood'), 'Enter']);
      await waitFor(() => t.tmuxHas('flood', 'END-ALT'), 30_000, 'alternate flood done in tmux');
      await t.matchesTmux('flood', 'the alternate screen as tmux has it');
      expect(t.live.terminal(ref)!.alternateScreen).toBe(true);
      expect(throttled()).toBe(true);
      await t.s.cli.run(['send-keys', '-t', t.paneOf('flood'), 'Enter']);
      await waitFor(() => t.tmuxHas('flood', 'BACK-ON-PRIMARY'), 5000, 'back on the primary screen in tmux');
      await t.matchesTmux('flood', 'the primary screen as tmux has it');
      expect(rowsOf(t.live, ref).join('\n')).toContain('PRIMARY-KEPT');
      expect(crashes).toEqual([]);
    } finally {
      await t.live.leaveAll();
    }
  }, 60_000);

  test('flood bursts with pauses between: throttled and released again and again, ends on tmux\'s screen', async () => {
    // 8 bursts of ~600 KB, 300 ms apart (long enough to calm down and flow live in between).
    const bursts = "echo READY; read x; i=0; while [ $i -lt 8 ]; do seq -f \"burst $i line %g\" 1 30000; i=$((i+1)); sleep 0.3; done; echo END-OF-BURSTS; exec cat";
    const t = await setup({ flood: ['sh', '-c', bursts] });
    const ref = t.chats.flood!.ref;
    try {
      await waitFor(() => t.tmuxHas('flood', 'READY'), 5000, 'up');
      const got = t.received('flood');
      let changes = 0;
      let was = false;
      const timer = setInterval(() => {
        const now = t.live.isThrottled(ref);
        if (now !== was) changes++;
        was = now;
      }, 5);
      await t.s.cli.run(['send-keys', '-t', t.paneOf('flood'), 'Enter']);
      await waitFor(() => t.tmuxHas('flood', 'END-OF-BURSTS'), 30_000, 'bursts done in tmux');
      await t.matchesTmux('flood', 'the chat shows tmux\'s screen after the bursts');
      clearInterval(timer);
      expect(changes).toBeGreaterThanOrEqual(4); // throttled and released at least twice
      expect(got()).toBeLessThan(8 * 600_000 / 2);
      expect(crashes).toEqual([]);
    } finally {
      await t.live.leaveAll();
    }
  }, 60_000);

  test('resized while throttled: ends on tmux\'s screen at the new size', async () => {
    const t = await setup({ flood: ['sh', '-c', FLOOD] });
    const ref = t.chats.flood!.ref;
    try {
      await waitFor(() => t.tmuxHas('flood', 'READY'), 5000, 'up');
      await t.s.cli.run(['send-keys', '-t', t.paneOf('flood'), 'Enter']);
      await waitFor(() => t.live.isThrottled(ref), 5000, 'throttled');
      await t.live.show([{ ref, cols: 60, rows: 15 }]);
      await waitFor(() => t.tmuxHas('flood', 'END-OF-FLOOD'), 30_000, 'flood done in tmux');
      await t.matchesTmux('flood', 'resized chat shows tmux\'s screen');
      expect(t.live.terminal(ref)!.cols).toBe(60);
      expect(t.live.terminal(ref)!.rows).toBe(15);
      expect(crashes).toEqual([]);
    } finally {
      await t.live.leaveAll();
    }
  }, 60_000);

  test('hidden while throttled: caught up and flowing, so it is paused again at its next output and its mark shows', async () => {
    const t = await setup({ idle: ['sh', '-c', 'echo IDLE-UP; exec cat'], flood: ['sh', '-c', FLOOD] });
    const ref = t.chats.flood!.ref;
    try {
      await waitFor(() => t.tmuxHas('flood', 'READY'), 5000, 'up');
      await t.s.cli.run(['send-keys', '-t', t.paneOf('flood'), 'Enter']);
      await waitFor(() => t.live.isThrottled(ref), 5000, 'throttled');
      await t.live.show([{ ref: t.chats.idle!.ref, cols: COLS, rows: ROWS }]);
      expect(t.live.isThrottled(ref)).toBe(false);
      await waitFor(() => t.live.get(ref)!.activity && t.live.isPaused(ref), 5000, 'marked and paused while hidden');
      await waitFor(() => t.tmuxHas('flood', 'END-OF-FLOOD'), 30_000, 'flood done in tmux');
      await t.live.show(t.shown);
      await t.matchesTmux('flood', 'shown again: tmux\'s screen');
      expect(crashes).toEqual([]);
    } finally {
      await t.live.leaveAll();
    }
  }, 60_000);

  test('closed, or its server killed, while throttled: no crash, nothing left running', async () => {
    const t = await setup({ a: ['sh', '-c', FLOOD], b: ['sh', '-c', FLOOD] });
    const [a, b] = [t.chats.a!.ref, t.chats.b!.ref];
    try {
      await waitFor(async () => (await t.tmuxHas('a', 'READY')) && (await t.tmuxHas('b', 'READY')), 5000, 'up');
      await t.s.cli.run(['send-keys', '-t', t.paneOf('a'), 'Enter']);
      await t.s.cli.run(['send-keys', '-t', t.paneOf('b'), 'Enter']);
      await waitFor(() => t.live.isThrottled(a) && t.live.isThrottled(b), 5000, 'both throttled');
      await t.live.closeChat(a);
      expect(t.live.isThrottled(a)).toBe(false);
      await sleep(300);
      expect(t.live.isThrottled(b)).toBe(true);
      const closed = new Promise<void>((r) => t.live.once('closed', () => r()));
      t.s.kill();
      await closed;
      await sleep(500);
      expect(t.live.isThrottled(b)).toBe(false);
      expect(crashes).toEqual([]);
    } finally {
      t.live.dispose();
    }
  }, 60_000);
});
