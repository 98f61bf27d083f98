/**
 * The nex REPL in-process against the stub: tokens stream, history is sent, every error case
 * gives one readable line (on screen and in the log) and the chat goes on, the key never leaks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as https from 'node:https';
import { PassThrough, Writable } from 'node:stream';
import { startStub, type Stub } from '../fixtures/stub-server';
import { normaliseEndpoint } from '../lib/agents/nex/endpoint';
import { streamChat } from '../lib/agents/nex/client';
import { runRepl, type ReplOptions } from '../lib/agents/nex/repl';
import { askOnce } from '../lib/agents/nex/ask';
import { waitFor } from './support/tmux';

const KEY = 'sk-test-NEXSECRET-0123456789abcdef';

interface Harness {
  send(text: string): void;
  /** Raw keystrokes, no newline added. */
  type(text: string): void;
  out(): string;
  err(): string;
  interrupt(): void;
  end(): Promise<void>;
}

const open: Harness[] = [];

function sink(onText: (s: string) => void): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      onText(String(chunk));
      cb();
    },
  });
}

function startRepl(o: Partial<ReplOptions> & { url: string }): Harness {
  const input = new PassThrough();
  let out = '';
  let err = '';
  const repl = runRepl({
    endpoint: normaliseEndpoint(o.url),
    model: 'stub-model',
    terminal: false,
    ...o,
    input,
    output: sink((s) => (out += s)),
    errorOutput: sink((s) => (err += s)),
  });
  const h: Harness = {
    send: (text) => void input.write(text + '\n'),
    type: (text) => void input.write(text),
    out: () => out,
    err: () => err,
    interrupt: () => repl.interrupt(),
    end: () => {
      input.end();
      return repl.done;
    },
  };
  open.push(h);
  return h;
}

let stub: Stub;
let dir: string;
beforeAll(async () => {
  stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nex-repl-'));
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.end();
  stub.setDefault({ kind: 'echo' });
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (s: string, sub: string) => s.split(sub).length - 1;

test('tokens reach the screen as they arrive, before the reply is complete', async () => {
  stub.enqueue({ kind: 'reply', text: 'alpha beta gamma delta epsilon', delayMs: 150 });
  const h = startRepl({ url: stub.url });
  h.send('go');
  await waitFor(() => h.out().includes('alpha'), 5000, 'first token');
  expect(h.out()).not.toContain('epsilon');
  await waitFor(() => h.out().includes('epsilon\n'), 5000, 'last token');
});

test('streamChat hands over tokens one by one, spread out in time', async () => {
  stub.enqueue({ kind: 'reply', text: 'one two three four', delayMs: 80 });
  const seen: Array<[string, number]> = [];
  const reply = await streamChat({ endpoint: normaliseEndpoint(stub.url + '/v1/'), model: 'm', messages: [{ role: 'user', content: 'x' }], onToken: (t) => seen.push([t, Date.now()]) });
  expect(reply).toEqual({ text: 'one two three four', finishReason: 'stop' });
  expect(seen.map((s) => s[0])).toEqual(['one ', 'two ', 'three ', 'four']);
  expect(seen[3][1] - seen[0][1]).toBeGreaterThanOrEqual(200);
});

test('a multi-turn conversation sends the history; turns land in the transcript; /clear forgets', async () => {
  const transcript = path.join(dir, 'multi.jsonl');
  const before = stub.modelRequests().length;
  const h = startRepl({ url: stub.url, transcriptPath: transcript, system: 'be brief' });
  h.send('first');
  await waitFor(() => h.out().includes('echo: first (messages: 2)'), 5000, 'turn 1');
  h.send('second');
  await waitFor(() => h.out().includes('echo: second (messages: 4)'), 5000, 'turn 2');
  h.send('third \\');
  h.send('line two');
  await waitFor(() => h.out().includes('echo: third \nline two (messages: 6)'), 5000, 'turn 3 (two lines)');
  const reqs = stub.modelRequests().slice(before);
  expect(reqs).toHaveLength(3);
  expect((reqs[2].body as { messages: unknown }).messages).toEqual([
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'echo: first (messages: 2)' },
    { role: 'user', content: 'second' },
    { role: 'assistant', content: 'echo: second (messages: 4)' },
    { role: 'user', content: 'third \nline two' },
  ]);
  expect(reqs[2].path).toBe('/v1/chat/completions');
  expect((reqs[2].body as { stream: boolean }).stream).toBe(true);
  const lines = fs.readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => l.user)).toEqual(['first', 'second', 'third \nline two']);
  h.send('/clear');
  h.send('fourth');
  await waitFor(() => h.out().includes('echo: fourth (messages: 2)'), 5000, 'after /clear');
  h.send('/help');
  await waitFor(() => h.out().includes('/exit'), 5000, 'help');
});

