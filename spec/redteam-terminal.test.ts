/**
 * Red team (chaos sweep, by hand): the CLI in a terminal nobody sized, and a terminal closed
 * under an attached chat. A pty that reports 0×0 columns/rows (`script`, `docker exec -t`
 * before its first resize) made `chat attach` and `chat new` fail with "width 0: use a whole
 * number of cells…" (exit 2, nothing attached); now they use the default size. Closing the
 * terminal (SIGHUP) of an attached `chat attach` ends the client and leaves the chat running.
 * Without a terminal, `chat attach` of a closed chat started it and then refused (exit 2).
 * Real tmux, the real CLI in a pty made by util-linux `script`. Runs dist/.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { BIN, chatFixture, cleanEnv, runChatmux, sessionsOf } from './support/chatmux-cli';
import { killAllTestServers, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

const haveScript = spawnSync('script', ['--version']).status === 0;

/** `chatmux args…` in a fresh 0×0 pty; stdin stays open until `end()`. */
function inPty(args: string[]): { pid: () => number | undefined; exited: Promise<number | null>; output: () => string; end: () => void } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: cleanEnv({ TERM: 'xterm' }), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { pid: () => child.pid, exited, output: () => out, end: () => child.stdin.end() };
}

/** The pid of the chatmux process (node running BIN) under `script`'s pid. */
function chatmuxUnder(scriptPid: number): number | null {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const isOurs = ppid === scriptPid || chatmuxUnderParent(ppid, scriptPid);
      if (isOurs && fs.readFileSync(`/proc/${pid}/cmdline`).includes(BIN)) return Number(pid);
    } catch {
      /* gone */
    }
  }
  return null;
}

function chatmuxUnderParent(pid: number, ancestor: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ancestor;
  } catch {
    return false;
  }
}

describe('a terminal nobody sized, and one closed', () => {
  const { t, p, g } = chatFixture();

  (haveScript ? test : test.skip)('chat new and chat attach in a 0×0 pty: default size, attached; SIGHUP of the attached chatmux leaves the chat running with no client', async () => {
    const made = inPty([...g, 'chat', 'new', '--', 'cat']);
    made.end();
    expect({ code: await made.exited, out: made.output() }).toEqual({ code: 0, out: expect.stringMatching(/^chat-1\r?\n$/) });
    expect(await runChatmux([...g, 'chat', 'close', 'chat-1'])).toMatchObject({ code: 0 });

    const att = inPty([...g, 'chat', 'attach', 'chat-1']);
    const clients = () => t.tmux('list-clients', '-F', '#{client_session}').trim();
    const attached = await Promise.race([waitFor(() => clients() !== '', 10_000, 'an attached client').then(() => true), att.exited.then(() => false)]);
    expect({ attached, out: att.output() }).toMatchObject({ attached: true });
    expect(t.tmux('display-message', '-p', '-t', '=' + clients() + ':', '#{window_width}x#{window_height}').trim()).toMatch(/^\d+x\d+$/);
    // The terminal closes: its shell's children get SIGHUP.
    const cm = chatmuxUnder(att.pid()!);
    expect(cm).not.toBeNull();
    process.kill(cm!, 'SIGHUP');
    att.end();
    await att.exited;
    await waitFor(() => clients() === '', 5000, 'the client gone');
    const listed = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'])).stdout) as { ref: string; lifecycle: string; live: boolean }[];
    expect(listed.map((c) => [c.ref, c.lifecycle, c.live])).toEqual([['chat-1', 'running', true]]);
    expect(fs.readdirSync(p.stateDir).filter((f) => /\.lock|\.tmp/.test(f))).toEqual([]);
  }, 60_000);
});

describe('chat attach with no terminal', () => {
  const { t, g } = chatFixture();

  test('is refused (exit 2) before a closed chat is started', async () => {
    expect(await runChatmux([...g, 'chat', 'new', '--', 'cat'])).toMatchObject({ code: 0 });
    expect(await runChatmux([...g, 'chat', 'close', 'chat-1'])).toMatchObject({ code: 0 });
    const res = await runChatmux([...g, 'chat', 'attach', 'chat-1']);
    expect(res).toMatchObject({ code: 2, stderr: 'chatmux: chatmux chat attach needs a terminal on stdin\n' });
    expect(sessionsOf(t)).toEqual([]);
    const listed = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'])).stdout) as { lifecycle: string }[];
    expect(listed.map((c) => c.lifecycle)).toEqual(['closed']);
  });
});
