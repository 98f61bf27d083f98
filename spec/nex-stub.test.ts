/**
 * The endpoint stub (fixtures/stub-server.ts) that nex, codex and claude tests talk to: the shape
 * of its SSE streams for each API, its recording, its scripted behaviours and its self-stop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { SseParser, type SseEvent } from '../lib/agents/nex/sse';
import { startStub, type Stub } from '../fixtures/stub-server';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The connection dropped before the body ended. */
  cut: boolean;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const req = http.request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      let cut = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => (cut = true));
      res.on('error', () => (cut = true));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), cut }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function events(text: string): SseEvent[] {
  const p = new SseParser();
  return [...p.push(text), ...p.end().events];
}

let stub: Stub;
beforeAll(async () => {
  stub = await startStub({ reply: 'Hello from the stub server', idleTimeoutMs: 60_000 });
});
afterAll(async () => {
  await stub.close();
});

describe('Responses API (codex)', () => {
  test('streams the full event sequence ending in response.completed with the whole text', async () => {
    const r = await post(`${stub.url}/v1/responses`, { model: 'm', stream: true, input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] }, { authorization: 'Bearer sk-dummy-1' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/event-stream');
    const evs = events(r.text);
    const types = evs.map((e) => e.event);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types.slice(-2)).toEqual(['response.output_item.done', 'response.completed']);
    for (const e of evs) expect(JSON.parse(e.data).type).toBe(e.event);
    const deltas = evs.filter((e) => e.event === 'response.output_text.delta').map((e) => JSON.parse(e.data).delta as string);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello from the stub server');
    const done = JSON.parse(evs[evs.length - 2].data);
    expect(done.item.content[0]).toEqual({ type: 'output_text', text: 'Hello from the stub server', annotations: [] });
    const completed = JSON.parse(evs[evs.length - 1].data);
    expect(completed.response.status).toBe('completed');
    expect(completed.response.output[0].content[0].text).toBe('Hello from the stub server');
    const rec = stub.requests[stub.requests.length - 1];
    expect(rec).toMatchObject({ method: 'POST', path: '/v1/responses', api: 'responses' });
    expect(rec.headers.authorization).toBe('Bearer sk-dummy-1');
    expect((rec.body as { model: string }).model).toBe('m');
  });

  test('errors come in the OpenAI error shape', async () => {
    stub.enqueue({ kind: 'error', status: 429, message: 'slow down' });
    const r = await post(`${stub.url}/v1/responses`, { stream: true, input: 'x' });
    expect(r.status).toBe(429);
    expect(JSON.parse(r.text).error.message).toBe('slow down');
  });
});

describe('Anthropic Messages API (claude)', () => {
  test('streaming: message_start, block start, deltas, content_block_stop, message_delta, message_stop', async () => {
    const r = await post(`${stub.url}/v1/messages?beta=true`, { model: 'claude-x', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': 'sk-ant-dummy' });
    expect(r.status).toBe(200);
    const evs = events(r.text);
    const types = evs.map((e) => e.event);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(JSON.parse(evs[1].data).content_block).toEqual({ type: 'text', text: '' });
    const text = evs
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => JSON.parse(e.data).delta)
      .map((d: { type: string; text: string }) => {
        expect(d.type).toBe('text_delta');
        return d.text;
      })
      .join('');
    expect(text).toBe('Hello from the stub server');
    const rec = stub.requests[stub.requests.length - 1];
    expect(rec).toMatchObject({ path: '/v1/messages?beta=true', api: 'messages' });
    expect(rec.headers['x-api-key']).toBe('sk-ant-dummy');
  });

  test('non-streaming: one JSON message', async () => {
    const r = await post(`${stub.url}/v1/messages`, { model: 'claude-x', stream: false, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.headers['content-type']).toContain('application/json');
    const m = JSON.parse(r.text);
    expect(m).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Hello from the stub server' }] });
  });

  test('HEAD /api/hello, count_tokens and GET /v1/models answer', async () => {
    expect((await post(`${stub.url}/api/hello`, undefined, {}, 'HEAD')).status).toBe(200);
    const c = await post(`${stub.url}/v1/messages/count_tokens`, { messages: [{ role: 'user', content: 'hello' }] });
    expect(JSON.parse(c.text).input_tokens).toBeGreaterThan(0);
    const m = await post(`${stub.url}/v1/models`, undefined, {}, 'GET');
    expect(JSON.parse(m.text).data[0].id).toBe('stub-model');
  });

  test('errors come in the Anthropic error shape', async () => {
    stub.enqueue({ kind: 'error', status: 401, message: 'bad key' });
    const r = await post(`${stub.url}/v1/messages`, { stream: true, messages: [] });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'bad key' } });
  });
});

