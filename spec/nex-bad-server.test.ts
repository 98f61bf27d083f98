/**
 * nex against servers that misbehave (issue 10.10): keep-alive comments forever, a reply far too
 * big, a body that is not what its content type says. Each ends in one readable line within the
 * timeout, nothing of a bad reply reaches the transcript or the next request, and the chat goes on.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { startStub, type Stub } from '../fixtures/stub-server';
import { normaliseEndpoint } from '../lib/agents/nex/endpoint';
import { streamChat, MAX_REPLY_BYTES, type ChatRequest } from '../lib/agents/nex/client';
import { NexError } from '../lib/agents/nex/errors';
import { runRepl } from '../lib/agents/nex/repl';
import { readTranscript } from '../lib/agents/nex/transcript';
import { waitFor } from './support/tmux';

let stub: Stub;
let dir: string;
beforeAll(async () => {
  stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nex-bad-'));
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function ask(o: Partial<ChatRequest> = {}): Promise<string> {
  return streamChat({ endpoint: normaliseEndpoint(stub.url), model: 'stub-model', messages: [{ role: 'user', content: 'x' }], ...o }).then((r) => r.text);
}

/** The one-line error a failed request gives, and how long it took. */
async function failure(o: Partial<ChatRequest> = {}): Promise<{ err: NexError; ms: number }> {
  const t0 = Date.now();
  try {
    await ask(o);
  } catch (e) {
    expect(e).toBeInstanceOf(NexError);
    return { err: e as NexError, ms: Date.now() - t0 };
  }
  throw new Error('the request succeeded');
}

describe('--timeout is a budget for progress that keep-alive comments do not refill', () => {
  test('a server that only sends `: ping` times out on time, and says so', async () => {
    stub.enqueue({ kind: 'keepalive', intervalMs: 50 });
    const { err, ms } = await failure({ timeoutMs: 600 });
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/^no reply from 127\.0\.0\.1:\d+ within 0\.6s \(timeout; the server sent only keep-alive comments, no text\)$/);
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(3000);
  });

  test('a reply whose every token comes within the timeout completes, however long it takes in all', async () => {
    stub.enqueue({ kind: 'reply', text: 'one two three four five', delayMs: 250 });
    // 5 tokens × 250 ms = 1.25 s in all: more than the timeout, each gap well under it.
    expect(await ask({ timeoutMs: 700 })).toBe('one two three four five');
  });

  test('a reply that stops mid-way times out and says the partial reply is not kept', async () => {
    // The first word comes at once, the next one 5 s later.
    stub.enqueue({ kind: 'reply', text: 'alpha beta', delayMs: 5000 });
    const { err, ms } = await failure({ timeoutMs: 500 });
    expect(err.message).toMatch(/^the reply from 127\.0\.0\.1:\d+ stalled: no more text for 0\.5s \(timeout; the partial reply is not kept\)$/);
    expect(ms).toBeLessThan(3000);
  });

  test('a JSON body trickling in must arrive whole within the timeout', async () => {
    const { createServer } = await import('node:http');
    // A JSON reply sent one byte every 50 ms: bytes arrive, the body never completes in time.
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'x'.repeat(200) }, finish_reason: 'stop' }] });
      let i = 0;
      const t = setInterval(() => (i < body.length && !res.destroyed ? res.write(body[i++]) : clearInterval(t)), 50);
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const port = (srv.address() as import('node:net').AddressInfo).port;
      const t0 = Date.now();
      const err = await streamChat({ endpoint: normaliseEndpoint(`http://127.0.0.1:${port}`), model: 'm', messages: [{ role: 'user', content: 'x' }], timeoutMs: 500 }).then(
        () => null,
        (e: NexError) => e,
      );
      expect(err?.kind).toBe('timeout');
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });
});

