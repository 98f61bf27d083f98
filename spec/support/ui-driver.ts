/**
 * Drive the real `chatmux` UI like a person: it runs inside an outer private tmux, keys go
 * in with `send-keys`, the screen is read with `capture-pane`. chatmux itself uses its own
 * private socket. `stop()` kills both servers (by socket) and the UI process (by PID).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tmuxEnv } from '../../lib/control/server';
import { killTestServer, noteTestSocket, testSocketName, waitFor } from './tmux';

export const REPO = path.resolve(__dirname, '..', '..');
export const CHATMUX = path.join(REPO, 'bin', 'chatmux');

export interface UiDriver {
  project: string;
  socket: string;
  outer: string;
  start(extraEnv?: Record<string, string>): void;
  screen(): string;
  waitScreen(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  keys(...keys: string[]): void;
  type(text: string): void;
  cli(...args: string[]): { code: number; stdout: string; stderr: string };
  uiPid(): number | null;
  /** tmux on chatmux's socket. */
  tmux(...args: string[]): string;
  /** True once the UI process has exited (the outer pane prints EXIT=<code>). */
  exitCode(): number | null;
  stop(): void;
}

/** What chatmux itself gives tmux: no $TMUX, so nothing reaches an enclosing server. */
const noTmuxEnv = (): NodeJS.ProcessEnv => tmuxEnv();

/**
 * `socket` and `session`: a second UI on the same project and chat server runs in another
 * session (`session`) of the same outer tmux.
 */
export function makeUiDriver(o: { project?: string; width?: number; height?: number; socket?: string; session?: string } = {}): UiDriver {
  const project = o.project ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-ui-'));
  const socket = o.socket ?? testSocketName();
  const session = o.session ?? 'ui';
  const target = `=${session}:`;
  const outer = noteTestSocket(`${socket}-outer`);
  const stateDir = path.join(project, '.chatmux');
  const outerTmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', outer, '-f', '/dev/null', ...args], { env: noTmuxEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const d: UiDriver = {
    project,
    socket,
    outer,
    start(extraEnv = {}) {
      const env = Object.entries({ CHATMUX_SOCKET: socket, CHATMUX_STATE_DIR: stateDir, TERM: 'xterm-256color', ...extraEnv })
        .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join(' ');
      const cmd = `cd '${project}' && exec env ${env} sh -c 'node ${CHATMUX}; echo EXIT=$?; sleep 600'`;
      // Restart in the same outer pane when it exists (killing the session could stop the server).
      try {
        outerTmux('respawn-pane', '-k', '-t', target, cmd);
      } catch {
        const [w, h] = [o.width ?? 140, o.height ?? 40];
        // tmux 3.2 gives a detached new-session 80x24 whatever -x/-y say: resize-window fixes
        // that, and the UI starts once it has (at most 2 s later).
        const waitSize = `i=0; until [ "$(stty size)" = "${h} ${w}" ] || [ $i -ge 100 ]; do sleep 0.02; i=$((i+1)); done; `;
        outerTmux('new-session', '-d', '-s', session, '-x', String(w), '-y', String(h), waitSize + cmd);
        outerTmux('resize-window', '-t', target, '-x', String(w), '-y', String(h));
      }
    },
    screen: () => outerTmux('capture-pane', '-p', '-t', target),
    async waitScreen(pattern, timeoutMs = 10000) {
      const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
      let last = '';
      try {
        return await waitFor(() => {
          last = d.screen();
          return re.test(last) ? last : null;
        }, timeoutMs, `screen to show ${re}`);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- screen ---\n${last}`);
      }
    },
    keys: (...keys) => void outerTmux('send-keys', '-t', target, ...keys),
    type: (text) => void outerTmux('send-keys', '-t', target, '-l', text),
    cli(...args) {
      const r = spawnSync('node', [CHATMUX, ...args], { cwd: project, env: { ...noTmuxEnv(), CHATMUX_SOCKET: socket, CHATMUX_STATE_DIR: stateDir }, encoding: 'utf8' });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    uiPid() {
      // The pane's shell execs `sh -c 'node …'`: the UI is its child.
      try {
        const shPid = Number(outerTmux('display-message', '-p', '-t', target, '#{pane_pid}').trim());
        const kids = execFileSync('pgrep', ['-P', String(shPid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
        return kids.find((k) => fs.readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('bin/chatmux')) ?? null;
      } catch {
        return null;
      }
    },
    tmux: (...args) => execFileSync('tmux', ['-L', socket, ...args], { env: noTmuxEnv(), encoding: 'utf8' }),
    exitCode() {
      const m = /EXIT=(\d+)/.exec(d.screen());
      return m ? Number(m[1]) : null;
    },
    stop() {
      const pid = d.uiPid();
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      killTestServer(outer);
      killTestServer(socket);
    },
  };
  return d;
}

/** After a test: stop the UI and both servers, remove the project (a log may still be flushing). */
export function disposeUi(d: UiDriver | null): void {
  if (!d) return;
  d.stop();
  fs.rmSync(d.project, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
