/**
 * Issue 10 "Show": the hostile-input corpus (fixtures/hostile-corpus.ts), every field ×
 * payload, run through the CLI on a private tmux socket. Most cases go through one process
 * that runs the CLI's `main()` per case (fixtures/hostile-corpus-run.ts: same parsing,
 * checks and printing as bin/chatmux); a representative subset runs as real bin/chatmux
 * processes. Must hold: 0 injections (no payload's `touch` canary ever appears, text and
 * argv arrive exactly), 0 invalid registries (chats.json parses and validates after every
 * case), every refusal exits 2 with one escaped message and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PAYLOADS, type Payload } from '../fixtures/hostile-corpus';
import { findCanaries, runBatch, type Step, type StepResult } from './support/cli-batch';
import { cleanEnv, FAKE_AGENT, processesGone, runChatmux, runProcess, BIN } from './support/chatmux-cli';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

const t = makeTestServer();
const run = randomBytes(4).toString('hex');
const canary = `hc-${run}`;
const root = path.join(fs.realpathSync(os.tmpdir()), `chatmux-hostile-${run}`);
const project = path.join(root, 'proj');
/**
 * The corpus runs in two lanes (two runner processes at once), each with its own state dir
 * on the one socket (which also keeps them apart: issue 10.8). Step 0 of each lane makes the
 * chat that lane's send and rename cases type into.
 */
const lanes = [0, 1].map((i) => {
  const stateDir = path.join(root, `state-${i}`);
  return { stateDir, registry: path.join(stateDir, 'chats.json'), g: ['--socket', t.socket, '--project', project, '--state-dir', stateDir] };
});
const { registry, g } = lanes[0]!;
const payloads: Payload[] = PAYLOADS.map((p) => ({ id: p.id, value: p.value.replace(/\{C\}/g, canary) }));
// Chats made by the cases run a program that exits at once: a dead pane costs tmux a few
// bytes, a live agent a few processes (hundreds of cases).
const QUICK = '/bin/echo';
const codexEnv = { CHATMUX_CODEX_BIN: QUICK };

