/**
 * Issue 14.3 and 14.4 in the real UI (driven in an outer private tmux, spec/support/ui-driver):
 * this machine's chats and a "remote" host's (this machine over a real sshd on 127.0.0.1,
 * spec/support/sshd.ts, named in the hosts file) in one tree grouped by host; Alt+arrows and
 * typing across hosts; the ssh process killed, then the server-side sshd stopped: that host's
 * pane says "reconnecting (attempt N)" within 15 s while the local chat stays usable, and its
 * screen comes back by itself; the inspector shows both hosts; leaving keeps the remote chat
 * and leaves no view session there.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, cleanEnv, runProcess } from './support/chatmux-cli';
import { addBrokenAliases, controlSshPids, descendantsOf, remoteSocketName, serverSideSshd, startSshd, stopSshdAndServer, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
let ui: UiDriver | null = null;
const rsocket = remoteSocketName();
const rp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'chatmux-rproj-'));
const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-xdg-'));
const stopped: number[] = [];
let env: Record<string, string> = {};

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  env = { CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}`, XDG_CONFIG_HOME: xdg };
  fs.mkdirSync(path.join(xdg, 'chatmux'));
  // `refused`: a host that is down (a closed port) — shown, retried, never in the way.
  addBrokenAliases(sshd);
  fs.writeFileSync(path.join(xdg, 'chatmux', 'hosts'), `# test hosts\nremote project=${rp} socket=${rsocket}\nrefused\n`);
  const g = ['--host', 'remote', '--socket', rsocket, '--project', rp];
  const made = await runProcess(process.execPath, [BIN, ...g, 'chat', 'new', '--executor', 'shell', '--name', 'far-h14'], { env: cleanEnv(env) });
  expect([made.code, made.stderr]).toEqual([0, '']);
  await runProcess(process.execPath, [BIN, ...g, 'chat', 'send', 'chat-1', 'echo far-marker-$((6*7))'], { env: cleanEnv(env) });
});
afterAll(() => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
  ui?.stop();
  if (ui) fs.rmSync(ui.project, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  if (sshd) stopSshdAndServer(sshd, rsocket);
  fs.rmSync(rp, { recursive: true, force: true });
  fs.rmSync(xdg, { recursive: true, force: true });
});

const remoteViews = () =>
  sshd!.sshSync(`tmux -L ${rsocket} list-sessions -F '#{session_name} #{@chatmux-view}' 2>/dev/null || true`).split('\n').filter((l) => l.endsWith(' 1'));

/**
 * `key` starts the focused remote chat (the status line says `doing` until it is done); then it
 * runs: `line` typed there shows `echo`.
 */
async function startedBy(d: UiDriver, key: () => void, doing: string, line: string, echo: RegExp): Promise<void> {
  key();
  await d.waitScreen(doing, 10000);
  await waitFor(() => (d.screen().includes(doing) ? null : true), 20000, `${doing} done`);
  await d.waitScreen(/only-far • shell • running/, 20000);
  d.type(line);
  d.keys('Enter');
  await d.waitScreen(echo, 15000);
}

/** Time from now until the screen shows `re` (ms). */
async function timeUntil(d: UiDriver, re: RegExp, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await d.waitScreen(re, timeoutMs);
  return Date.now() - t0;
}

