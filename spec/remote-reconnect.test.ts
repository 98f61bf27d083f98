/**
 * Issue 14.4, below the UI: one remote host's chats (HostChats over a real sshd on 127.0.0.1,
 * spec/support/sshd.ts) survive the ssh process being killed and the server side hanging
 * (SIGSTOP of the sshd process serving the control connection): the link says
 * "reconnecting (attempt N)" within 15 s, comes back by itself, restores the screens, removes
 * the dropped connection's view session, and the chat never stops.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sshHostFrom } from '../lib/control/ssh';
import { sshChatHost } from '../lib/chat/host';
import { HostChats } from '../lib/chat/host-chats';
import { describeLink } from '../lib/chat/multi-chats';
import type { PaneTerminal } from '../lib/terminal/pane-terminal';
import { BIN, cleanEnv, runProcess } from './support/chatmux-cli';
import { controlSshPids, remoteSocketName, serverSideSshd, startSshd, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { waitFor } from './support/tmux';

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
let hc: HostChats | null = null;
const socket = remoteSocketName();
const rp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'chatmux-rproj-'));
let env: NodeJS.ProcessEnv = {};
const stopped: number[] = [];

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}` });
  const made = await runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', socket, '--project', rp, 'chat', 'new', '--executor', 'shell', '--name', 'far-h14'], { env });
  expect([made.code, made.stderr]).toEqual([0, '']);
  await runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', socket, '--project', rp, 'chat', 'send', 'chat-1', 'echo marker-$((6*7))'], { env });
});
afterAll(async () => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
  hc?.stop();
  if (hc) await hc.live?.leaveAll().catch(() => {});
  if (sshd) {
    try {
      sshd.sshSync(`tmux -L ${socket} kill-server`);
    } catch {
      /* not running */
    }
    sshd.stop();
  }
  fs.rmSync(rp, { recursive: true, force: true });
});

/** Our ssh process carrying the control connection (its own link: ControlPath=none). */
function controlSsh(): number {
  const pids = controlSshPids(process.pid);
  expect(pids.length).toBe(1);
  return pids[0]!;
}

const text = (t: PaneTerminal | null) => (t ? Array.from({ length: t.rows }, (_, i) => t.rowText(i)).join('\n') : '');
const shows = (re: RegExp) => () => (re.test(text(hc!.live!.terminal('chat-1'))) ? true : null);

const viewSessions = () => sshd!.sshSync(`tmux -L ${socket} list-sessions -F '#{session_name} #{@chatmux-view}'`).split('\n').filter((l) => l.endsWith(' 1'));

/** Wait for the link to leave 'up', then to be up again; the times (ms) from `t0`. */
async function dropAndBack(t0: number): Promise<{ noticed: number; restored: number; seen: string[] }> {
  const seen: string[] = [];
  let noticed = 0;
  const onLink = () => {
    const s = hc!.link;
    if (s.kind === 'reconnecting') {
      if (!noticed) noticed = Date.now() - t0;
      seen.push(describeLink(s));
    }
  };
  hc!.on('link', onLink);
  const restored = await new Promise<number>((resolve) =>
    hc!.once('reconnected', () => {
      const live = hc!.live!;
      void waitFor(() => (/marker-42/.test(text(live.terminal('chat-1'))) ? true : null), 20000, 'restored screen').then(() => resolve(Date.now() - t0));
    }),
  );
  hc!.off('link', onLink);
  return { noticed, restored, seen };
}

maybe('ssh killed, then the server side hung: reconnecting (attempt N) within 15 s, back by itself, screens restored, no stale view session', async () => {
  if (hc) {
    // A retried run: the last one's connection goes first.
    hc.stop();
    await hc.live?.leaveAll();
  }
  const host = await sshChatHost(sshHostFrom('remote', env), socket, rp, env);
  expect(host.ctx.project).toBe(rp);
  hc = new HostChats(host, () => ({ width: 100, height: 30 }));
  await hc.start();
  expect(hc.live!.list().map((c) => c.record.name)).toEqual(['far-h14']);
  const chatPid = hc.live!.list()[0]!.record;
  await hc.live!.show([{ ref: 'chat-1', cols: 98, rows: 28 }]);
  await waitFor(shows(/marker-42/), 20000, 'first screen');
  const panePid = sshd!.sshSync(`tmux -L ${socket} list-panes -a -F '#{pane_pid} #{session_name}'`).split('\n').find((l) => /chat-1$/.test(l));
  const firstView = hc.live!.viewSession;

  // 1. The ssh process killed.
  let t0 = Date.now();
  process.kill(controlSsh(), 'SIGKILL');
  const killed = await dropAndBack(t0);
  expect(killed.seen[0]).toBe('reconnecting (attempt 1)');
  expect(killed.noticed).toBeLessThan(15000);
  expect(hc.live!.viewSession).not.toBe(firstView);
  await hc.live!.show([{ ref: 'chat-1', cols: 98, rows: 28 }]);

  // 2. The server side hung: ssh's keep-alives notice.
  const view = hc.live!.viewSession;
  const hung = serverSideSshd(sshd!, socket, (s) => s === view);
  const secondView = hc.live!.viewSession;
  t0 = Date.now();
  process.kill(hung, 'SIGSTOP');
  stopped.push(hung);
  const stalled = await dropAndBack(t0);
  expect(stalled.seen[0]).toBe('reconnecting (attempt 1)');
  expect(stalled.noticed).toBeLessThan(15000);
  console.log(`drop noticed / screens restored: ssh killed ${killed.noticed} / ${killed.restored} ms; sshd stopped ${stalled.noticed} / ${stalled.restored} ms`);

  // The hung connection's view session went with the reconnect, though its client still hangs.
  expect(viewSessions().map((l) => l.split(' ')[0])).toEqual([hc.live!.viewSession]);
  expect(hc.live!.viewSession).not.toBe(secondView);
  // The chat never stopped: same process, still typing through the new connection.
  expect(sshd!.sshSync(`tmux -L ${socket} list-panes -a -F '#{pane_pid} #{session_name}'`).split('\n').find((l) => /chat-1$/.test(l))).toBe(panePid);
  await hc.live!.sendKeys('chat-1', Buffer.from('echo after-$((7*7))\r'));
  await waitFor(shows(/after-49/), 10000, 'typed after reconnect');
  expect(chatPid.name).toBe('far-h14');
}, 90000);

maybe('a UI that is first on a remote starts its tmux server as chatmux would (its config: remain-on-exit)', async () => {
  const socket2 = remoteSocketName();
  const rp2 = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'chatmux-rproj-'));
  const fresh = new HostChats(await sshChatHost(sshHostFrom('remote', env), socket2, rp2, env), () => ({ width: 80, height: 24 }));
  try {
    await fresh.start();
    expect(sshd!.sshSync(`tmux -L ${socket2} show-options -gv remain-on-exit`).trim()).toBe('on');
  } finally {
    fresh.stop();
    await fresh.live?.leaveAll().catch(() => {});
    try {
      sshd!.sshSync(`tmux -L ${socket2} kill-server`);
    } catch {
      /* exited with its last session */
    }
    fs.rmSync(rp2, { recursive: true, force: true });
  }
});