beforeAll(() => {
  fs.mkdirSync(project, { recursive: true });
});
afterAll(async () => {
  t.kill();
  await processesGone(root);
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

// Unsafe on a terminal: what an escaped message never contains (its final newline aside).
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const hasControl = (s: string) => /[\u0000-\u001f\u007f-\u009f]/.test(s);

/** A folder named `value` under root/<kind>/<id>, when the name can be one; else null. */
function dirNamed(kind: string, p: Payload): string | null {
  const v = p.value;
  if (v === '' || v === '.' || v === '..' || v.includes('/') || Buffer.byteLength(v) > 255) return null;
  const dir = path.join(root, kind, p.id, v);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

type Expect = 'refuse' | 'accept' | 'either';

interface Case {
  lane: 0 | 1;
  field: string;
  payload: Payload;
  step: Step;
  expect: Expect;
  /** For an accepted case: what is wrong with the result, or null. */
  verify?: (r: StepResult) => string | null;
}

const json = (r: StepResult) => JSON.parse(r.stdout);
const isDashy = (v: string) => v.startsWith('-');

function newChat(field: string, args: (v: string) => string[] | null, o: { lane?: 0 | 1; env?: Record<string, string>; expect?: (v: string) => Expect; verify?: (v: string, rec: Record<string, unknown>) => boolean } = {}): Case[] {
  const lane = o.lane ?? 0;
  const { g, registry } = lanes[lane]!;
  return payloads.flatMap((p) => {
    const a = args(p.value);
    if (!a) return [];
    return [{
      lane, field, payload: p, expect: o.expect?.(p.value) ?? 'either',
      step: { argv: [...g, 'chat', 'new', '--json', ...a], registry, env: o.env },
      verify: o.verify && ((r: StepResult) => (o.verify!(p.value, json(r)) ? null : `stored ${r.stdout}`)),
    }];
  });
}

// Names and roles: no controls, no bidirectional overrides (validate.ts), at most 200 characters.
const labelRefused = (v: string): boolean => hasControl(v) || /[\u202a-\u202e\u2066-\u2069]/.test(v) || Array.from(v).length > 200;

/** Every field × payload. */
function corpus(): Case[] {
  const label = (v: string): Expect => (labelRefused(v) ? 'refuse' : 'accept');
  const one = lanes[1]!;
  const cases: Case[] = [
    ...newChat('name', (v) => ['--name', v, '--', FAKE_AGENT], { expect: label, verify: (v, rec) => rec.name === v }),
    ...newChat('role', (v) => ['--role', v, '--', FAKE_AGENT], { expect: label, verify: (v, rec) => rec.role === v }),
    ...newChat('model', (v) => ['--executor', 'codex', '-m', v], { env: codexEnv, verify: (v, rec) => rec.model === (v || null) }),
    ...newChat('endpoint', (v) => ['--executor', 'codex', '-m', 'm', '-e', v], { env: codexEnv, verify: (v, rec) => rec.endpoint === (v || null) }),
    // Stored as given or normalised (trimmed, encoded), never anywhere else.
    ...newChat('endpoint-path', (v) => ['--executor', 'codex', '-m', 'm', '-e', `http://127.0.0.1:9/v1/${v}`], { env: codexEnv, verify: (_v, rec) => String(rec.endpoint).startsWith('http://127.0.0.1:9/v1/') }),
    // '' is refused by issue 10.6's fix (its own test); here it only has to be safe.
    ...newChat('api-key-env', (v) => ['--api-key-env', v, '--', QUICK], { expect: (v) => (v === '' ? 'either' : 'refuse') }),
    ...payloads.flatMap((p) => {
      const dir = dirNamed('cwd', p);
      return newChat('cwd', (v) => (v === p.value ? ['--cwd', dir ?? v, '--', QUICK] : null), {
        lane: 1,
        expect: () => (dir ? 'accept' : 'either'), verify: (_v, rec) => !dir || rec.cwd === dir,
      }).filter((c) => c.payload.id === p.id);
    }),
    ...newChat('argv', (v) => ['--', QUICK, v], { lane: 1, expect: () => 'accept', verify: (v, rec) => JSON.stringify(rec.argv) === JSON.stringify([QUICK, v]) }),
    ...newChat('parent', (v) => ['--parent', v, '--', QUICK], { expect: () => 'refuse' }),
    ...newChat('executor', (v) => ['--executor', v], { expect: () => 'refuse' }),
  ];
  for (const p of payloads) {
    const v = p.value;
    cases.push({ lane: 1, field: 'send', payload: p, expect: isDashy(v) ? 'either' : 'accept', step: { argv: [...one.g, 'chat', 'send', '{ref}', v], refFrom: 0, registry: one.registry } });
    cases.push({ lane: 1, field: 'rename', payload: p, expect: isDashy(v) ? 'either' : label(v), step: { argv: [...one.g, 'chat', 'rename', '{ref}', v], refFrom: 0, registry: one.registry } });
    for (const cmd of [['chat', 'send', v, 'hi'], ['chat', 'close', v], ['chat', 'archive', v], ['chat', 'rename', v, 'x'], ['chat', 'log', v], ['chat', 'attach', v], ['ask', v, 'hi']]) {
      cases.push({ lane: 0, field: `ref (${cmd.filter((w) => w !== v).slice(0, 2).join(' ')})`, payload: p, expect: isDashy(v) ? 'either' : 'refuse', step: { argv: [...g, ...cmd], registry } });
    }
    const pdir = dirNamed('project', p);
    cases.push({ lane: 1, field: 'project', payload: p, expect: pdir ? 'accept' : 'either', step: { argv: ['--socket', t.socket, '--project', pdir ?? v, 'chat', 'list', '--json'] } });
    const sdir = dirNamed('state', p);
    cases.push({ lane: 1, field: 'state-dir', payload: p, expect: sdir ? 'accept' : 'either', step: { argv: ['--socket', t.socket, '--project', project, '--state-dir', sdir ?? v, 'chat', 'list', '--json'], registry: sdir ? path.join(sdir, 'chats.json') : undefined } });
    cases.push({ lane: 0, field: 'socket', payload: p, expect: 'either', step: { argv: ['--socket', `chatmux-test-${run}${v}`, '--project', project, '--state-dir', path.join(root, 'sock-state'), 'chat', 'list'] } });
  }
  return cases;
}

/** What is wrong with one case's result, or null. */
function judge(c: Case, r: StepResult): string | null {
  if (r.registryValid === false) return 'chats.json no longer validates';
  const want = c.expect === 'either' ? [0, 2] : c.expect === 'accept' ? [0] : [2];
  if (r.code === null || !want.includes(r.code)) return `exit ${r.code} (want ${want.join('/')}): ${JSON.stringify(r.stderr)}`;
  if (r.code === 2) {
    if (r.registryChanged) return 'refused, but chats.json changed';
    if (!/^(chatmux: |error: )/.test(r.stderr)) return `refusal without a message: ${JSON.stringify(r.stderr)}`;
    if (RAW_CONTROL.test(r.stderr.replace(/\n/g, ' '))) return `raw control characters in ${JSON.stringify(r.stderr)}`;
    return null;
  }
  return c.verify && c.step.argv.includes('--json') ? c.verify(r) : null;
}

const canaries = () => findCanaries(root, canary);

describe('hostile-input corpus', () => {
  test('fields × payloads through the CLI: 0 injections, 0 invalid registries, refusals exit 2 escaped', async () => {
    const cases = corpus();
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const steps: Step[][] = lanes.map((l) => [{ argv: [...l.g, 'chat', 'new', '--name', 'target', '--', FAKE_AGENT], registry: l.registry }]);
    const at: number[] = [];
    for (const c of cases) {
      at.push(steps[c.lane]!.length);
      steps[c.lane]!.push(c.step);
    }
    const t0 = Date.now();
    // Relative payloads (`..`, '') resolve inside root, never in the repository.
    const home = path.join(root, 'cwd', 'a', 'b');
    fs.mkdirSync(home, { recursive: true });
    const results = await Promise.all(steps.map((s) => runBatch(s, { cwd: home, timeoutMs: 500000 })));
    const ms = Date.now() - t0;
    for (const r of results) expect(r[0]).toMatchObject({ code: 0, stdout: 'chat-1\n' });
    const problems: string[] = [];
    const tally = new Map<string, { tried: number; refused: number; held: number; ms: number }>();
    cases.forEach((c, i) => {
      const r = results[c.lane]![at[i]!]!;
      const problem = judge(c, r);
      const row = tally.get(c.field) ?? { tried: 0, refused: 0, held: 0, ms: 0 };
      row.tried++;
      row.ms += r.ms;
      if (r.code === 2) row.refused++;
      if (problem) problems.push(`${c.field} × ${c.payload.id}: ${problem}`);
      else row.held++;
      tally.set(c.field, row);
    });
    // Text typed into the chat arrives exactly (lines without controls: the tty edits those).
    const log = path.join(lanes[1]!.stateDir, 'chats', 'chat-1', 'output.log');
    const plain = payloads.filter((p) => !hasControl(p.value) && !isDashy(p.value) && p.value !== '');
    await waitFor(() => fs.existsSync(log) && plain.every((p) => fs.readFileSync(log, 'utf8').includes(`GOT[${p.value}]`)), 15000, 'every sent line').catch((e) => problems.push(String(e)));
    const rows = [...tally].map(([f, r]) => `${f}: ${r.tried} tried, ${r.refused} refused, ${r.held} held (${r.ms} ms)`);
    process.stdout.write(`hostile corpus: ${cases.length} cases in ${ms} ms\n${rows.join('\n')}\n`);
    expect(problems).toEqual([]);
    expect(canaries()).toEqual([]);
  }, 600000);

  test('a representative subset as real bin/chatmux processes, raw non-UTF-8 bytes included', async () => {
    const pick = payloads.filter((p) => ['tmux-job', 'sh-subst', 'newline-cmd', 'osc-title', 'c1-csi', 'rtl-override'].includes(p.id));
    const env = cleanEnv(codexEnv);
    const refusals: string[][] = [];
    for (const p of pick) {
      const made = await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT, p.value], { env });
      expect(made.code).toBe(0);
      const ref = JSON.parse(made.stdout).ref as string;
      expect(await runChatmux([...g, 'chat', 'send', ref, p.value], { env })).toMatchObject({ code: 0 });
      expect(await runChatmux([...g, 'chat', 'archive', ref], { env })).toMatchObject({ code: 0 });
      refusals.push(['chat', 'new', '--name', p.value], ['chat', 'close', p.value], ['chat', 'new', '--parent', p.value], ['chat', 'new', '--api-key-env', p.value]);
    }
    for (const args of refusals) {
      const r = await runChatmux([...g, ...args], { env });
      if (args[2] === '--name' && !labelRefused(args[3]!)) {
        expect(r.code).toBe(0);
        continue;
      }
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^chatmux: [^\n]*\n$/);
      expect(RAW_CONTROL.test(r.stderr.slice(0, -1))).toBe(false);
    }
    // Bytes that are not UTF-8 (only a shell can pass them) in a ref, a name and argv.
    const sh = `exec "$0" "$1" ${g.map((a) => `'${a}'`).join(' ')} chat close "$(printf 'chat-1\\377\\033]0;X\\007')"`;
    const bad = await runProcess('/bin/sh', ['-c', sh, process.execPath, BIN], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('\\e]0;X\\x07');
    expect(RAW_CONTROL.test(bad.stderr.slice(0, -1))).toBe(false);
    const reg = JSON.parse(fs.readFileSync(registry, 'utf8'));
    expect(Array.isArray(reg.chats)).toBe(true);
    expect(canaries()).toEqual([]);
  }, 120000);
});
