/**
 * Run the built `bin/chatmux` against a private test socket and a temp state dir.
 * Tests that use this need `npx tsc -p tsconfig.json` first (the shim runs dist/).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { makeTestServer, type TestServer } from './tmux';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'chatmux');
export const FAKE_AGENT = path.join(ROOT, 'fixtures', 'fake-agent.sh');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

/** A clean environment for chatmux children: no $TMUX, no inherited CHATMUX_*. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TMUX|TMUX_PANE|CHATMUX_.*)$/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function runChatmux(args: readonly string[], o: CliRunOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], o);
}

export function runProcess(file: string, args: readonly string[], o: CliRunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: o.env ?? cleanEnv(), cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 20000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(o.input);
  });
}

/** A temp project folder (realpath) and state dir, removed by `cleanup`; `create` makes the folders. */
export function tempProject(folderName = 'proj', o: { lazy?: boolean } = {}): { root: string; project: string; stateDir: string; create(): void; cleanup(): void } {
  const root = path.join(fs.realpathSync(os.tmpdir()), `chatmux-spec-${randomBytes(5).toString('hex')}`);
  const project = path.join(root, folderName);
  const stateDir = path.join(root, 'state');
  const create = (): void => {
    fs.mkdirSync(project, { recursive: true, mode: 0o700 });
  };
  if (!o.lazy) create();
  // Log writers of a just-killed server may still be finishing: retry a non-empty dir.
  return { root, project, stateDir, create, cleanup: () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/** Global args for one test: socket, project, state dir. */
export function globalArgs(socket: string, p: { project: string; stateDir: string }): string[] {
  return ['--socket', socket, '--project', p.project, '--state-dir', p.stateDir];
}

/** Session names on a test server ([] when it is not running). */
export function sessionsOf(t: TestServer): string[] {
  try {
    return t.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** A chat session's whole pane text, wrapped lines joined (tmux 3.2's -J pads lines with spaces: trimmed). */
export function capture(t: TestServer, session: string): string {
  return t.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', `=${session}:`).replace(/ +$/gm, '');
}

/** One describe block's private tmux server, temp project and global args, cleaned up afterAll. */
export function chatFixture(folderName = 'proj'): { t: TestServer; p: ReturnType<typeof tempProject>; g: string[] } {
  const t = makeTestServer();
  // Folders are made in beforeAll: a describe block skipped by -t runs no hooks and leaves nothing.
  const p = tempProject(folderName, { lazy: true });
  beforeAll(() => p.create());
  afterAll(async () => {
    t.kill();
    await processesGone(p.root);
    p.cleanup();
  });
  return { t, p, g: globalArgs(t.socket, p) };
}

/** Wait (up to `ms`) until no process runs in or names `dir`: a killed server's agents and log writers finishing. */
export async function processesGone(dir: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  const busy = (): boolean => {
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir) || fs.readFileSync(`/proc/${pid}/cmdline`).includes(dir)) return true;
      } catch {
        /* gone or not ours */
      }
    }
    return false;
  };
  while (busy() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}