test('on a terminal, lines pasted together are one message', async () => {
  const before = stub.modelRequests().length;
  const h = startRepl({ url: stub.url, terminal: true, pasteWindowMs: 40 });
  h.send('pasted one\npasted two');
  await waitFor(() => stub.modelRequests().length > before, 5000, 'request');
  await waitFor(() => h.out().includes('(messages: 1)'), 5000, 'reply');
  expect(stub.modelRequests()).toHaveLength(before + 1);
  const msgs = (stub.modelRequests()[before].body as { messages: Array<{ content: string }> }).messages;
  expect(msgs[msgs.length - 1].content).toBe('pasted one\npasted two');
});

test('on a terminal, nex asks for bracketed paste; a bracketed paste is one message, its last line kept until Enter', async () => {
  const before = stub.modelRequests().length;
  // No timer joins these lines: only the paste markers do.
  const h = startRepl({ url: stub.url, terminal: true, pasteWindowMs: 0 });
  expect(h.out()).toContain('\x1b[?2004h');
  h.type('\x1b[200~first line\rsecond line\rthird line\x1b[201~');
  await new Promise((r) => setTimeout(r, 150));
  expect(stub.modelRequests()).toHaveLength(before);
  h.type(' edited\r');
  await waitFor(() => h.out().includes('(messages: 1)'), 5000, 'reply');
  expect(stub.modelRequests()).toHaveLength(before + 1);
  const msgs = (stub.modelRequests()[before].body as { messages: Array<{ content: string }> }).messages;
  expect(msgs[msgs.length - 1].content).toBe('first line\nsecond line\nthird line edited');
  // Outside a paste a line is sent at once again.
  h.type('typed\r');
  await waitFor(() => stub.modelRequests().length === before + 2, 5000, 'typed line sent');
});

test('on a terminal, typing during a reply does not land inside it; the typed line comes back at the prompt', async () => {
  const h = startRepl({ url: stub.url, terminal: true, pasteWindowMs: 0 });
  stub.enqueue({ kind: 'reply', text: 'alpha beta gamma delta', delayMs: 120 });
  h.send('go');
  await waitFor(() => h.out().includes('alpha'), 5000, 'first token');
  h.type('zz');
  await waitFor(() => h.out().includes('delta\n'), 5000, 'reply done');
  expect(h.out()).toContain('alpha beta gamma delta\n');
  await waitFor(() => /> zz/.test(h.out().split('delta\n')[1]), 5000, 'typed text redrawn at the prompt');
  h.type('!\n');
  await waitFor(() => h.out().includes('echo: zz! (messages: 3)'), 5000, 'typed message sent');
});

test('Ctrl+C cancels the reply in progress, keeps it out of the conversation, and the chat goes on', async () => {
  const transcript = path.join(dir, 'cancel.jsonl');
  const h = startRepl({ url: stub.url, transcriptPath: transcript });
  stub.enqueue({ kind: 'reply', text: 'slow slow slow slow slow slow slow slow', delayMs: 200 });
  h.send('start');
  await waitFor(() => h.out().includes('slow'), 5000, 'first token');
  h.interrupt();
  await waitFor(() => h.out().includes('(reply cancelled'), 5000, 'cancel note');
  h.send('after');
  await waitFor(() => h.out().includes('echo: after (messages: 1)'), 5000, 'next reply');
  expect(readLines(transcript).map((l) => l.user)).toEqual(['after']);
  expect(h.err()).toBe('');
  h.interrupt(); // idle: a hint, not an exit
  h.send('still here');
  await waitFor(() => h.out().includes('echo: still here'), 5000, 'chat still usable');
});

