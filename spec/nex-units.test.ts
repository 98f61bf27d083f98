/** nex building blocks: endpoint URLs, the SSE parser, error lines and redaction, the transcript. */
import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EndpointError, normaliseEndpoint } from '../lib/agents/nex/endpoint';
import { SseParser } from '../lib/agents/nex/sse';
import { httpError, networkError, oneLine, redact, serverMessage } from '../lib/agents/nex/errors';
import { appendClear, appendTurn, buildMessages, readTranscript } from '../lib/agents/nex/transcript';
import { keyFromEnv } from '../lib/agents/nex/key';

describe('normaliseEndpoint', () => {
  test.each([
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/v1/', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/v1/chat/completions', 'http://127.0.0.1:8000/v1'],
    ['https://openrouter.ai/api/v1', 'https://openrouter.ai/api/v1'],
    ['https://example.com/api', 'https://example.com/api/v1'],
    ['  http://gpu-box:8000  ', 'http://gpu-box:8000/v1'],
  ])('%s → %s', (input, base) => {
    const ep = normaliseEndpoint(input);
    expect(ep.base).toBe(base);
    expect(ep.chatCompletions).toBe(`${base}/chat/completions`);
  });

  test('host:port for messages, with the default port filled in', () => {
    expect(normaliseEndpoint('https://api.openai.com').hostPort).toBe('api.openai.com:443');
    expect(normaliseEndpoint('http://h:81/v1').hostPort).toBe('h:81');
  });

  test.each([
    ['', /empty/],
    ['localhost:8000', /http:\/\/ or https:\/\//],
    ['ftp://h/v1', /http:\/\/ or https:\/\//],
    ['not a url', /spaces or control/],
    ['http://h:8000/v1\n; rm -rf /', /spaces or control/],
    ['http://user:secret@h:8000', /user or password/],
    ['http://h:8000/v1?x=1', /query/],
    ['http://', /has no host/],
    ['http:h/v1', /not a valid URL/],
  ])('rejects %j', (input, msg) => {
    expect(() => normaliseEndpoint(input)).toThrow(EndpointError);
    expect(() => normaliseEndpoint(input)).toThrow(msg);
  });

  test('the rejected password is not repeated in the message', () => {
    expect(() => normaliseEndpoint('http://u:hunter2secret@h')).toThrow(/^(?!.*hunter2).*$/);
  });
});

describe('SseParser', () => {
  test('events split at every byte still come out whole, UTF-8 included', () => {
    const wire = Buffer.from('event: a\r\ndata: {"t":"héllo ✓"}\r\n\r\n: keep-alive\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n', 'utf8');
    const p = new SseParser();
    const out = [];
    for (const b of wire) out.push(...p.push(Uint8Array.of(b)));
    expect(out).toEqual([
      { event: 'a', data: '{"t":"héllo ✓"}' },
      { event: 'message', data: 'line1\nline2' },
      { event: 'message', data: '[DONE]' },
    ]);
    expect(p.end()).toEqual({ events: [], partialLine: false });
  });

  test('end(): a last event without its blank line is kept; a cut-off line is reported', () => {
    const a = new SseParser();
    a.push('data: x\n');
    expect(a.end()).toEqual({ events: [{ event: 'message', data: 'x' }], partialLine: false });
    const b = new SseParser();
    b.push('data: {"choi');
    expect(b.end()).toEqual({ events: [], partialLine: true });
  });
});

describe('error lines', () => {
  const ep = normaliseEndpoint('http://127.0.0.1:9/v1');

  test('network errors by code', () => {
    const err = (code: string, message = code) => Object.assign(new Error(message), { code });
    expect(networkError(err('ECONNREFUSED'), ep).message).toBe('connection refused by 127.0.0.1:9 (is the model server running there?)');
    expect(networkError(err('ENOTFOUND'), ep).kind).toBe('dns');
    expect(networkError(err('EAI_AGAIN'), ep).message).toMatch(/cannot resolve host 127\.0\.0\.1/);
    expect(networkError(err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), ep).message).toMatch(/^TLS error talking to 127\.0\.0\.1:9: self-signed certificate$/);
    expect(networkError(err('EPROTO', 'ssl3_get_record:wrong version number'), ep).message).toMatch(/try http:\/\//);
    expect(networkError(err('ECONNRESET'), ep).kind).toBe('network');
  });

  test('server messages from the common error shapes', () => {
    expect(serverMessage('{"error":{"message":"bad model","type":"x"}}')).toBe('bad model');
    expect(serverMessage('{"object":"error","message":"vllm says no"}')).toBe('vllm says no');
    expect(serverMessage('{"error":"ollama says no"}')).toBe('ollama says no');
    expect(serverMessage('{"detail":[{"msg":"field required"}]}')).toBe('field required');
    expect(serverMessage('<html><body><h1>502 Bad Gateway</h1></body></html>').trim()).toMatch(/502 Bad Gateway/);
  });

  test('HTTP statuses', () => {
    const c = { endpoint: ep, model: 'qwen', keyVar: 'MY_KEY', hasKey: true };
    expect(httpError(401, '{"error":{"message":"Invalid key"}}', c).message).toBe('HTTP 401 unauthorized from 127.0.0.1:9: Invalid key (check the key in $MY_KEY)');
    expect(httpError(401, '', { ...c, hasKey: false }).message).toMatch(/no API key was sent/);
    expect(httpError(404, '{"error":{"message":"The model `qwen` does not exist."}}', c).message).toMatch(/^HTTP 404 model "qwen" not found at 127\.0\.0\.1:9: The model/);
    expect(httpError(404, 'Not Found', c).message).toMatch(/wrong URL or model "qwen" not found/);
    expect(httpError(429, '{"error":{"message":"quota"}}', { ...c, retryAfter: '7' }).message).toBe('HTTP 429 rate limited by 127.0.0.1:9: quota (retry after 7s)');
    expect(httpError(503, 'overloaded\n  try later', c).message).toBe('HTTP 503 server error from 127.0.0.1:9: overloaded try later');
  });

  test('oneLine squeezes and caps', () => {
    expect(oneLine('a\n\n b\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(1000)).length).toBe(400);
  });

  test('redact removes the key and long pieces of it, nothing else', () => {
    const key = 'sk-proj-abcdefghijklmnop1234';
    expect(redact(`Incorrect API key provided: ${key}.`, key)).toBe('Incorrect API key provided: [redacted].');
    expect(redact('key sk-proj-abcd****1234 / ghijklmnop12 is wrong', key)).toBe('key [redacted]****1234 / [redacted] is wrong');
    expect(redact('model qwen3-coder not found', key)).toBe('model qwen3-coder not found');
    expect(redact('anything', undefined)).toBe('anything');
  });
});

describe('transcript', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nex-transcript-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('turns round-trip; /clear starts history again; messages carry the system prompt', () => {
    const f = path.join(dir, 'a', 'transcript.jsonl');
    expect(readTranscript(f)).toEqual({ turns: [], skipped: 0 });
    appendTurn(f, { user: 'one', assistant: 'uno', model: 'm' });
    appendClear(f);
    appendTurn(f, { user: 'two\nlines "quoted"', assistant: 'dos', model: 'm' });
    const { turns } = readTranscript(f);
    expect(turns.map((t) => [t.user, t.assistant])).toEqual([['two\nlines "quoted"', 'dos']]);
    expect(fs.readFileSync(f, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(buildMessages(turns, 'three', 'be brief')).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'two\nlines "quoted"' },
      { role: 'assistant', content: 'dos' },
      { role: 'user', content: 'three' },
    ]);
  });

  test('a torn last line is skipped and fenced off before the next turn', () => {
    const f = path.join(dir, 'torn.jsonl');
    appendTurn(f, { user: 'a', assistant: 'b' });
    fs.appendFileSync(f, '{"v":1,"type":"turn","user":"half');
    expect(readTranscript(f)).toMatchObject({ turns: [{ user: 'a' }], skipped: 1 });
    appendTurn(f, { user: 'c', assistant: 'd' });
    expect(readTranscript(f)).toMatchObject({ turns: [{ user: 'a' }, { user: 'c' }], skipped: 1 });
  });
});

describe('keyFromEnv', () => {
  test('named variable only (never a fallback like OPENAI_API_KEY), unset variable warns, bad names refused', () => {
    expect(keyFromEnv('MY_KEY', { MY_KEY: 'k1', OPENAI_API_KEY: 'k2' })).toEqual({ apiKey: 'k1', keyVar: 'MY_KEY' });
    expect(keyFromEnv(undefined, { OPENAI_API_KEY: 'k2', ANTHROPIC_API_KEY: 'k3' })).toEqual({});
    expect(keyFromEnv(undefined, {})).toEqual({});
    const unset = keyFromEnv('NOPE', {});
    expect(unset.apiKey).toBeUndefined();
    expect(unset.warning).toMatch(/\$NOPE is not set/);
    expect(() => keyFromEnv('X;rm', {})).toThrow(/NAME of an environment variable/);
  });
});
