/**
 * The registry's quick check (registry-check.ts) against zod's schema: for valid files it
 * returns exactly what zod returns (same keys, order, defaults, copies); whatever zod refuses
 * it leaves to zod (null), so zod's verdict and messages stay the only ones. Reading a valid
 * registry does not load zod (issue 15.4: it cost 50–100 ms of the UI's start).
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { quickRegistry } from '../lib/chat/registry-check';
import { RegistrySchema } from '../lib/chat/registry-schema';

const chat = (n: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ref: `chat-${n}`, name: `c${n}`, role: '', parent: null, executor: 'cmd', argv: ['sh', '-c', 'x'], cwd: '/p',
  model: null, endpoint: null, apiKeyEnv: null, resumeId: null, state: 'running', session: `s${n}`, created: '2026-01-01T00:00:00Z',
  ...extra,
});
const reg = (chats: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ version: 1, project: '/p', lastRef: chats.length, chats, ...extra });

/** Both agree: same result (to the byte once written back), or quick leaves it to zod. */
function agree(data: unknown): 'valid' | 'invalid' | 'deferred' {
  const z = RegistrySchema.safeParse(data);
  const q = quickRegistry(data);
  if (q === null) return z.success ? 'deferred' : 'invalid';
  expect(z.success).toBe(true);
  expect(JSON.stringify(q)).toBe(JSON.stringify(z.data));
  expect(q).toEqual(z.data);
  return 'valid';
}

// A seeded generator: the same cases every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const ODD_VALUES: unknown[] = [undefined, null, 0, -1, 1.5, 2 ** 60, '', 'x', 'chat-0', 'chat-07', 'chat-12', true, [], ['a'], [1], {}, { a: 'b' }, { a: 1 }, 'claude', 'bogus', 'archived', 'running'];
const KEYS = ['ref', 'name', 'role', 'parent', 'executor', 'argv', 'cwd', 'model', 'endpoint', 'apiKeyEnv', 'resumeId', 'state', 'starterPid', 'stopperPid', 'pidStart', 'stateReason', 'session', 'created', 'startedAt', 'launchEnv', 'unknownKey'];
const TOP = ['version', 'project', 'lastRef', 'chats', 'extra'];

describe('quickRegistry', () => {
  test('valid registries: the same result as zod (defaults filled, optional keys kept absent, unknown keys dropped)', () => {
    expect(agree(reg([]))).toBe('valid');
    expect(agree(reg([chat(1), chat(2, { starterPid: 12, stopperPid: null, pidStart: '99', stateReason: 'why', startedAt: 'now', launchEnv: { PATH: '/bin' }, other: 1 })], { extra: true }))).toBe('valid');
    expect(agree(reg([chat(3, { launchEnv: null, stopperPid: 4, executor: 'claude', state: 'archived', parent: 'chat-1' })]))).toBe('valid');
  });

  test('random damage: never accepted when zod refuses, never a different result when both accept', () => {
    const r = rng(15);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const counts = { valid: 0, invalid: 0, deferred: 0 };
    for (let i = 0; i < 3000; i++) {
      const chats = [chat(1), chat(2, { launchEnv: { HOME: '/h' }, starterPid: 5 })];
      const data = reg(chats);
      for (let k = 0, n = 1 + Math.floor(r() * 3); k < n; k++) {
        const value = pick(ODD_VALUES);
        if (r() < 0.2) {
          const key = pick(TOP);
          if (value === undefined) delete data[key];
          else data[key] = value;
        } else {
          const c = pick(chats);
          const key = pick(KEYS);
          if (value === undefined) delete c[key];
          else c[key] = value;
        }
      }
      counts[agree(JSON.parse(JSON.stringify(data)) as unknown)]++;
    }
    // Both kinds occur, and the quick check decides nearly everything zod accepts.
    expect(counts.valid).toBeGreaterThan(100);
    expect(counts.invalid).toBeGreaterThan(100);
    expect(counts.deferred).toBeLessThan(counts.valid / 10);
  });

  test('reading a valid registry does not load zod', () => {
    const dist = path.join(__dirname, '..', 'dist', 'lib', 'chat', 'registry.js');
    const script = `
      const fs = require('fs'), os = require('os'), path = require('path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-regcheck-'));
      fs.writeFileSync(path.join(dir, 'chats.json'), JSON.stringify(${JSON.stringify(reg([chat(1)]))}));
      const { readRegistry } = require(${JSON.stringify(dist)});
      readRegistry({ stateDir: dir, project: '/p' }).then((r) => {
        fs.rmSync(dir, { recursive: true, force: true });
        const zod = Object.keys(require.cache).some((f) => f.includes('/node_modules/zod/'));
        process.stdout.write(JSON.stringify({ chats: r.chats.length, zod }));
      });`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual({ chats: 1, zod: false });
  });
});
