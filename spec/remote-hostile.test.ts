/**
 * Issue 14 item 5: the hostile-input corpus (fixtures/hostile-corpus.ts) over ssh, a sample with
 * one payload of each kind (each case is a chatmux process on both sides, and a remote one costs
 * an ssh session and a Node start): into `chat new` as name and role, as an argv word and (where
 * it can name a folder) as `--cwd`, once here and once through `chatmux --host` against a real sshd on 127.0.0.1
 * (spec/support/sshd.ts); then a sample is typed with `chat send`. Over ssh must give exactly
 * what the local run gives: the same exit code and message, the same stored records, the same
 * screen, and no payload ever runs (its canary file never appears).
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAYLOADS, type Payload } from '../fixtures/hostile-corpus';
import { BIN, cleanEnv, globalArgs, runProcess, tempProject, type CliResult } from './support/chatmux-cli';
import { remoteSocketName, startSshd, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { killTestServer, waitFor } from './support/tmux';
import { execFileSync } from 'node:child_process';

const { skip, maybe } = sshdGate();

let sshd: TestSshd;
const p = tempProject();
const canary = path.join(p.root, 'canary');
const payloads: Payload[] = PAYLOADS.map((x) => ({ id: x.id, value: x.value.replace(/\{C\}/g, canary) }));
// Two worlds on this machine: `here` (plain CLI) and `there` (the same CLI through --host).
const sides = {
  here: { socket: remoteSocketName(), stateDir: path.join(p.root, 'state-here') },
  there: { socket: remoteSocketName(), stateDir: path.join(p.root, 'state-there') },
};
type Side = keyof typeof sides;
let env: NodeJS.ProcessEnv;

const cli = (side: Side, args: string[]): Promise<CliResult> => {
  const g = globalArgs(sides[side].socket, { project: p.project, stateDir: sides[side].stateDir });
  return runProcess(process.execPath, [BIN, ...(side === 'there' ? ['--host', 'remote'] : []), ...g, ...args], { env, timeoutMs: 60000 });
};

/** Both sides' results for each argv, at most `n` commands at a time. */
async function bothSides(cases: string[][], n = 4): Promise<Array<Record<Side, CliResult>>> {
  const out: Array<Record<Side, CliResult>> = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const [here, there] = await Promise.all([cli('here', cases[i]!), cli('there', cases[i]!)]);
        out[i] = { here, there };
      }
    }),
  );
  return out;
}

/** A side's message with its own state dir and ref numbers out of the way. */
const normal = (side: Side, s: string) => s.split(sides[side].stateDir).join('<STATE>').replace(/chat-\d+/g, 'chat-N');

/** A folder named by the payload, or null when no folder can have that name. */
function dirNamed(x: Payload): string | null {
  const v = x.value;
  if (v === '' || v === '.' || v === '..' || v.includes('/') || Buffer.byteLength(v) > 255) return null;
  const dir = path.join(p.root, 'cwd', x.id, v);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}` });
});
afterAll(() => {
  for (const s of Object.values(sides)) killTestServer(s.socket);
  sshd?.stop();
  p.cleanup();
});

const PRINT_ARG = ['/bin/sh', '-c', 'printf "<%s>\\n" "$1"; exec cat', 'hostile'];

/** One payload of each kind: shell, tmux job and separator, quotes, line breaks, escapes, C1, bidi, Unicode, shape. */
const SAMPLE = ['sh-subst', 'tmux-job-in-format', 'single-quote-break', 'backslash-quote', 'tmux-separator', 'newline-cmd', 'osc-title', 'c1-nel', 'rtl-override', 'emoji', 'empty', 'dash', 'long'];

maybe('hostile name, role, argv word and --cwd: over ssh exactly as here, nothing runs', async () => {
  const sample = payloads.filter((x) => SAMPLE.includes(x.id));
  expect(sample.length).toBe(SAMPLE.length);
  const cases = [
    ...sample.map((x) => ['chat', 'new', '--executor', 'cmd', '--name', x.value, '--role', x.value, '--', 'sleep', '120']),
    ...sample.map((x) => {
      const dir = dirNamed(x);
      return ['chat', 'new', '--executor', 'cmd', '--name', `arg-${x.id}`, ...(dir === null ? [] : ['--cwd', dir]), '--', ...PRINT_ARG, x.value];
    }),
  ];
  const results = await bothSides(cases);
  const differ = results
    .map((r, i) => ({ i, here: [r.here.code, normal('here', r.here.stderr)], there: [r.there.code, normal('there', r.there.stderr)] }))
    .filter((d) => JSON.stringify(d.here) !== JSON.stringify(d.there))
    .map((d) => ({ args: cases[d.i], ...d }));
  expect(differ).toEqual([]);
  // Most are accepted (a name may hold anything); some are refused, each with one line.
  expect(results.filter((r) => r.here.code === 0).length).toBeGreaterThan(sample.length);
  for (const r of results) if (r.there.code !== 0) expect([r.there.code, r.there.stderr.split('\n').length]).toEqual([2, 2]);

  const listed = async (side: Side) => {
    const r = await cli(side, ['chat', 'list', '--all', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const chats = JSON.parse(r.stdout) as Array<{ name: string; role: string; argv: string[]; cwd: string; executor: string }>;
    return chats.map((c) => ({ name: c.name, role: c.role, argv: c.argv, cwd: c.cwd, executor: c.executor })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const [here, there] = await Promise.all([listed('here'), listed('there')]);
  expect(there).toEqual(here);
  expect(fs.existsSync(canary)).toBe(false);
}, 240000);

maybe('hostile text typed with chat send shows the same screen over ssh as here', async () => {
  const sample = payloads.filter((x) => ['sh-subst', 'tmux-job', 'single-quote-break', 'tmux-separator', 'osc-title', 'ctrl-a', 'emoji', 'backslashes', 'percent-s', 'tab'].includes(x.id));
  const refs: Record<Side, string> = { here: '', there: '' };
  for (const side of ['here', 'there'] as const) {
    const r = await cli(side, ['chat', 'new', '--name', 'typing', '--', '/bin/sh', '-c', 'stty -echo; exec cat -v']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    refs[side] = r.stdout.trim();
  }
  for (const x of sample) {
    const [a, b] = await Promise.all([cli('here', ['chat', 'send', refs.here, x.value]), cli('there', ['chat', 'send', refs.there, x.value])]);
    expect([x.id, a.code, b.code, normal('there', b.stderr)]).toEqual([x.id, 0, 0, normal('here', a.stderr)]);
  }
  const screen = (side: Side) => {
    const t = sides[side].socket;
    const pane = execFileSync('tmux', ['-L', t, 'list-panes', '-a', '-F', '#{session_name} #{pane_id}'], { encoding: 'utf8' })
      .split('\n').find((l) => l.split(' ')[0]!.endsWith(`-${refs[side]}`))!.split(' ')[1]!;
    return execFileSync('tmux', ['-L', t, 'capture-pane', '-p', '-t', pane], { encoding: 'utf8' }).trimEnd();
  };
  const last = sample[sample.length - 1]!.value.replace(/\t/g, '^I');
  const shown = await waitFor(() => {
    const [a, b] = [screen('here'), screen('there')];
    return a.includes(last) && b.includes(last) ? { a, b } : null;
  }, 15000, 'every sent line on both screens');
  expect(shown.b).toBe(shown.a);
  expect(fs.existsSync(canary)).toBe(false);
}, 120000);
