/**
 * Red team (chaos sweep): a CLI ended by Ctrl-C, `kill` or its terminal closing while it held
 * the registry lock left `chats.json.lock` behind (SIGHUP of `chat archive` in the chaos run);
 * only the next writer removed it. Now those signals remove a held lock and end the process as
 * the signal would have (exit 128+n). A program with its own handler (the UI) keeps its lock:
 * releasing it under a holder that goes on running would let two writers in. Ctrl-Z (SIGTSTP)
 * stopped a holder with its lock: a stopped owner is alive, so every other chatmux waited a
 * minute and failed with "still held"; now the stop waits for the release, and a holder
 * stopped by SIGSTOP is named as stopped. Runs dist/.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './support/chatmux-cli';
import { acquireLock } from '../lib/chat/state-lock';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-redteam-signals-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const stateLock = path.join(ROOT, 'dist', 'lib', 'chat', 'state-lock.js');

/** A node process holding `lock` via the built acquireLock (with `ownHandler`, a SIGTERM handler that does not exit; with `holdMs`, released after that long, the process running on); resolves once it holds it. */
function holder(lock: string, o: { ownHandler?: boolean; holdMs?: number } = {}): Promise<{ pid: number; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; kill: (s: NodeJS.Signals) => void }> {
  const script = `
    ${o.ownHandler ? "process.on('SIGTERM', () => console.log('own handler'));" : ''}
    require(${JSON.stringify(stateLock)}).acquireLock(${JSON.stringify(lock)}).then((release) => {
      console.log('held');
      ${o.holdMs !== undefined ? `setTimeout(release, ${o.holdMs});` : ''}
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('held')) resolve({ pid: child.pid!, exited, kill: (s) => child.kill(s) });
    });
  });
}

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('%s while the registry lock is held: the lock is removed, exit %i', async (signal, code) => {
  const lock = path.join(root, `${signal}.lock`);
  const h = await holder(lock);
  expect(fs.existsSync(lock)).toBe(true);
  h.kill(signal);
  expect(await h.exited).toEqual({ code, signal: null });
  expect(fs.existsSync(lock)).toBe(false);
});

test('a program with its own SIGTERM handler keeps running and keeps its lock', async () => {
  const lock = path.join(root, 'own.lock');
  const h = await holder(lock, { ownHandler: true });
  h.kill('SIGTERM');
  await new Promise((res) => setTimeout(res, 300));
  expect(fs.existsSync(lock)).toBe(true);
  h.kill('SIGKILL');
  expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
});

/** The process's state letter (R, S, T…) from /proc. */
const stateOf = (pid: number): string => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
};

test('Ctrl-Z (SIGTSTP) while the lock is held: the process stops only after releasing it', async () => {
  const lock = path.join(root, 'tstp.lock');
  const h = await holder(lock, { holdMs: 400 });
  try {
    h.kill('SIGTSTP');
    await new Promise((res) => setTimeout(res, 250));
    // Still running (not stopped) while it holds the lock …
    expect([fs.existsSync(lock), stateOf(h.pid)]).not.toEqual([true, 'T']);
    await new Promise((res) => setTimeout(res, 600));
    // … and stopped once it let go.
    expect([fs.existsSync(lock), stateOf(h.pid)]).toEqual([false, 'T']);
  } finally {
    h.kill('SIGCONT');
    h.kill('SIGKILL');
    await h.exited;
  }
});

test('a holder stopped by SIGSTOP: a waiter says it is stopped and how to continue it', async () => {
  const lock = path.join(root, 'stopped.lock');
  const h = await holder(lock);
  h.kill('SIGSTOP');
  try {
    await expect(acquireLock(lock, { timeoutMs: 300 })).rejects.toThrow(new RegExp(`held by pid ${h.pid}, which is stopped \\(Ctrl-Z or SIGSTOP\\); continue it \\(fg, or kill -CONT ${h.pid}\\)`));
  } finally {
    h.kill('SIGKILL');
    await h.exited;
  }
});