describe('Chat Completions (nex)', () => {
  const chat = (body: Record<string, unknown>) => post(`${stub.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }], ...body });

  test('streaming chunks end with finish_reason and [DONE]', async () => {
    const evs = events((await chat({ stream: true })).text);
    expect(evs[evs.length - 1].data).toBe('[DONE]');
    const chunks = evs.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('Hello from the stub server');
  });

  test('non-streaming returns one completion', async () => {
    const r = JSON.parse((await chat({})).text);
    expect(r.choices[0].message).toEqual({ role: 'assistant', content: 'Hello from the stub server' });
  });

  test('echo reports the last user message and how many messages arrived', async () => {
    stub.enqueue({ kind: 'echo' });
    const r = await post(`${stub.url}/v1/chat/completions`, {
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
    });
    expect(JSON.parse(r.text).choices[0].message.content).toBe('echo: c (messages: 3)');
  });

  test('truncate drops the connection after some deltas; malformed sends non-JSON data; empty sends no text', async () => {
    stub.enqueue({ kind: 'truncate', text: 'one two three four', chunks: 2 });
    const t = await chat({ stream: true });
    expect(t.cut).toBe(true);
    expect(t.text).toContain('"one "');
    expect(t.text).not.toContain('[DONE]');

    stub.enqueue({ kind: 'malformed' });
    const m = await chat({ stream: true });
    expect(() => events(m.text).map((e) => JSON.parse(e.data))).toThrow();

    stub.enqueue({ kind: 'empty' });
    const e = events((await chat({ stream: true })).text);
    expect(e[e.length - 1].data).toBe('[DONE]');
    expect(e.slice(0, -1).map((x) => JSON.parse(x.data).choices[0].delta.content ?? '').join('')).toBe('');
  });

  test('slow streaming spaces the chunks by delayMs', async () => {
    stub.enqueue({ kind: 'reply', text: 'a b c d', delayMs: 60 });
    const t0 = Date.now();
    await chat({ stream: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
  });

  test('apiKey option: a wrong key gets 401, the right one a reply', async () => {
    const locked = await startStub({ apiKey: 'sk-right', idleTimeoutMs: 10_000 });
    try {
      expect((await post(`${locked.url}/v1/chat/completions`, { messages: [] }, { authorization: 'Bearer sk-wrong' })).status).toBe(401);
      expect((await post(`${locked.url}/v1/chat/completions`, { messages: [] }, { authorization: 'Bearer sk-right' })).status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});

describe('lifecycle', () => {
  test('stops itself after the idle timeout, even with a hung request open', async () => {
    const s = await startStub({ idleTimeoutMs: 300, behaviour: { kind: 'hang' } });
    const pending = post(`${s.url}/v1/chat/completions`, { stream: true }).catch(() => 'dropped');
    await s.closed;
    await expect(pending).resolves.toBeDefined();
    await expect(post(`${s.url}/v1/models`, undefined, {}, 'GET')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  let proc: ChildProcess | null = null;
  afterEach(() => {
    if (proc?.pid && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
    proc = null;
  });

  test('process mode prints its URL, serves --reply, and /_stub routes script and report it', async () => {
    const script = path.join(__dirname, '..', 'dist', 'fixtures', 'stub-server.js');
    const p = spawn(process.execPath, [script, '--port', '0', '--reply', 'from the process', '--idle-timeout-ms', '20000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      p.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      p.on('exit', (code) => reject(new Error(`stub exited ${code}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await post(`${url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'q' }] });
    expect(JSON.parse(r.text).choices[0].message.content).toBe('from the process');
    await post(`${url}/_stub/behaviour`, { enqueue: [{ kind: 'echo' }] });
    const e = await post(`${url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'q2' }] });
    expect(JSON.parse(e.text).choices[0].message.content).toBe('echo: q2 (messages: 1)');
    const recorded = JSON.parse((await post(`${url}/_stub/requests`, undefined, {}, 'GET')).text);
    expect(recorded.map((x: { api: string }) => x.api)).toEqual(['chat', 'chat']);
    const exited = new Promise((r) => p.on('exit', r));
    p.kill('SIGTERM');
    await exited;
  });
});