function readLines(f: string): Array<{ user: string; assistant: string }> {
  return fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('every error gives one readable line, logged, and the chat goes on', () => {
  const cases: Array<[string, Parameters<Stub['enqueue']>[0], RegExp]> = [
    ['401', { kind: 'error', status: 401, message: `Incorrect API key provided: ${KEY}` }, /^error: HTTP 401 unauthorized from 127\.0\.0\.1:\d+: Incorrect API key provided: \[redacted\] \(check the key in \$NEX_TEST_KEY\)$/],
    ['403', { kind: 'error', status: 403, message: 'project has no access' }, /^error: HTTP 403 forbidden from 127\.0\.0\.1:\d+: project has no access$/],
    ['404 model', { kind: 'error', status: 404, message: 'The model `stub-model` does not exist', code: 'model_not_found' }, /^error: HTTP 404 model "stub-model" not found at 127\.0\.0\.1:\d+: The model `stub-model` does not exist$/],
    ['429', { kind: 'error', status: 429, message: 'Rate limit reached' }, /^error: HTTP 429 rate limited by 127\.0\.0\.1:\d+: Rate limit reached$/],
    ['500', { kind: 'error', status: 500, message: 'CUDA out of memory\nat layer 3' }, /^error: HTTP 500 server error from 127\.0\.0\.1:\d+: CUDA out of memory at layer 3$/],
    ['malformed SSE', { kind: 'malformed' }, /^error: malformed SSE from 127\.0\.0\.1:\d+: event data is not JSON/],
    ['truncated SSE', { kind: 'truncate', text: 'a partial answer that never ends', chunks: 2 }, /^error: the connection to 127\.0\.0\.1:\d+ dropped mid-reply \(truncated stream\)$/],
    ['empty reply', { kind: 'empty' }, /^error: empty reply from model "stub-model" \(the stream carried no text\)$/],
    ['timeout', { kind: 'hang' }, /^error: no reply from 127\.0\.0\.1:\d+ within 0\.4s \(timeout\)$/],
  ];

  test.each(cases)('%s', async (name, behaviour, line) => {
    const log = path.join(dir, `log-${name.replace(/\W/g, '_')}.log`);
    const transcript = path.join(dir, `t-${name.replace(/\W/g, '_')}.jsonl`);
    const h = startRepl({ url: stub.url, apiKey: KEY, keyVar: 'NEX_TEST_KEY', logFile: log, transcriptPath: transcript, timeoutMs: 400 });
    stub.enqueue(behaviour);
    h.send('trigger');
    await waitFor(() => h.err().includes('\n'), 5000, 'error line');
    const errLines = h.err().trimEnd().split('\n');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(line);
    // The chat goes on, and the failed turn is not part of the history.
    h.send('next');
    await waitFor(() => h.out().includes('echo: next (messages: 1)'), 5000, 'next reply');
    const logText = fs.readFileSync(log, 'utf8');
    expect(logText.trimEnd().split('\n')).toHaveLength(1);
    expect(logText).toContain(errLines[0].replace(/^error: /, ''));
    for (const text of [h.out(), h.err(), logText, fs.readFileSync(transcript, 'utf8')]) expect(text).not.toContain('NEXSECRET');
    expect(readLines(transcript).map((l) => l.user)).toEqual(['next']);
    // ... and the key did go to the server.
    expect(stub.modelRequests().at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  async function closedPort(): Promise<number> {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    return port;
  }

  test.each([
    ['connection refused', async () => `http://127.0.0.1:${await closedPort()}`, /^error: connection refused by 127\.0\.0\.1:\d+ \(is the model server running there\?\)$/],
    ['DNS failure', async () => 'http://nex-test.invalid:8000', /^error: cannot resolve host nex-test\.invalid \(DNS lookup failed: E[A-Z_]+\); check the endpoint URL$/],
    ['TLS error', async () => `https://127.0.0.1:${stub.port}`, /^error: TLS error talking to 127\.0\.0\.1:\d+: .* \(does the server speak plain http\? try http:\/\/\)$/],
  ])('%s', async (_name, url, line) => {
    const log = path.join(dir, `net-${_name.replace(/\W/g, '_')}.log`);
    const h = startRepl({ url: await url(), logFile: log, timeoutMs: 10_000 });
    h.send('hello');
    await waitFor(() => h.err().includes('\n'), 12_000, 'error line');
    expect(h.err().trimEnd().split('\n')).toHaveLength(1);
    expect(h.err().trimEnd()).toMatch(line);
    expect(fs.readFileSync(log, 'utf8')).toContain(h.err().trimEnd().replace(/^error: /, ''));
    h.send('again'); // still usable: the same error again, not a crash
    await waitFor(() => h.err().trimEnd().split('\n').length === 2, 12_000, 'second error line');
  });
});

test('a server that ignores stream:true and answers with JSON still works', async () => {
  const { createServer } = await import('node:http');
  const srv = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'plain json' }, finish_reason: 'stop' }] }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as net.AddressInfo).port;
    const reply = await streamChat({ endpoint: normaliseEndpoint(`http://127.0.0.1:${port}`), model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(reply.text).toBe('plain json');
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

test('--resume prints the last turns and continues the conversation', async () => {
  const transcript = path.join(dir, 'resume.jsonl');
  const a = startRepl({ url: stub.url, transcriptPath: transcript });
  for (const w of ['one', 'two', 'three', 'four']) {
    a.send(w);
    await waitFor(() => a.out().includes(`echo: ${w} `), 5000, w);
  }
  await a.end();
  const b = startRepl({ url: stub.url, transcriptPath: transcript, resume: true });
  expect(b.out()).toContain('resumed 4 earlier turn(s)');
  expect(b.out()).toContain('> four\necho: four (messages: 7)');
  expect(b.out()).not.toContain('> one\n');
  b.send('five');
  await waitFor(() => b.out().includes('echo: five (messages: 9)'), 5000, 'resumed reply');
  await b.end();
  // Without --resume, the same transcript starts a new conversation.
  const c = startRepl({ url: stub.url, transcriptPath: transcript });
  c.send('six');
  await waitFor(() => c.out().includes('echo: six (messages: 1)'), 5000, 'fresh start');
});

test('a turn added by askOnce while the chat runs is part of the next request', async () => {
  const transcript = path.join(dir, 'shared.jsonl');
  const h = startRepl({ url: stub.url, transcriptPath: transcript });
  h.send('in the pane');
  await waitFor(() => h.out().includes('echo: in the pane (messages: 1)'), 5000, 'pane turn');
  expect(await askOnce({ endpoint: stub.url, model: 'stub-model', transcriptPath: transcript, message: 'headless' })).toBe('echo: headless (messages: 3)');
  h.send('back in the pane');
  await waitFor(() => h.out().includes('echo: back in the pane (messages: 5)'), 5000, 'pane sees the ask turn');
});

test('TLS: a self-signed certificate is one readable line', async () => {
  const keyFile = path.join(dir, 'tls-key.pem');
  const certFile = path.join(dir, 'tls-cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  } catch {
    process.stdout.write('SKIP: self-signed TLS case needs openssl on PATH\n');
    return;
  }
  const srv = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (_req, res) => res.end('{}'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as net.AddressInfo).port;
    const h = startRepl({ url: `https://127.0.0.1:${port}` });
    h.send('hello');
    await waitFor(() => h.err().includes('\n'), 5000, 'error line');
    expect(h.err()).toMatch(/^error: TLS error talking to 127\.0\.0\.1:\d+: self[- ]signed certificate\n$/);
    await h.end();
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

test('control characters in a reply never reach the terminal, but stay in the transcript', async () => {
  const transcript = path.join(dir, 'ctrl.jsonl');
  const nasty = 'safe \u001b]52;c;aGk=\u0007text \u001b[2Jend\r\n\tok';
  stub.enqueue({ kind: 'reply', text: nasty });
  const h = startRepl({ url: stub.url, transcriptPath: transcript });
  h.send('x');
  await waitFor(() => h.out().includes('ok\n'), 5000, 'reply');
  expect(h.out()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  expect(h.out()).toContain('safe ]52;c;aGk=text [2Jend\n\tok');
  expect(readLines(transcript)[0].assistant).toBe(nasty);
});
