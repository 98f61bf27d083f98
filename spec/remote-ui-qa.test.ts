/**
 * Issue 14 as a user meets it in the UI (found by driving it over a real sshd on 127.0.0.1,
 * spec/support/sshd.ts):
 * - a rename made on a remote host by someone else (another laptop's UI, a CLI there) reaches
 *   this UI: the remote registry is not ours to watch, the chat sessions' labels are;
 * - a host whose chatmux is slow to answer (a first copy of chatmux and Node.js there, minutes
 *   on a slow link) still shows its chats at once when chatmux ran there before;
 * - a host whose ssh would ask for a key's passphrase never prompts over the UI (its prompt
 *   took the keys typed into a chat): it fails, and the status line says why;
 * - a UI with no chats of its own shows a remote host's chat once that host connects.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, cleanEnv, runProcess } from './support/chatmux-cli';
import { controlSshPids, remoteSocketName, startSshd, stopSshdAndServer, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';
import { MultiChats } from '../lib/chat/multi-chats';
import { sshChatHost } from '../lib/chat/host';
import { sshHostFrom } from '../lib/control/ssh';

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
let m: MultiChats | null = null;
let ui: UiDriver | null = null;
const rsocket = remoteSocketName();
const rp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'chatmux-rqa-'));
const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-rqa-xdg-'));
let env: NodeJS.ProcessEnv = {};
let ref = '';
let renames = 0;

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}` });
  const made = await remoteCli('chat', 'new', '--executor', 'shell', '--name', 'qa-far');
  expect([made.code, made.stderr]).toEqual([0, '']);
  ref = made.stdout.trim();
});
afterAll(() => {
  m?.detachNow();
  disposeUi(ui);
  if (sshd) stopSshdAndServer(sshd, rsocket);
  fs.rmSync(rp, { recursive: true, force: true });
  fs.rmSync(xdg, { recursive: true, force: true });
});

const remoteCli = (...args: string[]) => runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', rsocket, '--project', rp, ...args], { env });

maybe('a slow remote chatmux does not hold back the chats; a rename made there by someone else shows here', async () => {
  // The remote chatmux takes 8 s for every command (as a first copy over a slow link would).
  const slow = { ...env, CHATMUX_REMOTE_CHATMUX: `sh -c 'sleep 8; exec "$0" "$@"' ${process.execPath} ${BIN}` };
  const host = sshHostFrom('remote', slow);
  const t0 = Date.now();
  m = await MultiChats.start([{ name: 'remote', resolve: () => sshChatHost(host, rsocket, rp, slow) }], () => ({ width: 100, height: 30, env: slow }));
  const live = m;
  await waitFor(() => (live.list().find((c) => c.ref === ref) ? true : null), 15000, 'the remote chat listed');
  const shown = Date.now() - t0;
  expect(shown).toBeLessThan(6000);

  // Renamed there by another chatmux (another laptop's UI does the same).
  const name = `qa-renamed-${++renames}`;
  const renamed = await remoteCli('chat', 'rename', ref, name, '--role', 'rev');
  expect([renamed.code, renamed.stderr]).toEqual([0, '']);
  const t1 = Date.now();
  await waitFor(() => {
    const r = live.list().find((c) => c.ref === ref)?.record;
    return r?.name === name && r.role === 'rev' ? true : null;
  }, 10000, 'the new name here');
  console.log(`remote chats shown after ${shown} ms with an 8 s remote chatmux; a rename there seen after ${Date.now() - t1} ms`);
  m.detachNow();
  m = null;
}, 60000);

/**
 * The UI, with no chats of its own, over the hosts file's `remote` and `pp`: the same server,
 * with a key it accepts that has a passphrase (and no BatchMode of its own).
 */
