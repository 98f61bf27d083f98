/**
 * Red team (chaos sweep): a CLI ended by Ctrl-C, `kill` or its terminal closing while it held
 * the registry lock left `chats.json.lock` behind (SIGHUP of `chat archive` in the chaos run);
 * only the next writer removed it. Now those signals remove a held lock and end the process as
 * the signal would have (exit 128+n). A program with its own handler (the UI) keeps its lock:
 * releasing it under a holder that goes on running would let two writers in. Runs dist/.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './support/chatmux-cli';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-redteam-signals-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A node process holding `lock` via the built acquireLock (with `ownHandler`, a SIGTERM handler that does not exit); resolves once it holds it. */
function holder(lock: string, ownHandler = false): Promise<{ exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; kill: (s: NodeJS.Signals) => void }> {
  const script = `
    ${ownHandler ? "process.on('SIGTERM', () => console.log('own handler'));" : ''}
    require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'chat', 'state-lock.js'))}).acquireLock(${JSON.stringify(lock)}).then(() => {
      console.log('held');
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('held')) resolve({ exited, kill: (s) => child.kill(s) });
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
  const h = await holder(lock, true);
  h.kill('SIGTERM');
  await new Promise((res) => setTimeout(res, 300));
  expect(fs.existsSync(lock)).toBe(true);
  h.kill('SIGKILL');
  expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
});