maybe('local and remote chats in one tree by host; Alt+arrows and typing across hosts; drops show "reconnecting (attempt N)" and restore; the local chat stays usable', async () => {
  if (ui) {
    // A retried run: the last run's UI and its view sessions go first.
    ui.stop();
    for (const l of remoteViews()) sshd!.sshSync(`tmux -L ${rsocket} kill-session -t '=${l.split(' ')[0]}'`);
  }
  ui = makeUiDriver({ width: 150, height: 40 });
  const d = ui;
  expect(d.cli('chat', 'new', '--executor', 'shell', '--name', 'near-h14').code).toBe(0);
  d.start(env);
  // One tree, grouped by host, each host's chats under its heading.
  const tree = await d.waitScreen(/▾local[\s\S]*near-h14[\s\S]*▾remote[\s\S]*far-h14/, 30000);
  expect(tree).toMatch(/near-h14 • shell • running/);
  // The host that is down has its heading, saying so; the others work.
  await d.waitScreen(/▾refused reconnecting \(attempt \d+\)/, 15000);
  // Alt+→ crosses to the remote host's chat; its screen was restored over ssh.
  d.keys('M-Right');
  // The pane's border names the host.
  await d.waitScreen(/remote: far-h14 • shell • running[\s\S]*far-marker-42/, 20000);
  d.type('echo far-typed-$((7*7))');
  d.keys('Enter');
  await d.waitScreen(/far-typed-49/);
  const firstView = remoteViews();
  expect(firstView.length).toBe(1);

  // 1. The ssh process killed.
  const pids = controlSshPids(d.uiPid()!);
  expect(pids.length).toBe(1);
  process.kill(pids[0]!, 'SIGKILL');
  const killedNoticed = await timeUntil(d, /remote: reconnecting \(attempt 1\)/, 15000);
  const killedRestored = killedNoticed + (await timeUntil(d, /remote: reconnected/, 20000));
  await d.waitScreen(/far-h14 • shell • running[\s\S]*far-typed-49/);
  expect(remoteViews().length).toBe(1);
  expect(remoteViews()).not.toEqual(firstView);

  // 2. The server side hung: the keep-alives notice within 15 s.
  const view = remoteViews()[0]!.split(' ')[0]!;
  const hung = serverSideSshd(sshd!, rsocket, (s) => s === view);
  process.kill(hung, 'SIGSTOP');
  stopped.push(hung);
  const t0 = Date.now();
  // The remote chat's pane says so (the status line too).
  const screen = await d.waitScreen(/remote: reconnecting \(attempt \d+\)… — the chat keeps running there/, 15000);
  const hungNoticed = Date.now() - t0;
  expect(screen).toMatch(/far-h14/);
  // Keys typed into it meanwhile are not sent, and the UI says so.
  d.type('x');
  await d.waitScreen(/remote: reconnecting \(attempt \d+\) — keys not sent/);
  // Meanwhile this machine's chat is unaffected: Alt+← back to it, type, see the echo.
  d.keys('M-Left');
  await d.waitScreen(/near-h14 • shell • running/);
  d.type('echo near-typed-$((8*8))');
  d.keys('Enter');
  await d.waitScreen(/near-typed-64/);
  await d.waitScreen(/▾remote\s+connected|▾remote \(1\)/, 20000);
  const hungRestored = Date.now() - t0;
  console.log(`UI: drop noticed / screen back: ssh killed ${killedNoticed} / ${killedRestored} ms; sshd stopped ${hungNoticed} / ${hungRestored} ms`);
  // The hung connection's view session was removed by the reconnect (its client still hangs).
  expect(remoteViews().length).toBe(1);
  expect(remoteViews()[0]!.split(' ')[0]).not.toBe(view);
  d.keys('M-Right');
  await d.waitScreen(/far-h14 • shell • running[\s\S]*far-typed-49/);

  // This machine's control connection (the UI's own tmux -C) killed: the same reconnect.
  const localViews = () => d.tmux('list-sessions', '-F', '#{session_name} #{@chatmux-view}').split('\n').filter((l) => l.endsWith(' 1'));
  expect(localViews().length).toBe(1);
  const tmuxC = descendantsOf(d.uiPid()!).filter((pid) => {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(argv[0]!) === 'tmux' && argv.includes('-C');
  });
  expect(tmuxC.length).toBe(1);
  process.kill(tmuxC[0]!, 'SIGKILL');
  await d.waitScreen(/tmux: reconnecting \(attempt 1\)/, 5000);
  await d.waitScreen(/tmux: reconnected/, 10000);
  d.keys('M-Left');
  await d.waitScreen(/near-h14 • shell • running[\s\S]*near-typed-64/, 15000);
  expect(localViews().length).toBe(1);
  d.keys('M-Right');
  await d.waitScreen(/far-h14 • shell • running[\s\S]*far-typed-49/);

  // Layouts span hosts: the split shows this machine's chat and the remote one side by side.
  d.keys('C-o', 'l');
  await d.waitScreen(/near-h14 • shell • running[^\n]*far-h14 • shell • running[\s\S]*near-typed-64[\s\S]*far-typed-49|far-h14 • shell • running[^\n]*near-h14 • shell • running/);
  d.keys('C-o', 'l', 'C-o', 'l');

  // The inspector shows both hosts' tmux.
  d.keys('C-o', 'i');
  await d.waitScreen(/\[local\][\s\S]*\[remote\][\s\S]*far-h14/);
  d.keys('Escape');
  await waitFor(() => (/\[remote\]/.test(d.screen()) ? null : true), 5000, 'inspector closed');

  // The exit prompt covers both hosts: c closes every chat, here and there (the remote one by
  // its own chatmux), and no view session stays on the remote.
  d.keys('C-o', 'q');
  await d.waitScreen(/leave all running/);
  d.keys('c');
  await waitFor(() => d.exitCode() !== null, 15000, 'exit');
  expect(d.exitCode()).toBe(0);
  await waitFor(() => (remoteViews().length === 0 ? true : null), 5000, 'no view session on the remote');
  const remoteList = await runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', rsocket, '--project', rp, 'chat', 'list', '--json'], { env: cleanEnv(env) });
  expect((JSON.parse(remoteList.stdout) as Array<{ name: string; lifecycle: string }>).map((c) => `${c.name}:${c.lifecycle}`)).toEqual(['far-h14:closed']);
  expect((JSON.parse(d.cli('chat', 'list', '--json').stdout) as Array<{ name: string; lifecycle: string }>).map((c) => `${c.name}:${c.lifecycle}`)).toEqual(['near-h14:closed']);
}, 120000);

