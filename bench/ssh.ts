/**
 * Remote hosts over loopback ssh (issue 14), against a real sshd on 127.0.0.1 (spec/support/sshd.ts):
 * - keystroke → echo p50 through `chatmux --host remote` (the UI of that host, in a PTY) against
 *   `ssh -t remote tmux attach` in a PTY (goal: no slower);
 * - a 50 MB flood read through chatmux's ssh control connection (connectOverSsh with the UI's link
 *   options, the control-mode parser) against a bare `ssh remote tmux -C attach` (goal ≤ 1.15×).
 * Part of `npm run bench` (group `ssh`; BENCH_ONLY=ssh for it alone).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { connectOverSsh } from '../lib/control/ssh-transport';
import { CONTROL_KEEPALIVE, sshHostFrom } from '../lib/control/ssh';
import { sshdUnavailable, startSshd, type TestSshd } from '../spec/support/sshd';
import { median, percentile, type Figure } from './report';
import { ECHO_PROGRAM, floodFile, floodLoop, floorFigures, relayEcho, REPS, typeKeys, verdictRatio, withTimeout, COLS, ROWS } from './e2e';
import { benchSocket, CHATMUX, cleanEnv, killServer, makeProject, now, runInPty, screenHas, sleep, stopUi, tmux, type PtyRun } from './harness';

const envNum = (name: string, dflt: number): number => (process.env[name] ? Number(process.env[name]) : dflt);
const PACE_MS = envNum('BENCH_KEY_PACE_MS', 30);

/** The environment of a local chatmux that reaches the test sshd (and runs this checkout there). */
function sshEnv(sshd: TestSshd): Record<string, string> {
  return cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${CHATMUX}` });
}

/** A plain ssh to the test server (its own connection, no sharing: what a user types). */
const plainSsh = (sshd: TestSshd): string[] => ['-F', path.join(sshd.dir, 'ssh_config')];

export async function sshFigures(tmp: string): Promise<Figure[]> {
  const skip = sshdUnavailable();
  if (skip) return [{ name: `ssh: ${skip}`, value: NaN, unit: '' }];
  const sshd = await startSshd();
  try {
    return [...(await sshEcho(sshd)), ...(await sshFlood(sshd, tmp))];
  } finally {
    sshd.stop();
  }
}

async function sshEcho(sshd: TestSshd): Promise<Figure[]> {
  const keys = envNum('BENCH_KEYS', 200);
  const p = makeProject();
  const nestedSocket = benchSocket();
  const env = sshEnv(sshd);
  const globals = ['--host', 'remote', '--socket', p.socket, '--project', p.project, '--state-dir', p.stateDir];
  const chatmux = { p50: [] as number[], p99: [] as number[] };
  const attach = { p50: [] as number[], p99: [] as number[] };
  const chatAttach: number[] = [];
  const relays = { client: { p50: [] as number[], p99: [] as number[], rt: [] as number[] }, raw: { p50: [] as number[], p99: [] as number[], rt: [] as number[] } };
  let ui: PtyRun | null = null;
  try {
    execFileSync(process.execPath, [CHATMUX, ...globals, 'chat', 'new', '--executor', 'cmd', '--name', 'echo', '--', ...ECHO_PROGRAM], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    ui = runInPty(process.execPath, [CHATMUX, ...globals], { cols: COLS, rows: ROWS, cwd: p.project, env });
    await ui.until(screenHas('echo • cmd • running'), 30000, 'echo chat shown through chatmux --host');
    // The reference: the same program in a session of its own, attached with plain tmux over ssh -t.
    tmux(nestedSocket, 'new-session', '-d', '-s', 'echo', '-x', String(COLS), '-y', String(ROWS), ...ECHO_PROGRAM);
    await sleep(800);
    for (let r = 1; r <= REPS; r++) {
      const lat = await typeKeys(ui, keys, { pauseMs: PACE_MS, lineTag: `c${r}-` });
      chatmux.p50.push(percentile(lat, 50));
      chatmux.p99.push(percentile(lat, 99));
      // chatmux --host chat attach: plain tmux attach on the remote, under ssh -t.
      const attached = runInPty(process.execPath, [CHATMUX, ...globals, 'chat', 'attach', 'chat-1'], { cols: COLS, rows: ROWS, cwd: p.project, env });
      try {
        await attached.until(screenHas('Ctrl+\\'), 20000, 'chat attach status line over ssh');
        await sleep(300);
        chatAttach.push(percentile(await typeKeys(attached, keys, { pauseMs: PACE_MS, lineTag: `a${r}-` }), 50));
      } finally {
        await attached.kill();
      }
      const nested = runInPty('ssh', [...plainSsh(sshd), '-t', 'remote', `tmux -u -L ${nestedSocket} attach -t =echo`], { cols: COLS, rows: ROWS, env: cleanEnv() });
      try {
        await nested.until((s) => s.text().includes('[echo]'), 15000, 'tmux attach status line over ssh');
        await sleep(300);
        const nl = await typeKeys(nested, keys, { pauseMs: PACE_MS, lineTag: `n${r}-` });
        attach.p50.push(percentile(nl, 50));
        attach.p99.push(percentile(nl, 99));
      } finally {
        await nested.kill();
      }
      // The floor: the bare relay over `ssh -T remote tmux -C`, on the reference's pane.
      const pane = tmux(nestedSocket, 'display-message', '-p', '-t', '=echo:', '#{pane_id}').trim();
      for (const mode of ['client', 'raw'] as const) {
        const t = await relayEcho({ mode, socket: nestedSocket, target: '=echo', pane, sshDest: 'remote' }, keys, `${mode}${r}-`, env);
        relays[mode].p50.push(percentile(t.lat, 50));
        relays[mode].p99.push(percentile(t.lat, 99));
        relays[mode].rt.push(median(t.roundTrip));
      }
    }
  } finally {
    if (ui) await stopUi(ui);
    killServer(nestedSocket);
    await p.dispose();
  }
  const c50 = median(chatmux.p50);
  const a50 = median(attach.p50);
  return [
    {
      name: `ssh: keystroke → echo p50 through chatmux --host (${keys} keys, loopback sshd)`,
      value: c50, min: Math.min(...chatmux.p50), max: Math.max(...chatmux.p50), unit: 'ms',
      reference: `ssh -t remote tmux attach in a PTY: ${a50.toFixed(2)} ms (${Math.min(...attach.p50).toFixed(2)}–${Math.max(...attach.p50).toFixed(2)})`,
      target: '≤ reference',
      verdict: verdictRatio(c50 / a50, 1),
      note: `${(c50 / a50).toFixed(2)}× reference; p99 ${median(chatmux.p99).toFixed(2)} ms vs ${median(attach.p99).toFixed(2)} ms; min–max over ${REPS} runs`,
    },
    {
      name: `ssh: keystroke → echo p50 through chatmux --host chat attach (${keys} keys)`,
      value: median(chatAttach), min: Math.min(...chatAttach), max: Math.max(...chatAttach), unit: 'ms',
      reference: `ssh -t remote tmux attach: ${a50.toFixed(2)} ms`,
      target: '≤ reference',
      verdict: verdictRatio(median(chatAttach) / a50, 1),
      note: `${(median(chatAttach) / a50).toFixed(2)}× reference`,
    },
    ...floorFigures(relays.client, relays.client.rt, 'ControlClient', c50, 'ssh: '),
    ...floorFigures(relays.raw, relays.raw.rt, 'raw pipes', c50, 'ssh: '),
  ];
}

/** Seconds from the trigger until `mark` shows in a stream of tmux control-mode lines. */
function markWatcher(): { feed: (text: string) => void; wait: (mark: string) => Promise<number> } {
  let tail = '';
  let waiting: { mark: string; resolve: (t: number) => void } | null = null;
  return {
    feed(text) {
      // Keep a short tail to spot the end mark across %output lines.
      tail = (tail + text).slice(-4096);
      if (waiting && tail.replace(/\n%output %\d+ /g, '').includes(waiting.mark)) {
        const w = waiting;
        waiting = null;
        w.resolve(now());
      }
    },
    wait: (mark) => {
      tail = '';
      return new Promise((resolve) => (waiting = { mark, resolve }));
    },
  };
}

async function sshFlood(sshd: TestSshd, tmp: string): Promise<Figure[]> {
  const mb = envNum('BENCH_FLOOD_MB', 50);
  const file = floodFile(tmp, mb);
  const socket = benchSocket();
  const host = sshHostFrom('remote', sshEnv(sshd));
  const viaChatmux: number[] = [];
  const viaBare: number[] = [];
  let mark = 0;
  const timed = async (w: ReturnType<typeof markWatcher>): Promise<number> => {
    const m = `FLOOD-END-${++mark}.`;
    const done = w.wait(m);
    const t0 = now();
    tmux(socket, 'send-keys', '-t', '=flood:', 'Enter');
    return ((await withTimeout(done, 300000, `flood ${m}`)) - t0) / 1000;
  };
  try {
    tmux(socket, 'new-session', '-d', '-s', 'flood', '-x', String(COLS), '-y', String(ROWS), ...floodLoop(file));
    // One client attached at a time (a second would compete for the same CPU); connecting is not timed.
    for (let r = 1; r <= REPS; r++) {
      // chatmux's control connection as the UI opens it (its own ssh link, fast keep-alives; see
      // lib/chat/host.ts), without flow control: every byte comes through, as for the bare client.
      const client = await connectOverSsh(host, { server: { socket }, target: { attach: '=flood' }, pauseAfter: null }, { share: false, keepAlive: CONTROL_KEEPALIVE });
      const cw = markWatcher();
      client.on('output', (_pane, data) => cw.feed(data.toString('latin1')));
      await sleep(500);
      viaChatmux.push(await timed(cw));
      await client.close();
      await sleep(300);
      // The reference: a bare control client over its own ssh connection.
      const bare = spawn('ssh', [...plainSsh(sshd), '-T', 'remote', `tmux -u -L ${socket} -C attach -t =flood`], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'ignore'] });
      const bw = markWatcher();
      bare.stdout.on('data', (b: Buffer) => bw.feed(b.toString('latin1')));
      await sleep(1000);
      viaBare.push(await timed(bw));
      bare.stdin.end();
      bare.kill('SIGKILL');
      await sleep(300);
    }
  } finally {
    killServer(socket);
  }
  const c = median(viaChatmux);
  const b = median(viaBare);
  return [
    {
      name: `ssh: flood of ${mb} MB through chatmux's ssh control connection → end mark`,
      value: c, min: Math.min(...viaChatmux), max: Math.max(...viaChatmux), unit: 's',
      reference: `bare ssh remote tmux -C: ${b.toFixed(2)} s (${Math.min(...viaBare).toFixed(2)}–${Math.max(...viaBare).toFixed(2)})`,
      target: '≤ 1.15× reference',
      verdict: verdictRatio(c / b, 1.15),
      note: `${(c / b).toFixed(2)}× reference (${(mb / c).toFixed(0)} vs ${(mb / b).toFixed(0)} MB/s); one client attached at a time, alternating; connecting not timed`,
    },
  ];
}
