/** askOnce: the headless nex turn `chatmux ask` uses — history from the transcript, turn recorded. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStub, type Stub } from '../fixtures/stub-server';
import { askOnce, NexError, readTranscript } from '../lib/agents/nex';

let stub: Stub;
let dir: string;
beforeAll(async () => {
  stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nex-ask-'));
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('five turns: each request carries all earlier turns, every turn is recorded', async () => {
  const transcriptPath = path.join(dir, 'five.jsonl');
  const before = stub.modelRequests().length;
  for (let i = 1; i <= 5; i++) {
    const reply = await askOnce({ endpoint: stub.url, model: 'stub-model', apiKey: 'sk-ask-dummy', transcriptPath, message: `turn ${i}`, system: 'sys' });
    expect(reply).toBe(`echo: turn ${i} (messages: ${2 * i})`);
  }
  const reqs = stub.modelRequests().slice(before);
  expect(reqs).toHaveLength(5);
  reqs.forEach((r, i) => {
    expect(r.path).toBe('/v1/chat/completions');
    expect(r.headers.authorization).toBe('Bearer sk-ask-dummy');
    const msgs = (r.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(msgs.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(Array.from({ length: i + 1 }, (_, k) => `turn ${k + 1}`));
    expect(msgs[0]).toEqual({ role: 'system', content: 'sys' });
  });
  expect(readTranscript(transcriptPath).turns.map((t) => t.user)).toEqual(['turn 1', 'turn 2', 'turn 3', 'turn 4', 'turn 5']);
  expect(fs.readFileSync(transcriptPath, 'utf8')).not.toContain('sk-ask-dummy');
});

test('a failed ask throws one readable line and records nothing', async () => {
  const transcriptPath = path.join(dir, 'fail.jsonl');
  await askOnce({ endpoint: `${stub.url}/v1`, model: 'stub-model', transcriptPath, message: 'ok' });
  stub.enqueue({ kind: 'error', status: 404, message: 'model "nope" not found' });
  const err = await askOnce({ endpoint: stub.url, model: 'nope', transcriptPath, message: 'bad' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NexError);
  expect((err as NexError).message).toMatch(/^HTTP 404 model "nope" not found at 127\.0\.0\.1:\d+: model "nope" not found$/);
  expect(readTranscript(transcriptPath).turns.map((t) => t.user)).toEqual(['ok']);
  await expect(askOnce({ endpoint: 'ftp://x', model: 'm', transcriptPath, message: 'x' })).rejects.toThrow(/must start with http/);
});
