/**
 * `chatmux nex` as a real process (dist/ must be built: `npx tsc -p tsconfig.json`):
 * kill -9 mid-reply leaves the transcript whole, --resume continues the conversation, SIGINT
 * cancels only the reply, bad input exits 2.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStub, type Stub } from '../fixtures/stub-server';
import { waitFor } from './support/tmux';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'chatmux');
const KEY = 'sk-proc-SECRETKEY-9876543210';

interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  send(line: string): void;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
let stub: Stub;
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'nex.js'))) throw new Error('dist/ is not built: run `npx tsc -p tsconfig.json` first');
  stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nex-proc-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
});
afterAll(async () => {
  await stub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function nex(args: string[]): Proc {
  const env: NodeJS.ProcessEnv = { ...process.env, NEX_PROC_KEY: KEY };
  delete env.OPENAI_API_KEY;
  delete env.TMUX;
  const child = spawn(process.execPath, [BIN, 'nex', '-m', 'stub-model', '--api-key-env', 'NEX_PROC_KEY', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return {
    child,
    out: () => out,
    err: () => err,
    send: (line) => void child.stdin!.write(line + '\n'),
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
  };
}

const lines = (f: string): Array<{ user: string; assistant: string }> =>
  fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('kill -9 mid-reply leaves no half turn; --resume carries the earlier turns into the next request', async () => {
  const transcript = path.join(dir, 'chat-1', 'transcript.jsonl');
  const log = path.join(dir, 'chat-1', 'stderr.log');
  const a = nex(['-e', stub.url, '--transcript', transcript, '--log', log]);
  a.send('first');
  await waitFor(() => a.out().includes('echo: first (messages: 1)'), 10_000, 'first reply');
  await waitFor(() => fs.existsSync(transcript) && lines(transcript).length === 1, 5000, 'turn 1 on disk');

  // The key went to the server but is nowhere in argv.
  expect(stub.modelRequests().at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(fs.readFileSync(`/proc/${a.child.pid}/cmdline`, 'utf8')).not.toContain('SECRETKEY');

  stub.enqueue({ kind: 'reply', text: 'tick tock tick tock tick tock tick tock tick tock', delayMs: 150 });
  a.send('second');
  await waitFor(() => a.out().includes('tick'), 10_000, 'slow reply started');
  process.kill(a.child.pid!, 'SIGKILL');
  await a.exited;

  const after = lines(transcript); // throws on a torn line
  expect(after.map((t) => t.user)).toEqual(['first']);
  expect(fs.readFileSync(transcript, 'utf8')).not.toContain('tick');

  const before = stub.modelRequests().length;
  const b = nex(['-e', `${stub.url}/v1`, '--transcript', transcript, '--resume', '--log', log]);
  await waitFor(() => b.out().includes('resumed 1 earlier turn(s)'), 10_000, 'resume banner');
  // the replayed turn follows the banner, possibly in a later chunk of output
  await waitFor(() => b.out().includes('> first\necho: first (messages: 1)'), 5_000, 'the replayed turn');
  b.send('third');
  await waitFor(() => b.out().includes('echo: third (messages: 3)'), 10_000, 'resumed reply');
  const req = stub.modelRequests()[before];
  expect((req.body as { messages: unknown }).messages).toEqual([
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'echo: first (messages: 1)' },
    { role: 'user', content: 'third' },
  ]);
  b.send('/exit');
  expect(await b.exited).toBe(0);
  expect(lines(transcript).map((t) => t.user)).toEqual(['first', 'third']);
  for (const f of [transcript, log]) if (fs.existsSync(f)) expect(fs.readFileSync(f, 'utf8')).not.toContain('SECRETKEY');
  expect(a.out() + a.err() + b.out() + b.err()).not.toContain('SECRETKEY');
});

test('a chat\'s first launch (--continue) keeps a turn `chatmux ask` recorded before nex started; the executor clears only on a fresh start', async () => {
  const transcript = path.join(dir, 'chat-3', 'transcript.jsonl');
  fs.mkdirSync(path.dirname(transcript), { recursive: true });
  // What `chatmux ask` wrote while the pane's nex was still starting (2 loaded cores: it happened in CI).
  fs.writeFileSync(transcript, JSON.stringify({ v: 1, type: 'turn', ts: 'x', model: 'stub-model', user: 'asked early', assistant: 'echo: asked early (messages: 1)' }) + '\n');
  const p = nex(['-e', stub.url, '--transcript', transcript, '--continue']);
  await waitFor(() => p.out().includes('resumed 1 earlier turn(s)'), 10_000, 'the early turn shown');
  p.send('then typed');
  await waitFor(() => p.out().includes('echo: then typed (messages: 3)'), 10_000, 'reply with the early turn as history');
  p.send('/exit');
  expect(await p.exited).toBe(0);
  expect(lines(transcript).map((t) => t.user)).toEqual(['asked early', 'then typed']);
  // An empty transcript: no banner at all.
  const empty = path.join(dir, 'chat-3', 'empty.jsonl');
  const q = nex(['-e', stub.url, '--transcript', empty, '--continue']);
  q.send('hi');
  await waitFor(() => q.out().includes('echo: hi (messages: 1)'), 10_000, 'first reply');
  expect(q.out()).not.toMatch(/resumed|no earlier turns/);
  q.send('/exit');
  expect(await q.exited).toBe(0);
});

test('SIGINT cancels the reply, not the chat; errors are logged; end of input exits 0', async () => {
  const transcript = path.join(dir, 'chat-2', 'transcript.jsonl');
  const log = path.join(dir, 'chat-2', 'stderr.log');
  const p = nex(['-e', stub.url, '--transcript', transcript, '--log', log]);
  stub.enqueue({ kind: 'reply', text: 'slow words that go on and on and on and on', delayMs: 150 });
  p.send('long one');
  await waitFor(() => p.out().includes('slow'), 10_000, 'slow reply started');
  process.kill(p.child.pid!, 'SIGINT');
  await waitFor(() => p.out().includes('(reply cancelled'), 5000, 'cancel note');
  stub.enqueue({ kind: 'error', status: 500, message: 'boom' });
  p.send('will fail');
  await waitFor(() => p.err().includes('error: HTTP 500'), 5000, 'error line');
  p.send('after');
  await waitFor(() => p.out().includes('echo: after (messages: 1)'), 5000, 'chat goes on');
  p.child.stdin!.end();
  expect(await p.exited).toBe(0);
  expect(lines(transcript).map((t) => t.user)).toEqual(['after']);
  expect(fs.readFileSync(log, 'utf8')).toMatch(/^\S+ nex: HTTP 500 server error from 127\.0\.0\.1:\d+: boom\n$/);
});

test('bad input exits 2 with a clear message', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'nex', ...args], { encoding: 'utf8', input: '', timeout: 15_000 });
  const bad = run(['-m', 'm', '-e', 'localhost:8000']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('chatmux: -e: endpoint URL "localhost:8000" must start with http:// or https://');
  const resume = run(['-m', 'm', '-e', 'http://127.0.0.1:1', '--resume']);
  expect(resume.status).toBe(2);
  expect(resume.stderr).toContain('--resume needs --transcript FILE');
  const noModel = run(['-e', 'http://127.0.0.1:1']);
  expect(noModel.status).toBe(2);
  expect(noModel.stderr).toMatch(/required option '-m, --model <model>'/);
  const badVar = run(['-m', 'm', '-e', 'http://127.0.0.1:1', '--api-key-env', 'A;B']);
  expect(badVar.status).toBe(2);
  expect(badVar.stderr).toContain('give the NAME of an environment variable');
  const help = run(['--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('chatmux nex -m qwen3-coder -e http://gpu-box:8000/v1');
});
