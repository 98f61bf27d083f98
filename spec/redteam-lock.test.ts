/**
 * Red team (issue 10.11): locks left by a CLI killed with SIGKILL at a random moment.
 * 30 random kills of new/close/archive/rename/sweep left, once, an EMPTY chats.json.lock (the
 * kill fell between creating the file and writing its owner record); the next `chat list`
 * then waited 30 s for it to age out. And a write killed while writing the backup left its
 * temp file (`chats.json.bak.tmp-…`) for ever.
 */
import { afterAll, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLock } from '../lib/chat/state-lock';
import { makeChatContext } from '../lib/chat/context';
import { updateRegistry } from '../lib/chat/registry';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-redteam-lock-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A file as a killed taker leaves it, `ageS` seconds old. */
function leftover(name: string, text: string, ageS: number): string {
  const f = path.join(root, name);
  fs.writeFileSync(f, text);
  const t = new Date(Date.now() - ageS * 1000);
  fs.utimesSync(f, t, t);
  return f;
}

test('an empty lock left by a killed taker is broken once the write grace passed, not after 30 s', async () => {
  const lock = leftover('empty.lock', '', 3);
  const why: string[] = [];
  const t0 = Date.now();
  const release = await acquireLock(lock, { timeoutMs: 20_000, onBreak: (w) => why.push(w) });
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(why).toEqual(['it is empty: its owner was killed while taking it']);
  release();
  expect(fs.existsSync(lock)).toBe(false);
});

test('a fresh empty lock (its owner is writing its record) is still respected', async () => {
  const lock = leftover('fresh.lock', '', 0);
  const t0 = Date.now();
  const release = await acquireLock(lock, { timeoutMs: 20_000 });
  // Held for the write grace (2 s), then judged empty-and-dead.
  expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
  release();
});

test('temp files of killed registry writes are removed, the backup\'s included', async () => {
  const stateDir = path.join(root, 'state');
  const ctx = makeChatContext({ project: root, stateDir, socket: 'unused', warn: () => {} });
  await updateRegistry(ctx, () => {});
  const left = ['chats.json.tmp-999999-deadbeef', 'chats.json.bak.tmp-999999-deadbeef', 'chats.json.7'];
  for (const f of left) fs.writeFileSync(path.join(stateDir, f), 'partial');
  await updateRegistry(ctx, (reg) => {
    reg.lastRef = 1;
  });
  expect(fs.readdirSync(stateDir).filter((f) => f.startsWith('chats.json')).sort()).toEqual(['chats.json', 'chats.json.bak']);
});
