/**
 * Chaos over the real CLI: rounds of random operations (new with hostile names, close,
 * archive, rename, start, send, list, sweep, tmux kill-server), some racing on one chat, some
 * killed (SIGKILL/TERM/HUP/INT) 0–300 ms in, some on a full disk (the state dir on a tiny
 * tmpfs, filled or remounted read-only for one operation). After every round the invariants of "never lose a chat,
 * never leak a key" are checked (see `checkInvariants`).
 *
 * Seeded: the operations come from CHAOS_SEED (random by default; printed on failure, with the
 * last operations); timings are not reproducible, so a failure is minimised into a focused
 * test. CHAOS_ROUNDS runs more rounds locally (CI: a few). Needs a build (runs dist/).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAYLOADS } from '../fixtures/hostile-corpus';
import { makeChatContext } from '../lib/chat/context';
import { projectSessionPrefix } from '../lib/chat/naming';
import { BIN, cleanEnv, globalArgs, processesGone, tempProject, type CliResult } from './support/chatmux-cli';
import { fillDisk, mountTmpfs } from './support/full-disk';
import { filesUnder, pidsWithArgvContaining, watchArgv } from './support/secrets';
import { killAllTestServers, makeTestServer, type TestServer } from './support/tmux';

afterAll(() => killAllTestServers());

const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : randomInt(2 ** 31);
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 10);
/** The key every command's environment holds; some chats are given it with --api-key-env. */
const KEY = `sk-chaos-${randomBytes(12).toString('hex')}`;

