/**
 * Smoke harness: run the real `chatmux` inside an outer private tmux and drive it like a
 * person (send-keys in, capture-pane out). chatmux gets its own private socket, a temp project
 * and state dir. Everything started here is recorded and `cleanup()` stops it — UI processes
 * and stub servers by PID, both tmux servers by socket — even when the scenario failed.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor as until } from '../spec/support/tmux';

export const REPO = path.resolve(__dirname, '..', '..');
export const CHATMUX = path.join(REPO, 'bin', 'chatmux');
export const FIXTURES = path.join(REPO, 'fixtures');
const STUB = path.join(REPO, 'dist', 'fixtures', 'stub-server.js');

/** Thrown to skip a scenario with a reason (e.g. something this machine lacks). */
export class Skip extends Error {}

export interface Scenario {
  name: string;
  run(h: Harness): Promise<void>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ChatEntry {
  ref: string;
  name: string;
  /** The agent state (working, idle, …, or closed/archived/lost/starting). */
  state: string;
  /** The registry's word: running, closed, archived, starting. */
  lifecycle: string;
  session: string;
  executor: string;
}

/** Environment without any tmux client variables: nothing here may reach the user's tmux. */
export function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TMUX|TMUX_PANE|CHATMUX_.*)$/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const escapeRe = (s: string): RegExp => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** Poll until a value is truthy (the specs' helper): `until(fn, timeoutMs, what)`. */
export { until };

export interface UiStartOptions {
  env?: Record<string, string>;
  /** The outer window to run in (default "ui"). */
  window?: string;
  /** Extra chatmux arguments (default: none = the UI). */
  args?: string[];
  /** Replace the whole command line run in the pane (already shell-quoted). */
  command?: string;
  /** Keep the outer tmux's $TMUX / $TMUX_PANE (a terminal inside another tmux). */
  keepTmux?: boolean;
}

export class Harness {
  readonly id = randomBytes(4).toString('hex');
  readonly socket = `chatmux-test-${this.id}`;
  readonly outer = `chatmux-test-${this.id}-outer`;
  readonly root: string;
  readonly project: string;
  readonly stateDir: string;
  /** Lines the runner prints under the scenario's result (e.g. "fake agent used"). */
  readonly notes: string[] = [];
  /** Environment every chatmux this scenario starts gets (fake agent binaries, homes). */
  readonly env: Record<string, string>;
  private readonly pids = new Set<number>();
  private readonly children: ChildProcess[] = [];
  private outerStarted = false;

  constructor(readonly scenario: string) {
    this.root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-smoke-')));
    this.project = path.join(this.root, 'proj');
    fs.mkdirSync(this.project);
    this.stateDir = path.join(this.project, '.chatmux');
    this.env = {
      CHATMUX_SOCKET: this.socket,
      CHATMUX_STATE_DIR: this.stateDir,
      FAKE_AGENT_HOME: path.join(this.root, 'fake-agent-home'),
      CODEX_HOME: path.join(this.root, 'codex-home'),
      HOME: path.join(this.root, 'home'),
      SHELL: '/bin/sh',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
    };
    fs.mkdirSync(this.env.HOME!, { recursive: true });
  }

  note(line: string): void {
    this.notes.push(line);
  }

  // ------------------------------------------------------------------ outer tmux (the "terminal")

  outerTmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.outer, '-f', '/dev/null', ...args], { env: plainEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The shell command that runs chatmux in a pane and then reports how it exited. */
  private paneCommand(o: UiStartOptions, project: string): string {
    const env = Object.entries({ ...this.env, ...o.env }).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
    const run = o.command ?? `${shq(process.execPath)} ${shq(CHATMUX)} ${(o.args ?? []).map(shq).join(' ')}`;
    // The pane keeps running after chatmux exits so the screen and EXIT=<code> stay readable.
    const unset = o.keepTmux ? '' : '-u TMUX -u TMUX_PANE ';
    return `cd ${shq(project)} && exec env ${unset}${env} sh -c ${shq(`${run}; echo EXIT=$?; exec sleep 600`)}`;
  }

  /** Start the UI (or `o.args`) in outer window `o.window`, replacing whatever ran there. */
  startUi(o: UiStartOptions = {}, project = this.project): void {
    const win = o.window ?? 'ui';
    const cmd = this.paneCommand(o, project);
    if (!this.outerStarted) {
      this.outerTmux('new-session', '-d', '-s', 'smoke', '-n', win, '-x', '160', '-y', '45', 'exec sleep 600');
      this.outerStarted = true;
      this.outerTmux('set-option', '-g', 'remain-on-exit', 'on');
    } else if (!this.outerTmux('list-windows', '-t', '=smoke', '-F', '#{window_name}').split('\n').includes(win)) {
      this.outerTmux('new-window', '-d', '-t', '=smoke:', '-n', win, 'exec sleep 600');
    }
    // tmux 3.2 gives a detached session's windows 80x24 whatever -x/-y say: size the window
    // before the UI starts in it (a no-op on 3.3+).
    this.outerTmux('resize-window', '-t', this.target(win), '-x', '160', '-y', '45');
    this.outerTmux('respawn-pane', '-k', '-t', this.target(win), cmd);
  }

  private target(win = 'ui'): string {
    return `=smoke:=${win}`;
  }

  screen(win = 'ui'): string {
    return this.outerTmux('capture-pane', '-p', '-t', this.target(win));
  }

  async waitScreen(pattern: RegExp | string, timeoutMs = 15000, win = 'ui'): Promise<string> {
    const re = typeof pattern === 'string' ? escapeRe(pattern) : pattern;
    let last = '';
    try {
      return await until(() => {
        last = this.screen(win);
        return re.test(last) ? last : null;
      }, timeoutMs, `the screen to show ${re}`);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen (${win}) ---\n${last}\n---`);
    }
  }

  async waitScreenGone(pattern: RegExp | string, timeoutMs = 10000, win = 'ui'): Promise<void> {
    const re = typeof pattern === 'string' ? escapeRe(pattern) : pattern;
    let last = '';
    try {
      await until(() => {
        last = this.screen(win);
        return !re.test(last);
      }, timeoutMs, `the screen to stop showing ${re}`);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen (${win}) ---\n${last}\n---`);
    }
  }

  /** Named keys (tmux key names: Enter, C-o, M-Right …). */
  keys(...keys: string[]): void {
    this.outerTmux('send-keys', '-t', this.target(), ...keys);
  }

  keysIn(win: string, ...keys: string[]): void {
    this.outerTmux('send-keys', '-t', this.target(win), ...keys);
  }

  /** Literal text, as typed. */
  type(text: string, win = 'ui'): void {
    this.outerTmux('send-keys', '-t', this.target(win), '-l', text);
  }

  /** The chatmux process in an outer window (the pane's `sh -c` runs it as its child). */
  uiPid(win = 'ui'): number | null {
    try {
      const shPid = Number(this.outerTmux('display-message', '-p', '-t', this.target(win), '#{pane_pid}').trim());
      const kids = spawnSync('pgrep', ['-P', String(shPid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
      const pid = kids.find((k) => {
        try {
          return fs.readFileSync(`/proc/${k}/cmdline`, 'utf8').includes(CHATMUX);
        } catch {
          return false;
        }
      });
      if (pid) this.pids.add(pid);
      return pid ?? null;
    } catch {
      return null;
    }
  }

  async waitUiPid(win = 'ui'): Promise<number> {
    return until(() => this.uiPid(win), 5000, 'the chatmux process');
  }

  exitCode(win = 'ui'): number | null {
    const m = /EXIT=(\d+)/.exec(this.screen(win));
    return m ? Number(m[1]) : null;
  }

  async waitExit(timeoutMs = 8000, win = 'ui'): Promise<number> {
    let last = '';
    try {
      return await until(() => {
        last = this.screen(win);
        const m = /EXIT=(\d+)/.exec(last);
        return m ? Number(m[1]) + 1 : null; // +1: 0 is falsy
      }, timeoutMs, 'chatmux to exit').then((n) => n - 1);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${last}\n---`);
    }
  }

  // ------------------------------------------------------------------ chatmux CLI and tmux state

  cli(args: string[], o: { env?: Record<string, string>; project?: string; stateDir?: string } = {}): CliResult {
    const env = plainEnv({ ...this.env, ...(o.stateDir ? { CHATMUX_STATE_DIR: o.stateDir } : {}), ...o.env });
    const r = spawnSync(process.execPath, [CHATMUX, ...args], { cwd: o.project ?? this.project, env, encoding: 'utf8', timeout: 20000 });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** `cli` that must succeed. */
  ok(args: string[], o: Parameters<Harness['cli']>[1] = {}): string {
    const r = this.cli(args, o);
    if (r.code !== 0) throw new Error(`chatmux ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** `chatmux chat new --executor cmd --name NAME -- sh -c SCRIPT`; returns the ref. */
  newCmdChat(name: string, script: string, o: Parameters<Harness['cli']>[1] = {}): string {
    return this.ok(['chat', 'new', '--executor', 'cmd', '--name', name, '--', 'sh', '-c', script], o).trim();
  }

  chats(all = true, o: Parameters<Harness['cli']>[1] = {}): ChatEntry[] {
    return JSON.parse(this.ok(['chat', 'list', '--json', ...(all ? ['--all'] : [])], o)) as ChatEntry[];
  }

  chat(ref: string): ChatEntry {
    const c = this.chats().find((x) => x.ref === ref);
    if (!c) throw new Error(`no chat ${ref} in chat list`);
    return c;
  }

  /** tmux on chatmux's socket (checks only). */
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { env: plainEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Session names on chatmux's socket ([] when no server runs). */
  sessions(): string[] {
    try {
      return this.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  chatSessions(): string[] {
    return this.sessions().filter((s) => s.startsWith('wg-chat-'));
  }

  /** `chatmux sessions --json`, parsed. */
  sessionsJson(): Array<Record<string, unknown>> {
    const v = JSON.parse(this.ok(['sessions', '--json'])) as unknown;
    if (Array.isArray(v)) return v as Array<Record<string, unknown>>;
    return ((v as { sessions?: unknown[] }).sessions ?? []) as Array<Record<string, unknown>>;
  }

  /** The pid of the first pane of a chat's session. */
  panePid(session: string): number {
    return Number(this.tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_pid}').trim());
  }

  /** The whole text of a chat's pane as tmux holds it (history included, wrapped lines joined). */
  capture(session: string): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', `=${session}:`);
  }

  // ------------------------------------------------------------------ helpers started here

  /** Start the endpoint stub (loopback, stops itself when idle); returns its URL. */
  async startStub(args: string[] = []): Promise<string> {
    const child = spawn(process.execPath, [STUB, '--port', '0', '--idle-timeout-ms', '120000', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    if (child.pid) this.pids.add(child.pid);
    let outText = '';
    child.stdout!.on('data', (b: Buffer) => (outText += b.toString()));
    child.stderr!.on('data', () => {});
    return until(() => /^(http:\/\/127\.0\.0\.1:\d+)/m.exec(outText)?.[1], 5000, 'the stub server URL');
  }

  /** Recorded model requests of a stub. */
  async stubRequests(url: string): Promise<Array<{ api: string; body: unknown; headers: Record<string, unknown> }>> {
    const r = await fetch(`${url}/_stub/requests`);
    const all = (await r.json()) as Array<{ api: string; body: unknown; headers: Record<string, unknown> }>;
    return all.filter((x) => x.api === 'responses' || x.api === 'chat' || x.api === 'messages');
  }

  /**
   * Use the real claude / codex CLI when fixtures/install-agent-clis.sh has cached it (and
   * SMOKE_FAKE_AGENTS is not set), else the scripted stand-in; the scenario's output says which.
   * Real CLIs get a dummy key in `SMOKE_KEY` (the stub accepts any) and temp config homes.
   */
  vendorAgent(vendor: 'claude' | 'codex'): AgentProfile {
    const real = process.env.SMOKE_FAKE_AGENTS ? null : cachedRealCli(vendor);
    const bin = real?.path ?? path.join(FIXTURES, `fake-${vendor}`);
    this.env[`CHATMUX_${vendor.toUpperCase()}_BIN`] = bin;
    if (real) {
      this.env.SMOKE_KEY = `sk-smoke-${this.id}`;
      this.env.CLAUDE_CONFIG_DIR = path.join(this.env.HOME!, '.claude');
      this.note(`${vendor}: the real ${vendor} CLI ${real.version} (${real.path}) against the stub endpoint`);
      return vendor === 'codex'
        ? { real: true, keyEnv: 'SMOKE_KEY', ready: /Ask Codex|›/, resumed: /echo:/ }
        : { real: true, keyEnv: 'SMOKE_KEY', ready: /❯/, resumed: /echo:/ };
    }
    this.note(`${vendor}: the real ${vendor} CLI is not installed here (fixtures/install-agent-clis.sh has not cached it${process.env.SMOKE_FAKE_AGENTS ? ', or SMOKE_FAKE_AGENTS is set' : ''}); used the scripted stand-in fixtures/fake-${vendor} against the stub endpoint`);
    return { real: false, keyEnv: '', ready: new RegExp(`FAKE-${vendor.toUpperCase()}`), resumed: /resumed \d+ earlier turns/ };
  }

  track(pid: number): void {
    this.pids.add(pid);
  }

  /** The end of the UI's own log, for a failure report ('' when there is none). */
  uiLogTail(lines = 15): string {
    try {
      const text = fs.readFileSync(path.join(this.stateDir, 'ui.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      return `\n--- ui.log (last ${lines} lines) ---\n${text}\n---`;
    } catch {
      return '';
    }
  }

  // ------------------------------------------------------------------ cleanup

  cleanup(): void {
    // Every chatmux still running in an outer window, found before the windows go.
    if (this.outerStarted) {
      try {
        for (const win of this.outerTmux('list-windows', '-t', '=smoke', '-F', '#{window_name}').split('\n').filter(Boolean)) this.uiPid(win);
      } catch {
        /* outer server already gone */
      }
    }
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const c of this.children) c.kill('SIGKILL');
    for (const sock of [this.outer, this.socket]) {
      try {
        execFileSync('tmux', ['-L', sock, 'kill-server'], { env: plainEnv(), stdio: 'ignore' });
      } catch {
        /* not running */
      }
      // tmux leaves its socket file behind when its server is killed.
      fs.rmSync(path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, sock), { force: true });
    }
  }

  /** Remove the temp dir once the killed servers' processes let go of it. */
  async removeFiles(): Promise<void> {
    if (process.env.SMOKE_KEEP_FILES) return void process.stdout.write(`    kept ${this.root}\n`);
    const end = Date.now() + 3000;
    while (Date.now() < end && this.busy()) await sleep(50);
    fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }

  private busy(): boolean {
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(this.root)) return true;
      } catch {
        /* gone or not ours */
      }
    }
    return false;
  }
}

/** How a scenario recognises a vendor agent on screen. */
export interface AgentProfile {
  real: boolean;
  /** The API key variable to give the chat ('' = none). */
  keyEnv: string;
  /** The agent is ready for input. */
  ready: RegExp;
  /** Shown when the agent replays an earlier conversation. */
  resumed: RegExp;
}

/** The real CLI from install-agent-clis.sh's cache, only if already installed (never installs here). */
function cachedRealCli(vendor: 'claude' | 'codex'): { path: string; version: string } | null {
  const cache = process.env.CHATMUX_AGENT_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'chatmux-agent-clis');
  let list = '';
  try {
    list = fs.readFileSync(path.join(FIXTURES, 'agent-clis.txt'), 'utf8');
  } catch {
    return null;
  }
  for (const line of list.split('\n')) {
    const [pkg, version, bin] = line.trim().split(/\s+/);
    if (!pkg || pkg.startsWith('#') || bin !== vendor || !version) continue;
    const dir = path.join(cache, `${pkg.replace(/^@/, '').replace(/\//g, '-')}@${version}`);
    const exe = path.join(dir, 'node_modules', '.bin', bin);
    if (fs.existsSync(path.join(dir, '.installed')) && fs.existsSync(exe)) return { path: exe, version };
  }
  return null;
}

/** Assert with a message that says what a person would have seen. */
export function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}
