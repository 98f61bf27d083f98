/**
 * Issue 14 from a UI's side, below blessed (MultiChats over a real sshd on 127.0.0.1,
 * spec/support/sshd.ts): a new remote chat with `--api-key-env` gets the key read here and
 * sent on stdin (in no process's argv, on either end); a dead remote agent restarts (R), a
 * closed remote chat is in the list as closed (read from the remote registry by its chatmux,
 * at connect and after changes) and starts again (Enter) — each with the key sent the same way.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, cleanEnv, runProcess } from './support/chatmux-cli';
import { remoteSocketName, startSshd, stopSshdAndServer, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { watchArgv } from './support/secrets';
import { waitFor } from './support/tmux';
import { MultiChats } from '../lib/chat/multi-chats';
import { sshChatHost } from '../lib/chat/host';
import { sshHostFrom } from '../lib/control/ssh';

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
let m: MultiChats | null = null;
const rsocket = remoteSocketName();
const rp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'chatmux-ract-'));
const secret = `h14-ui-${Math.random().toString(36).slice(2)}-key`;
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}`, H14_UI_KEY: secret });
});
afterAll(async () => {
  m?.detachNow();
  if (sshd) stopSshdAndServer(sshd, rsocket);
  fs.rmSync(rp, { recursive: true, force: true });
});

const remoteCli = (...args: string[]) => runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', rsocket, '--project', rp, ...args], { env });
const screenOf = (session: string) => sshd!.sshSync(`tmux -L ${rsocket} capture-pane -p -t '=${session}:'`);

maybe('remote chats from a UI: new with --api-key-env (key on stdin, never in argv), restart a dead agent, closed ones listed and started again', async () => {
  // A chat closed before the UI connects: listed as closed from the start.
  const pre = await remoteCli('chat', 'new', '--executor', 'shell', '--name', 'pre-closed');
  expect([pre.code, pre.stderr]).toEqual([0, '']);
  expect((await remoteCli('chat', 'close', pre.stdout.trim())).code).toBe(0);

  const host = sshHostFrom('remote', env);
  m = await MultiChats.start([{ name: 'remote', resolve: () => sshChatHost(host, rsocket, rp, env) }], () => ({ width: 100, height: 30, env }));
  const live = m;
  await waitFor(() => (live.list().find((c) => c.record.name === 'pre-closed')?.record.state === 'closed' ? true : null), 20000, 'the closed chat listed');

  // Every process's argv, on both ends (one machine), watched while the UI works.
  const watched = watchArgv(secret);
  let seen: string[] = [];
  try {
    const key = await live.newChat({ executor: 'cmd', name: 'keyed', apiKeyEnv: 'H14_UI_KEY', argv: ['sh', '-c', 'printf "keylen=%s run=%s\\n" "${#H14_UI_KEY}" "$$"; read x; exit 3'] }, 'remote');
    const session = () => live.get(key)!.record.session;
    const keyShown = async () => waitFor(() => (/keylen=(\d+) run=(\d+)/.exec(screenOf(session())) ?? null), 15000, 'the key length on the remote screen');
    const first = await keyShown();
    expect(first[1]).toBe(String(secret.length));

    // Its program ends: R starts it again there, with the key.
    await waitFor(() => (live.get(key)?.paneId ? true : null), 10000, 'its pane');
    await live.sendKeys(key, Buffer.from('\r'));
    await waitFor(() => (live.get(key)?.dead ? true : null), 15000, 'the agent ended');
    await live.restartChat(key);
    const again = await waitFor(() => {
      const r = /keylen=(\d+) run=(\d+)/.exec(screenOf(session()));
      return r && r[2] !== first[2] && !live.get(key)?.dead ? r : null;
    }, 15000, 'restarted');
    expect(again[1]).toBe(String(secret.length));

    // Closed: it stays in the list as closed; Enter starts it again there, with the key.
    await live.closeChat(key);
    await waitFor(() => (live.get(key)?.record.state === 'closed' && !live.get(key)?.paneId ? true : null), 15000, 'listed as closed');
    await live.openChat(key);
    await waitFor(() => (live.get(key)?.record.state === 'running' && live.get(key)?.paneId ? true : null), 15000, 'running again');
    expect((await keyShown())[1]).toBe(String(secret.length));
  } finally {
    seen = await watched();
  }
  expect(seen).toEqual([]);
  await live.closeAll();
  m = null;
  const listed = await remoteCli('chat', 'list', '--json');
  expect((JSON.parse(listed.stdout) as Array<{ name: string; lifecycle: string }>).map((c) => `${c.name}:${c.lifecycle}`).sort()).toEqual(['keyed:closed', 'pre-closed:closed']);
}, 90000);