function startUi(): UiDriver {
  const key = path.join(sshd!.dir, 'pp_key');
  if (!fs.existsSync(key)) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'not-typed-here', '-f', key], { stdio: 'ignore' });
    // The server knows the key: ssh asks for its passphrase only then.
    fs.appendFileSync(path.join(sshd!.dir, 'authorized_keys'), fs.readFileSync(`${key}.pub`));
  }
  const cfg = path.join(sshd!.dir, 'ssh_config');
  if (!fs.readFileSync(cfg, 'utf8').includes('Host pp')) fs.appendFileSync(cfg, fs.readFileSync(cfg, 'utf8').split('Host ').find((b) => b.startsWith('remote'))!.replace('remote', 'Host pp').replace(/IdentityFile \S+/, `IdentityFile ${key}`).replace(/\s*BatchMode yes/, ''));
  fs.mkdirSync(path.join(xdg, 'chatmux'), { recursive: true });
  fs.writeFileSync(path.join(xdg, 'chatmux', 'hosts'), `remote project=${rp} socket=${rsocket}\npp project=${rp} socket=${rsocket}\n`);
  const d = makeUiDriver({ width: 130, height: 30 });
  d.start({ CHATMUX_SSH: sshd!.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd!.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}`, XDG_CONFIG_HOME: xdg, SSH_AUTH_SOCK: '' });
  return d;
}

/** The UI of the last test, or a new one when it has ended (the exit test) or was never started. */
function runningUi(): UiDriver {
  if (ui && ui.exitCode() === null) return ui;
  disposeUi(ui);
  return (ui = startUi());
}

maybe('a UI with no chats of its own: the remote host\'s chat is shown once it connects; a host whose ssh wants a passphrase never prompts over the UI, and the status line says why', async () => {
  // `pp`: the same server, with a key it accepts that has a passphrase (and no BatchMode of its own).
  disposeUi(ui); // a retried run's
  const d = (ui = startUi());
  // The remote chat fills the empty screen by itself, its pane live.
  await d.waitScreen(/remote: qa-[^\n]*• shell • running/, 20000);
  await d.waitScreen(/pp: reconnecting \(attempt 1\)… \(ssh authentication failed/, 15000);
  d.type('echo typed-$((6*7))');
  d.keys('Enter');
  await d.waitScreen(/typed-42/, 10000);
  // ssh's prompt never drew over the UI (it read the keys meant for the chat).
  const seen: string[] = [];
  await waitFor(() => {
    seen.push(d.screen());
    return seen.length >= 5 ? true : null;
  }, 5000, 'a few screens');
  expect(seen.join('\n')).not.toMatch(/passphrase/i);
}, 60000);

maybe('scroll mode in a remote chat survives its host\'s reconnect: the same place in its history, still scrolling', async () => {
  const d = runningUi();
  await d.waitScreen(/remote: qa-[^\n]*• shell • running/, 20000);
  d.type('clear; seq 1 400');
  d.keys('Enter');
  await d.waitScreen(/^\S*\s*x?400\s/m, 10000);
  d.keys('C-o', 's');
  // Within the emulator's own 200 lines (older ones come from tmux in pages, later).
  d.keys('PPage', 'PPage', 'PPage');
  const firstRow = (s: string) => /x(\d+)\s+SCROLL/.exec(s)?.[1];
  // Settled: the same offset and rows twice in a row (older rows arrive from tmux in pages).
  let last = '';
  const [where, first] = await waitFor(() => {
    const screen = d.screen();
    const now = /SCROLL -(\d+)/.exec(screen);
    const seen = `${now?.[0]}|${firstRow(screen)}`;
    const settled: [string, string] | null = now && firstRow(screen) && seen === last ? [now[0], firstRow(screen)!] : null;
    last = seen;
    return settled;
  }, 10000, 'scrolled up');
  // The remote host's control connection (its ssh process) killed.
  const ssh = controlSshPids(d.uiPid()!).filter((pid) => {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[argv.indexOf('--') + 1] === 'remote';
  });
  expect(ssh.length).toBe(1);
  process.kill(ssh[0]!, 'SIGKILL');
  await d.waitScreen(/remote: reconnecting \(attempt 1\)/, 15000);
  await d.waitScreen(/remote: reconnected/, 20000);
  await waitFor(() => (firstRow(d.screen()) === first && d.screen().includes(where) ? true : null), 10000, `${where} from ${first} again:\n${d.screen()}`);
  // Still in scroll mode: a key moves it on.
  d.keys('Down');
  await d.waitScreen(`SCROLL -${Number(where.slice(8)) - 1}`, 5000);
  d.keys('q');
  await waitFor(() => (/SCROLL/.test(d.screen()) ? null : true), 5000, 'back to live');
}, 60000);

maybe('the exit prompt\'s "close all" while a host is away: its chats run on there, and chatmux says so (exit 1)', async () => {
  const d = runningUi();
  await d.waitScreen(/remote: qa-[^\n]*• shell • running/, 20000);
  // `remote` refuses new connections from now on; its control connection is cut.
  const cfg = path.join(sshd!.dir, 'ssh_config');
  const good = fs.readFileSync(cfg, 'utf8');
  const at = good.indexOf('Host remote');
  fs.writeFileSync(cfg, good.slice(0, at) + good.slice(at).replace(/Port \d+/, 'Port 1'));
  try {
    for (const pid of controlSshPids(d.uiPid()!)) process.kill(pid, 'SIGKILL');
    await d.waitScreen(/remote: reconnecting \(attempt 1\)/, 15000);
    d.keys('C-o', 'q');
    await d.waitScreen(/leave all running/);
    // Chosen per chat, each is named with its host (as on the pane borders).
    d.keys('s');
    await d.waitScreen(/leave\s+remote: qa-/);
    d.keys('Escape');
    await waitFor(() => (/leave\s+remote: qa-/.test(d.screen()) ? null : true), 5000, 'the prompt closed');
    d.keys('C-o', 'q');
    await d.waitScreen(/leave all running/);
    d.keys('c');
    await waitFor(() => (d.exitCode() !== null ? true : null), 15000, 'exit');
    expect(d.exitCode()).toBe(1);
    expect(d.screen().replace(/\s*\n\s*/g, ' ')).toMatch(/chatmux: not closed, still running: qa-\S+ (\[rev\] )?on remote \(not connected: (connection lost|connection refused)/);
  } finally {
    fs.writeFileSync(cfg, good);
  }
  const listed = await remoteCli('chat', 'list', '--json');
  expect((JSON.parse(listed.stdout) as Array<{ ref: string; lifecycle: string }>).find((c) => c.ref === ref)?.lifecycle).toBe('running');
}, 60000);
