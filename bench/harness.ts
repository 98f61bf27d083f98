/**
 * End-to-end benchmark harness: a program (chatmux, `tmux attach`, a bare program) runs under
 * a PTY of fixed size; what it draws is fed into our own headless xterm — the "user's
 * terminal" — and figures are timed until the expected cells appear there. Every tmux server
 * lives on a private socket `chatmux-test-bench-<random>` and is killed by that socket;
 * every process by its PID.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Terminal } from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import type { IPty } from '@lydell/node-pty';

export const ROOT = path.resolve(__dirname, '..', '..');
/** The chatmux under test; CHATMUX_BENCH_BIN measures another build (e.g. a copy before a change). */
export const CHATMUX = process.env.CHATMUX_BENCH_BIN ?? path.join(ROOT, 'bin', 'chatmux');

/** The environment of every child: no $TMUX (never the user's server), no inherited CHATMUX_*. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(TMUX|TMUX_PANE|CHATMUX_.*|NODE_OPTIONS)$/.test(k)) env[k] = v;
  return { ...env, TERM: 'xterm-256color', LANG: env.LANG ?? 'C.UTF-8', ...extra };
}

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ tmux servers

const liveSockets = new Set<string>();

export function benchSocket(): string {
  const s = `chatmux-test-bench-${randomBytes(5).toString('hex')}`;
  liveSockets.add(s);
  return s;
}

/** Plain `tmux -L <socket> …` with argv (harness-side setup and checks only). */
export function tmux(socket: string, ...args: string[]): string {
  return execFileSync('tmux', ['-u', '-L', socket, '-f', '/dev/null', ...args], { env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function killServer(socket: string): void {
  liveSockets.delete(socket);
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { env: cleanEnv(), stdio: 'ignore' });
  } catch {
    /* not running */
  }
  // tmux leaves its socket file behind when its server is killed.
  fs.rmSync(path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
}

// ------------------------------------------------------------------ chatmux project

export interface Project {
  root: string;
  project: string;
  stateDir: string;
  socket: string;
  /** Run the chatmux CLI against this project's socket and state dir. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** `chatmux chat new --executor cmd --name <name> -- <argv>`; throws on failure. */
  newChat(name: string, argv: string[]): Promise<void>;
  /** The tmux pane id of a chat session, found by the chat's name in the pane title or session. */
  env(): Record<string, string>;
  dispose(): Promise<void>;
}

export function makeProject(): Project {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-bench-')));
  const project = path.join(root, 'proj');
  fs.mkdirSync(project);
  const stateDir = path.join(root, 'state');
  const socket = benchSocket();
  const p: Project = {
    root,
    project,
    stateDir,
    socket,
    env: () => cleanEnv({ CHATMUX_SOCKET: socket, CHATMUX_STATE_DIR: stateDir }),
    cli: (...args) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CHATMUX, ...args], { cwd: project, env: p.env(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b));
        child.stderr.on('data', (b: Buffer) => (stderr += b));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      }),
    async newChat(name, argv) {
      const r = await p.cli('chat', 'new', '--executor', 'cmd', '--name', name, '--', ...argv);
      if (r.code !== 0) throw new Error(`chat new ${name} failed (${r.code}): ${r.stderr}`);
    },
    async dispose() {
      killServer(socket);
      await sleep(200);
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
  return p;
}

/** Create chats `count` at a time (each is a CLI process). */
export async function newChats(p: Project, specs: Array<{ name: string; argv: string[] }>, concurrency = 3): Promise<void> {
  const queue = [...specs];
  // On a failure the other workers stop too, and we wait for them: a `chat new` still running
  // after the project is disposed would start its server again.
  const results = await Promise.allSettled(
    Array.from({ length: concurrency }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        try {
          await p.newChat(s.name, s.argv);
        } catch (e) {
          queue.length = 0;
          throw e;
        }
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The pane id of the chat session whose name contains `name` (sessions are `wg-chat-…`). */
export function chatPane(p: Project, name: string): string {
  const rows = tmux(p.socket, 'list-panes', '-a', '-F', '#{session_name}\t#{pane_id}\t#{@chatmux-name}').trim().split('\n');
  const hit = rows.map((r) => r.split('\t')).find(([s, , n]) => s!.startsWith('wg-chat-') && (n === name || s!.includes(name)));
  if (!hit) throw new Error(`no pane for chat ${name}:\n${rows.join('\n')}`);
  return hit[1]!;
}

// ------------------------------------------------------------------ the user's terminal

export interface Screen {
  term: Terminal;
  /** Visible rows as text. */
  rows(): string[];
  text(): string;
  /** Resolves with the time (ms, `now()` clock) when `pred` first holds after parsed output. */
  until(pred: (s: Screen) => boolean, timeoutMs?: number, what?: string): Promise<number>;
  /** Bytes received from the program so far. */
  bytes: number;
}

export interface PtyRun extends Screen {
  pty: IPty;
  pid: number;
  startedAt: number;
  /** Time of the first byte the program drew. */
  firstByteAt: number | null;
  write(data: string): void;
  exited: Promise<number>;
  kill(): Promise<void>;
}

function loadPty(): typeof import('@lydell/node-pty') {
  // Optional dependency: the benchmarks need it, nothing else does.
  return require('@lydell/node-pty') as typeof import('@lydell/node-pty');
}

/** Run `file args` under a PTY of `cols`×`rows`, its output drawn into our own xterm. */
export function runInPty(file: string, args: string[], o: { cols: number; rows: number; cwd?: string; env?: Record<string, string> }): PtyRun {
  const term = new Terminal({ cols: o.cols, rows: o.rows, scrollback: 0, allowProposedApi: true });
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  const waiters = new Set<{ pred: (s: Screen) => boolean; resolve: (t: number) => void }>();
  const startedAt = now();
  const pty = loadPty().spawn(file, args, { name: 'xterm-256color', cols: o.cols, rows: o.rows, cwd: o.cwd ?? process.cwd(), env: o.env ?? cleanEnv() });
  let exitResolve!: (code: number) => void;
  const run: PtyRun = {
    term,
    pty,
    pid: pty.pid,
    startedAt,
    firstByteAt: null,
    bytes: 0,
    rows() {
      const b = term.buffer.active;
      const out: string[] = [];
      for (let y = 0; y < term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
      return out;
    },
    text: () => run.rows().join('\n'),
    until(pred, timeoutMs = 30000, what = 'screen') {
      if (pred(run)) return Promise.resolve(now());
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (t: number) => {
            clearTimeout(timer);
            resolve(t);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out waiting for ${what}\n--- screen ---\n${run.text()}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    write(data) {
      // Like a terminal with a keyboard: the output after typed input is parsed at once.
      term.input('', true);
      pty.write(data);
    },
    exited: new Promise((r) => (exitResolve = r)),
    async kill() {
      try {
        process.kill(pty.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await Promise.race([run.exited, sleep(2000)]);
    },
  };
  pty.onData((d) => {
    run.firstByteAt ??= now();
    run.bytes += d.length;
    term.write(d, () => {
      if (!waiters.size) return;
      const t = now();
      for (const w of [...waiters]) {
        if (w.pred(run)) {
          waiters.delete(w);
          w.resolve(t);
        }
      }
    });
  });
  pty.onExit((e) => exitResolve(e.exitCode));
  return run;
}

/** Node flags for the UI (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`; NODE_OPTIONS refuses --cpu-prof). */
const uiNodeArgs = (): string[] => (process.env.CHATMUX_BENCH_UI_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** chatmux's UI in `p`, under a PTY. */
export function runUi(p: Project, cols: number, rows: number): PtyRun {
  return runInPty(process.execPath, [...uiNodeArgs(), CHATMUX], { cols, rows, cwd: p.project, env: p.env() });
}

/** Stop the UI gracefully enough for --cpu-prof to write its profile (SIGINT twice, then SIGKILL). */
export async function stopUi(ui: PtyRun): Promise<void> {
  if (uiNodeArgs().length) {
    // Ctrl+O q, then "leave all chats running" in the exit prompt.
    ui.write('\x0fq');
    await sleep(300);
    ui.write('a');
    await Promise.race([ui.exited, sleep(5000)]);
  }
  await ui.kill();
}

export function screenHas(needle: string | RegExp): (s: Screen) => boolean {
  return (s) => (typeof needle === 'string' ? s.text().includes(needle) : needle.test(s.text()));
}

// ------------------------------------------------------------------ process figures

/** Resident set size in MB from /proc/PID/status. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) of a process from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14, stime 15 (1-based over the whole line).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

let ticks: number | null = null;
function clockTicks(): number {
  if (ticks === null) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** Kill every bench server still running (on exit or failure). */
export function killAllServers(): void {
  for (const s of [...liveSockets]) killServer(s);
}