/** mulberry32: a small seeded generator (the operations, not the timings, replay from the seed). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Outcome extends CliResult {
  signal: NodeJS.Signals | null;
  pid: number;
  args: string[];
}

/** Run chatmux; with `killAfter`, send `signal` that many ms after the spawn. */
function run(args: string[], o: { killAfter?: number; signal?: NodeJS.Signals } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv({ CHAOS_API_KEY: KEY }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const hang = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const kill = o.killAfter === undefined ? null : setTimeout(() => child.kill(o.signal ?? 'SIGKILL'), o.killAfter);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(hang);
      if (kill) clearTimeout(kill);
      resolve({ code: code ?? -1, signal, args, pid: child.pid ?? 0, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

interface ListedChat {
  ref: string;
  lifecycle: string;
  session: string;
  apiKeyEnv: string | null;
  executor: string;
}

describe('chaos over the CLI', () => {
  test(`${ROUNDS} rounds of random operations, kills, races, kill-server and a full disk: every invariant holds after each`, async () => {
    // Its own server and folders per attempt: a retry starts clean, not from a failed run's state.
    const t = makeTestServer();
    const p = tempProject('proj');
    fs.mkdirSync(p.stateDir, { recursive: true });
    const noTmpfs = mountTmpfs(p.stateDir, '2m');
    if (noTmpfs) process.stdout.write(`SKIP chaos-cli full-disk operations: cannot mount a tmpfs (${noTmpfs})\n`);
    try {
      await chaos(t, p, noTmpfs);
    } finally {
      t.kill();
      await processesGone(p.root);
      if (!noTmpfs) execFileSync('umount', ['-l', p.stateDir]);
      p.cleanup();
    }
  }, 600_000);
});

async function chaos(t: TestServer, p: ReturnType<typeof tempProject>, noTmpfs: string | null): Promise<void> {
  const g = globalArgs(t.socket, p);
  const canary = path.join(p.root, 'CANARY');
  const rand = seeded(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
  const hostile = () => pick(PAYLOADS).value.replaceAll('{C}', canary);
  const known = new Set<string>();
  /** Archived by a command that exited 0: nothing may bring it back. */
  const archivedForSure = new Set<string>();
  const history: string[] = [];
  /** Chats running `cat` (as listed): a payload typed there is only echoed. */
  const cmdChats = new Set<string>();
  /** Commands killed with SIGKILL: nothing can remove their lock or temp file until the next writer. */
  const killedPids = new Set<number>();
  const stopArgv = watchArgv(KEY);
  const counts: Record<string, number> = {};

  /** One random operation's argv (null: not CLI — kill-server). */
  const operation = (ref: string | null): string[] | null => {
    const kind = ref === null ? pick(['new', 'new', 'list', 'sweep']) : pick(['new', 'new', 'close', 'archive', 'rename', 'start', 'send', 'list', 'sweep', 'kill-server']);
    counts[kind] = (counts[kind] ?? 0) + 1;
    switch (kind) {
      case 'new': {
        const key = rand() < 0.4 ? ['--api-key-env', 'CHAOS_API_KEY'] : [];
        const name = rand() < 0.7 ? ['--name', hostile()] : [];
        return rand() < 0.5 ? ['chat', 'new', ...name, ...key, '--', 'cat'] : ['chat', 'new', '--executor', 'shell', ...name, ...key];
      }
      case 'close':
      case 'archive':
      case 'start':
        return ['chat', kind, ref!];
      case 'rename':
        return ['chat', 'rename', ref!, hostile()];
      // Into a shell a payload would run (as the user asked); only `cat` chats get the payloads.
      case 'send':
        return ['chat', 'send', ref!, rand() < 0.5 && cmdChats.has(ref!) ? hostile() : 'echo chaos'];
      case 'list':
        return ['chat', 'list', ...(rand() < 0.5 ? ['--all'] : [])];
      case 'sweep':
        return ['sweep'];
      default:
        return null;
    }
  };

  const settle = async (o: Outcome, killed: boolean): Promise<void> => {
    if (o.signal === 'SIGKILL') killedPids.add(o.pid);
    history.push(`  ${killed ? `[signalled: ${o.signal ?? `exit ${o.code}`}] ` : ''}${JSON.stringify(o.args.slice(g.length))} → ${o.code} ${o.stderr.trim().split('\n')[0] ?? ''}`);
    // Ended by the signal: by it, or by chatmux's own handler (a lock was held: exit 128+n).
    if (o.signal || (killed && [129, 130, 143].includes(o.code))) return;
    // A clean end: 0, or one escaped line with exit 1 (runtime) or 2 (bad input / state).
    expect({ args: o.args, code: o.code, ok: [0, 1, 2].includes(o.code) }).toMatchObject({ ok: true });
    if (o.code !== 0) expect({ args: o.args, stderr: o.stderr }).not.toMatchObject({ stderr: expect.stringMatching(/\n\s+at |TypeError|ReferenceError|Unhandled/) });
    if (o.code === 0 && o.args[g.length + 1] === 'new') known.add(o.stdout.trim());
    if (o.code === 0 && o.args[g.length + 1] === 'archive') archivedForSure.add(o.args[g.length + 2]!);
  };

  /** A tmux command's output; '' when no server runs (every chat closed or archived). */
  const tmuxOrNone = (...args: string[]): string => {
    for (let attempt = 1; ; attempt++) {
      try {
        return t.tmux(...args);
      } catch (e) {
        const why = String((e as { stderr?: string }).stderr);
        if (/no server running|error connecting/.test(why)) return '';
        // A server a killed command started, exiting with no session as we connect.
        if (!/server exited unexpectedly/.test(why) || attempt === 5) throw e;
        execFileSync('sleep', ['0.1']);
      }
    }
  };

  const killServer = (): void => {
    history.push('  tmux kill-server');
    tmuxOrNone('kill-server');
  };

  const checkInvariants = async (round: number, killedThisRound: boolean): Promise<void> => {
    // A killed command's tmux client may still be finishing its last command.
    await new Promise((res) => setTimeout(res, killedThisRound ? 300 : 100));
    const file = path.join(p.stateDir, 'chats.json');
    if (fs.existsSync(file)) expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
    // The listing brings back lost chats and finishes killed commands' work.
    const listed = await run([...g, 'chat', 'list', '--all', '--json']);
    expect({ code: listed.code, stderr: listed.stderr }).toMatchObject({ code: 0 });
    const chats = JSON.parse(listed.stdout) as ListedChat[];
    const refs = chats.map((c) => c.ref);
    expect(refs.filter((r, i) => refs.indexOf(r) !== i)).toEqual([]);
    for (const ref of known) expect({ ref, listed: refs.includes(ref) }).toEqual({ ref, listed: true });
    for (const ref of refs) known.add(ref);
    for (const c of chats) if (c.executor === 'cmd') cmdChats.add(c.ref);
    const byRef = new Map(chats.map((c) => [c.ref, c]));
    for (const ref of archivedForSure) expect({ ref, lifecycle: byRef.get(ref)?.lifecycle }).toEqual({ ref, lifecycle: 'archived' });
    expect(chats.filter((c) => c.lifecycle === 'starting').map((c) => c.ref)).toEqual([]);
    // Exactly one session of ours per running chat, none for a stopped one.
    const sessions = tmuxOrNone('list-sessions', '-F', '#{session_name}\t#{@chatmux-owner}\t#{@chatmux-ref}')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    const ours = sessions.filter(([, owner]) => owner === ctx.owner);
    // A session with our name but no metadata (a killed chat new's) is finished by the listing.
    expect(sessions.filter(([name, owner]) => owner !== ctx.owner && name!.startsWith(projectSessionPrefix(ctx.tag))).map(([name]) => name)).toEqual([]);
    const sessionRefs = ours.map(([, , ref]) => ref!).sort();
    expect(sessionRefs).toEqual(chats.filter((c) => c.lifecycle === 'running').map((c) => c.ref).sort());
    // Nothing left over by a command that has ended, but a SIGKILLed one's (the next writer removes them).
    const ownerPid = (f: string): number => {
      const m = /\.tmp-(\d+)-/.exec(f);
      if (m) return Number(m[1]);
      try {
        return (JSON.parse(fs.readFileSync(f, 'utf8')) as { pid: number }).pid;
      } catch {
        return -1;
      }
    };
    // (An empty lock: killed between creating it and writing its owner.)
    const killedOwn = (f: string): boolean => killedPids.has(ownerPid(f)) || (killedPids.size > 0 && fs.statSync(f).size === 0);
    const leftovers = filesUnder(p.stateDir).filter((f) => /\.tmp|\.lock|\.break|filler-/.test(path.basename(f)) && !killedOwn(f));
    expect(leftovers.map((f) => path.relative(p.stateDir, f))).toEqual([]);
    // The key: no state file or log, no tmux option or global environment, no argv.
    for (const f of filesUnder(p.stateDir)) expect({ f, leaks: fs.readFileSync(f).includes(KEY) }).toEqual({ f, leaks: false });
    const tmuxViews = [['show-options', '-g'], ['show-options', '-s'], ['show-options', '-w', '-g'], ['show-environment', '-g']];
    for (const [, , ref] of ours) tmuxViews.push(['show-options', '-t', `=${byRef.get(ref!)?.session ?? ''}:`]);
    for (const v of tmuxViews) expect({ v, leaks: tmuxOrNone(...v).includes(KEY) }).toEqual({ v, leaks: false });
    expect(pidsWithArgvContaining(KEY)).toEqual([]);
    expect(fs.existsSync(canary)).toBe(false);
    history.push(`round ${round} ok: ${chats.length} chats, ${sessionRefs.length} running`);
  };

  // Two chats to start from (one holding the key): even the few CI rounds act on chats.
  for (const key of [[], ['--api-key-env', 'CHAOS_API_KEY']]) {
    const made = await run([...g, 'chat', 'new', ...key, '--', 'cat']);
    expect(made).toMatchObject({ code: 0 });
    known.add(made.stdout.trim());
  }
  const t0 = Date.now();
  let round = 0;
  try {
    for (round = 0; round < ROUNDS; round++) {
      history.push(`round ${round}:`);
      const live = [...known].filter((r) => !archivedForSure.has(r));
      const anyRef = (): string | null => (known.size === 0 ? null : rand() < 0.85 && live.length > 0 ? pick(live) : pick([...known]));
      const mode = pick(['plain', 'plain', 'race', 'race', 'kill', 'kill', 'full', 'read-only'] as const);
      const jobs: Promise<void>[] = [];
      let freeDisk: (() => void) | null = null;
      if (mode === 'full' && !noTmpfs) history.push('  (disk full)');
      if (mode === 'full' && !noTmpfs) freeDisk = fillDisk(p.stateDir, Math.floor(rand() * 3));
      // The state dir read-only for one command: a read-only bind mount over it (EROFS, even
      // for root; output logs already open keep writing below it).
      if (mode === 'read-only' && !noTmpfs) {
        history.push('  (state dir read-only)');
        execFileSync('mount', ['--bind', p.stateDir, p.stateDir]);
        execFileSync('mount', ['-o', 'remount,bind,ro', p.stateDir]);
        freeDisk = () => execFileSync('umount', ['-l', p.stateDir]);
      }
      if (mode === 'race') {
        // Two or three commands on the same chat at once.
        const ref = anyRef();
        for (let i = 0; i < 2 + Math.floor(rand() * 2); i++) {
          const op = operation(ref);
          if (op) jobs.push(run([...g, ...op]).then((o) => settle(o, false)));
          else killServer();
        }
      } else {
        const op = operation(anyRef());
        if (!op) {
          killServer();
        } else if (mode === 'kill') {
          const signal = pick(['SIGKILL', 'SIGKILL', 'SIGTERM', 'SIGHUP', 'SIGINT'] as const);
          jobs.push(run([...g, ...op], { killAfter: Math.floor(rand() * 300), signal }).then((o) => settle(o, true)));
        } else {
          jobs.push(run([...g, ...op]).then((o) => settle(o, false)));
        }
      }
      await Promise.all(jobs);
      freeDisk?.();
      await checkInvariants(round, mode === 'kill');
    }
  } catch (e) {
    const err = e as Error;
    err.message = `chaos-cli: seed ${SEED} failed in round ${round} (replay: CHAOS_SEED=${SEED} CHAOS_ROUNDS=${ROUNDS}); last operations:\n${history.slice(-25).join('\n')}\n\n${err.message}`;
    throw err;
  } finally {
    await stopArgv();
  }
  expect(await stopArgv()).toEqual([]);
  process.stdout.write(`chaos-cli: seed ${SEED}, ${ROUNDS} rounds in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${known.size} chats; operations ${JSON.stringify(counts)}\n`);
}
