/**
 * Private tmux servers for tests: every test server lives on its own socket
 * (`-L chatmux-test-<random>`) and is killed by that socket only — never the default
 * server, never $TMUX, never pkill.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { TmuxCli } from '../../lib/control/exec';
import { tmuxEnv, type TmuxServerOptions } from '../../lib/control/server';
import { parseTmuxVersion, type TmuxVersion } from '../../lib/control/version';

export interface TestServer {
  socket: string;
  server: TmuxServerOptions;
  cli: TmuxCli;
  /** Run plain `tmux -L <socket> …` with argv (test-side checks only). */
  tmux(...args: string[]): string;
  kill(): void;
}

const live = new Set<string>();

/** Every socket name this test file used: their files go when their servers have (see below). */
const named = new Set<string>();

/** A fresh private socket name; `killAllTestServers()` kills its server too. */
export function testSocketName(): string {
  const name = `chatmux-test-${randomBytes(5).toString('hex')}`;
  live.add(name);
  named.add(name);
  return name;
}

/** A socket some helper names itself (an outer tmux, a "remote" one): its file is removed too. */
export function noteTestSocket(name: string): string {
  named.add(name);
  return name;
}

/**
 * Remove the files of this file's sockets whose server is gone (tmux leaves the file behind
 * when its server is killed: ~600 per suite run piled up). A file a server still listens on is
 * kept: it is how that server is reached and killed.
 */
export async function removeDeadSocketFiles(): Promise<void> {
  await Promise.all(
    [...named].map(
      (name) =>
        new Promise<void>((resolve) => {
          const file = testSocketPath(name);
          const probe = net.connect(file);
          probe.once('connect', () => {
            probe.destroy();
            resolve();
          });
          probe.once('error', (e: NodeJS.ErrnoException) => {
            if (e.code === 'ECONNREFUSED') rmSync(file, { force: true });
            resolve();
          });
        }),
    ),
  );
}

export function makeTestServer(configFile = '/dev/null'): TestServer {
  const socket = testSocketName();
  const server: TmuxServerOptions = { socket, configFile };
  return {
    socket,
    server,
    cli: new TmuxCli(server),
    tmux: (...args: string[]) => {
      const run = (a: string[]): string =>
        execFileSync('tmux', ['-u', '-L', socket, '-f', configFile, ...a], { env: tmuxEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (args[0] !== 'kill-server') return run(args);
      // tmux's kill-server only signals the server and returns: wait until it is gone, or the
      // next command may still meet the dying server and its sessions (seen on loaded CI).
      let pid = 0;
      try {
        pid = Number(run(['display-message', '-p', '#{pid}']).trim());
      } catch {
        /* no server */
      }
      const out = run(args);
      if (pid > 0) waitForExitSync(pid, 10_000);
      return out;
    },
    kill: () => killTestServer(socket),
  };
}

/** Block until process `pid` has exited (or the time is up). */
export function waitForExitSync(pid: number, timeoutMs: number): void {
  const end = Date.now() + timeoutMs;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
      // a zombie nobody reaps yet (a container's init) has exited too
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return;
    } catch {
      return;
    }
    Atomics.wait(nap, 0, 0, 20);
  }
}

export function killTestServer(socket: string): void {
  // The socket stays on the list: a test that kills its server may see chatmux start it again
  // (resuming lost chats), and afterAll must kill that one too.
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { env: tmuxEnv(), stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

/** Where tmux puts a -L socket (tmux's own rule: $TMUX_TMPDIR or /tmp, then tmux-UID). */
export function testSocketPath(socket: string): string {
  return path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket);
}

/**
 * Kill every server this test file started (for afterAll), and remove their socket files:
 * tmux leaves the file behind when its server is killed, and a suite run left ~600 of them.
 */
export function killAllTestServers(): void {
  for (const s of [...live]) {
    killTestServer(s);
    rmSync(testSocketPath(s), { force: true });
  }
}

/** Poll until `fn` returns a truthy value or the time runs out. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The version of the `tmux` on PATH (the one the tests run against). */
export function systemTmuxVersion(): TmuxVersion {
  const v = parseTmuxVersion(execFileSync('tmux', ['-V'], { encoding: 'utf8' }));
  if (!v) throw new Error('cannot read tmux -V');
  return v;
}
