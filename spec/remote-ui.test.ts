/**
 * Issue 14: the UI of one remote host, `chatmux --host DEST` in a terminal: it runs here and
 * shows DEST's chats over its own control connection (--project, --socket and --state-dir are
 * DEST's), while `chat attach` runs on DEST over `ssh -t` (lib/cli/remote.ts). Driven like a
 * person in an outer private tmux; "remote" is this machine over a real sshd on 127.0.0.1
 * (spec/support/sshd.ts).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { shellQuote } from '../lib/control/commands';
import { tmuxEnv } from '../lib/control/server';
import { BIN, cleanEnv, runProcess, tempProject } from './support/chatmux-cli';
import { remoteSocketName, startSshd, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { killTestServer, testSocketName, waitFor } from './support/tmux';

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
const socket = remoteSocketName();
const outer = `${testSocketName()}-outer`;
const p = tempProject();
const outerTmux = (...args: string[]) => execFileSync('tmux', ['-L', outer, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const screen = (session = 'ui') => outerTmux('capture-pane', '-p', '-t', `=${session}:`);
async function waitScreen(re: RegExp, timeoutMs = 20000, session = 'ui'): Promise<string> {
  let last = '';
  try {
    return await waitFor(() => ((last = screen(session)), re.test(last) ? last : null), timeoutMs, `screen to show ${re}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- screen ---\n${last}`);
  }
}

beforeAll(async () => {
  if (!skip) sshd = await startSshd();
});
afterAll(() => {
  killTestServer(outer);
  if (sshd) {
    try {
      sshd.sshSync(`tmux -L ${socket} kill-server`);
    } catch {
      /* not running */
    }
    sshd.stop();
  }
  p.cleanup();
});

let env: Record<string, string> = {};
const g = ['--host', 'remote', '--socket', socket, '--project', p.project, '--state-dir', p.stateDir];

/** Start `chatmux <global options> <args>` in a terminal (a session of the outer tmux). */
function inTerminal(session: string, args: string[]): void {
  const vars = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
  const cmd = `env ${vars} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${[...g, ...args].map(shellQuote).join(' ')}; echo EXIT=$?; sleep 600`;
  outerTmux('new-session', '-d', '-s', session, '-x', '140', '-y', '40', cmd);
  outerTmux('resize-window', '-t', `=${session}:`, '-x', '140', '-y', '40');
}

maybe('chatmux --host DEST shows the remote chats; typing reaches the remote chat; quitting leaves it running there', async () => {
  const s = sshd!;
  env = { CHATMUX_SSH: s.sshCommand, CHATMUX_SSH_CONTROL_DIR: s.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}` };
  const made = await runProcess(process.execPath, [BIN, ...g, 'chat', 'new', '--executor', 'shell', '--name', 'far-away-h10'], { env: cleanEnv(env) });
  expect([made.code, made.stderr]).toEqual([0, '']);

  inTerminal('ui', []);
  // Typed text goes to the chat once the UI shows it running (keys before that are the UI's).
  await waitScreen(/far-away-h10 • shell • running/);
  outerTmux('send-keys', '-t', '=ui:', '-l', 'echo typed-$((6*7))-over-ssh');
  outerTmux('send-keys', '-t', '=ui:', 'Enter');
  await waitScreen(/typed-42-over-ssh/);
  // Quit through the exit prompt, leaving the chat running (a / Enter = leave all running).
  outerTmux('send-keys', '-t', '=ui:', 'C-o', 'q');
  await new Promise((r) => setTimeout(r, 300));
  outerTmux('send-keys', '-t', '=ui:', 'a');
  await waitScreen(/EXIT=0/);
  const listed = await runProcess(process.execPath, [BIN, ...g, 'chat', 'list', '--json'], { env: cleanEnv(env) });
  expect((JSON.parse(listed.stdout) as Array<{ name: string; state: string }>).map((c) => c.name)).toEqual(['far-away-h10']);
  expect(s.sshSync(`tmux -L ${socket} list-panes -a -F '#{pane_current_command}'`)).toMatch(/bash|sh/);
});

maybe('chatmux --host DEST chat attach REF: the terminal shows the remote chat and types into it', async () => {
  const made = await runProcess(process.execPath, [BIN, ...g, 'chat', 'new', '--executor', 'shell', '--name', 'attach-me'], { env: cleanEnv(env) });
  expect([made.code, made.stderr]).toEqual([0, '']);
  inTerminal('att', ['chat', 'attach', made.stdout.trim()]);
  await waitScreen(/proj#/, 20000, 'att');
  outerTmux('send-keys', '-t', '=att:', '-l', 'echo attached-$((5*5))');
  outerTmux('send-keys', '-t', '=att:', 'Enter');
  await waitScreen(/^attached-25/m, 20000, 'att');
});