maybe('chatmux --host DEST (no command): the UI runs here and shows only that host\'s chats (its socket and folder from the hosts file), reconnecting by itself; no local tmux connection', async () => {
  const d = makeUiDriver({ width: 120, height: 30 });
  try {
    const g = ['--host', 'remote', '--socket', rsocket, '--project', rp];
    const made = await runProcess(process.execPath, [BIN, ...g, 'chat', 'new', '--executor', 'shell', '--name', 'only-far'], { env: cleanEnv(env) });
    expect([made.code, made.stderr]).toEqual([0, '']);
    expect(d.cli('chat', 'new', '--executor', 'shell', '--name', 'only-near').code).toBe(0);
    d.start({ ...env, CHATMUX_HOST: 'remote' });
    // The remote host's heading and chat; neither this machine's chat nor the hosts file's other host.
    const screen = await d.waitScreen(/▾remote \(\d+\)[\s\S]*only-far/, 30000);
    expect(screen).not.toMatch(/only-near|▾local|▾refused/);
    // Its pane is live: typed keys reach the remote shell.
    d.keys('M-Right');
    await d.waitScreen(/only-far • shell • running/);
    d.type('echo only-typed-$((5*5))');
    d.keys('Enter');
    await d.waitScreen(/only-typed-25/, 10000);
    // The UI's process runs here: one ssh control connection, no tmux client of this machine.
    const ssh = controlSshPids(d.uiPid()!);
    expect(ssh.length).toBe(1);
    const localTmux = descendantsOf(d.uiPid()!).filter((pid) => {
      try {
        return path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!) === 'tmux';
      } catch {
        return false;
      }
    });
    expect(localTmux).toEqual([]);
    // A drop: it reconnects by itself and the screen comes back.
    process.kill(ssh[0]!, 'SIGKILL');
    await d.waitScreen(/remote: reconnecting \(attempt 1\)/, 15000);
    await d.waitScreen(/remote: reconnected/, 20000);
    await d.waitScreen(/only-far • shell • running[\s\S]*only-typed-25/, 15000);
    // Its shell ends: R starts it again there (the remote chatmux's chat start).
    d.type('exit');
    d.keys('Enter');
    await d.waitScreen(/only-far • shell • dead/, 15000);
    await startedBy(d, () => d.type('R'), 'restarting…', 'echo back-$((6*6))', /back-36/);
    // Closed from elsewhere (the CLI): it stays in the tree as closed (the remote registry, read
    // by the remote chatmux); Enter starts it again.
    expect((await runProcess(process.execPath, [BIN, ...g, 'chat', 'close', made.stdout.trim()], { env: cleanEnv(env) })).code).toBe(0);
    await d.waitScreen(/only-far • shell • closed/, 20000);
    await startedBy(d, () => d.keys('Enter'), 'starting…', 'echo fresh-$((9*9))', /fresh-81/);
    d.keys('C-o', 'q');
    await d.waitScreen(/leave all running/);
    d.keys('a');
    await waitFor(() => d.exitCode() !== null, 15000, 'exit');
    expect(d.exitCode()).toBe(0);
    // The remote chat runs on; this machine's was never touched (no view session here).
    const list = await runProcess(process.execPath, [BIN, ...g, 'chat', 'list', '--json'], { env: cleanEnv(env) });
    expect((JSON.parse(list.stdout) as Array<{ name: string; lifecycle: string }>).filter((c) => c.name === 'only-far').map((c) => c.lifecycle)).toEqual(['running']);
    expect(d.tmux('list-sessions', '-F', '#{@chatmux-view}').split('\n')).not.toContain('1');
    await runProcess(process.execPath, [BIN, ...g, 'chat', 'close', 'only-far'], { env: cleanEnv(env) });
  } finally {
    d.stop();
    fs.rmSync(d.project, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}, 90000);