describe('a reply is capped at 4 MB', () => {
  test('a 50 MB streamed reply stops at the cap with a clear line', async () => {
    const before = stub.requests.length;
    stub.enqueue({ kind: 'flood', bytes: 50 * 1024 * 1024 });
    let shown = 0;
    const { err } = await failure({ onToken: (t) => (shown += t.length), timeoutMs: 10_000 });
    expect(err.kind).toBe('too-large');
    expect(err.message).toMatch(/^the reply from 127\.0\.0\.1:\d+ is larger than 4 MB; stopped reading it \(it is not kept in the conversation\)$/);
    expect(shown).toBeLessThanOrEqual(MAX_REPLY_BYTES);
    expect(stub.requests.length).toBe(before + 1);
  });

  test('a 50 MB JSON reply (stream:true ignored) is refused the same way', async () => {
    stub.enqueue({ kind: 'flood', bytes: 50 * 1024 * 1024, json: true });
    const { err } = await failure({ timeoutMs: 10_000 });
    expect(err.kind).toBe('too-large');
    expect(err.message).toContain('is larger than 4 MB');
  });

  test('in the chat: the big reply is in neither the transcript nor the next request; the chat goes on', async () => {
    const transcript = path.join(dir, 'big.jsonl');
    const log = path.join(dir, 'big.log');
    const input = new PassThrough();
    let out = 0;
    let err = '';
    const repl = runRepl({
      endpoint: normaliseEndpoint(stub.url),
      model: 'stub-model',
      terminal: false,
      transcriptPath: transcript,
      logFile: log,
      input,
      output: new Writable({ write: (c, _e, cb) => ((out += String(c).length), cb()) }),
      errorOutput: new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) }),
    });
    try {
      stub.enqueue({ kind: 'flood', bytes: 50 * 1024 * 1024 });
      input.write('make it big\n');
      await waitFor(() => err.includes('\n'), 15_000, 'error line');
      expect(err).toMatch(/^error: the reply from 127\.0\.0\.1:\d+ is larger than 4 MB; stopped reading it \(it is not kept in the conversation\)\n$/);
      expect(out).toBeLessThan(MAX_REPLY_BYTES + 64 * 1024);
      input.write('small now\n');
      await waitFor(() => readTranscript(transcript).turns.length === 1, 5000, 'next turn');
      const next = stub.modelRequests().at(-1)!;
      expect(JSON.stringify(next.body).length).toBeLessThan(4096);
      expect((next.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'small now' }]);
      expect(readTranscript(transcript).turns.map((t) => t.user)).toEqual(['small now']);
      expect(fs.statSync(transcript).size).toBeLessThan(4096);
    } finally {
      input.end();
      await repl.done;
    }
  });
});

describe('a reply that is not SSE says what it really was', () => {
  test('text/event-stream with only keep-alive comments, then the end', async () => {
    stub.enqueue({ kind: 'keepalive', intervalMs: 10, count: 3 });
    const { err } = await failure();
    expect(err.message).toMatch(/^the SSE stream from 127\.0\.0\.1:\d+ ended after 3 keep-alive comment\(s\) and no data: no reply$/);
    expect(err.message).not.toContain('expected an SSE stream');
  });

  test('text/event-stream with an empty body', async () => {
    stub.enqueue({ kind: 'raw', contentType: 'text/event-stream', body: '' });
    const { err } = await failure();
    expect(err.message).toMatch(/^the SSE stream from 127\.0\.0\.1:\d+ ended without sending any event: no reply$/);
  });

  test('an HTML page (a proxy login, a wrong URL) is quoted', async () => {
    stub.enqueue({ kind: 'raw', contentType: 'text/html; charset=utf-8', body: '<html><title>Sign in to the proxy</title></html>' });
    const { err } = await failure();
    expect(err.message).toMatch(/^malformed reply from 127\.0\.0\.1:\d+: expected an SSE stream \(text\/event-stream\) or JSON, got text\/html; charset=utf-8: "<html><title>Sign in to the proxy<\/title><\/html>" \(is this an OpenAI-compatible endpoint\?\)$/);
  });
});
