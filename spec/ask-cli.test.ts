/**
 * `chatmux ask` without the real vendor CLIs: usage errors, nex chats against the stub, and
 * codex failures (spawn failure, non-zero exit) through small fake binaries; plus the pure
 * helpers (codex JSONL events, endpoint URLs, per-chat config seeding).
 * Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStub, type Stub } from '../fixtures/stub-server';
import { seedClaudeConfig, seedCodexHome } from '../lib/chat/agent-homes';
import { codexExecArgv, readExecEvents } from '../lib/chat/codex-exec';
import { anthropicBaseUrl } from '../lib/chat/executors/claude';
import { codexBaseUrl } from '../lib/chat/executors/codex';
import type { ChatRecord } from '../lib/chat/registry';
import { chatFixture, cleanEnv, FAKE_AGENT, runChatmux } from './support/chatmux-cli';
import { killAllTestServers } from './support/tmux';

afterAll(() => killAllTestServers());

describe('chatmux ask through the CLI', () => {
  const { p, g } = chatFixture();
  let stub: Stub;
  const env = cleanEnv({ CHATMUX_CODEX_BIN: FAKE_AGENT, ASK_SPEC_KEY: 'sk-ask-spec-0000' });
  beforeAll(async () => {
    stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await stub.close();
  });
  const newChat = async (args: string[]): Promise<string> => {
    const r = await runChatmux([...g, 'chat', 'new', ...args], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return r.stdout.trim();
  };
  const stderrLog = (ref: string): string => fs.readFileSync(path.join(p.stateDir, 'chats', ref, 'stderr.log'), 'utf8');

  test('usage: a bad or unknown ref, a chat that is not codex or nex, an empty message → exit 2', async () => {
    expect(await runChatmux([...g, 'ask', 'nope', 'hi'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining("'nope' is not a chat ref") });
    expect(await runChatmux([...g, 'ask', 'chat-99', 'hi'], { env })).toMatchObject({ code: 2, stderr: "chatmux: unknown chat 'chat-99' (see chatmux chat list)\n" });
    const shell = await newChat(['--executor', 'shell']);
    const r = await runChatmux([...g, 'ask', shell, 'hi'], { env });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`chatmux: ${shell} is a shell chat; chatmux ask works with codex and nex chats (use chatmux chat send to type into it)\n`);
    const nex = await newChat(['--executor', 'nex', '-m', 'stub-model', '-e', stub.url]);
    expect(await runChatmux([...g, 'ask', nex], { env, input: '  \n' })).toMatchObject({ code: 2, stderr: 'chatmux: the message is empty\n' });
    const help = await runChatmux(['ask', '--help'], { env });
    expect(help.stdout).toMatch(/Example:\n[^]*chat new --executor codex[^]*chatmux ask "\$ref"/);
  });

  test('nex chat: each ask carries the transcript so far (stdin works too); the bearer key from the chat\'s variable', async () => {
    const ref = await newChat(['--executor', 'nex', '-m', 'stub-model', '-e', stub.url, '--api-key-env', 'ASK_SPEC_KEY']);
    const before = stub.modelRequests().length;
    expect(await runChatmux([...g, 'ask', ref, 'first', 'question'], { env })).toMatchObject({ code: 0, stdout: 'echo: first question (messages: 1)\n', stderr: '' });
    expect(await runChatmux([...g, 'ask', ref], { env, input: 'second\nline' })).toMatchObject({ code: 0, stdout: 'echo: second\nline (messages: 3)\n', stderr: '' });
    const reqs = stub.modelRequests().slice(before);
    expect(reqs.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v1/chat/completions', 'Bearer sk-ask-spec-0000'],
      ['/v1/chat/completions', 'Bearer sk-ask-spec-0000'],
    ]);
    expect((reqs[1]!.body as { messages: Array<{ content: string }> }).messages.map((m) => m.content)).toEqual(['first question', 'echo: first question (messages: 1)', 'second\nline']);
  });

  test('nex chat: an endpoint error is one line on stderr, exit 1, a line in stderr.log, no turn recorded', async () => {
    const ref = await newChat(['--executor', 'nex', '-m', 'stub-model', '-e', stub.url]);
    stub.enqueue({ kind: 'error', status: 404, message: 'model "stub-model" not found' });
    const r = await runChatmux([...g, 'ask', ref, 'will fail'], { env });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/^chatmux: nex: HTTP 404 .*model "stub-model" not found\n$/);
    expect(stderrLog(ref)).toMatch(/\n\S+ chatmux ask: nex: HTTP 404 .*not found\n$/);
    expect(fs.existsSync(path.join(p.stateDir, 'chats', ref, 'transcript.jsonl'))).toBe(false);
  });

  test('codex chat: a binary that cannot be started, or exits non-zero → one line, exit 1, logged', async () => {
    const ref = await newChat(['--executor', 'codex', '-m', 'stub-model', '-e', stub.url, '--api-key-env', 'ASK_SPEC_KEY']);
    const missing = await runChatmux([...g, 'ask', ref, 'hi'], { env: { ...env, CHATMUX_CODEX_BIN: path.join(p.root, 'no-such-codex') } });
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(`chatmux: could not start ${path.join(p.root, 'no-such-codex')}: ENOENT (not found: install it, put it on PATH, or set CHATMUX_CODEX_BIN)\n`);
    const failing = path.join(p.root, 'failing-codex');
    fs.writeFileSync(failing, '#!/bin/sh\ncat >/dev/null\necho "WARNING: proceeding, even though we could not create PATH aliases" >&2\necho "Error: config profile is broken" >&2\nexit 3\n', { mode: 0o755 });
    const bad = await runChatmux([...g, 'ask', ref, 'hi'], { env: { ...env, CHATMUX_CODEX_BIN: failing } });
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'chatmux: codex exited with status 3: Error: config profile is broken\n' });
    const log = stderrLog(ref);
    expect(log).toContain(' chatmux ask: could not start ');
    expect(log).toContain(' chatmux ask: codex exited with status 3: Error: config profile is broken\n');
    // a missing key is bad input, found before anything runs
    const noKey = await runChatmux([...g, 'ask', ref, 'hi'], { env: { ...env, ASK_SPEC_KEY: '' } });
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('--api-key-env ASK_SPEC_KEY: the variable is not set') });
  });
});

describe('ask helpers', () => {
  const chat = (over: Partial<ChatRecord>): ChatRecord => ({
    ref: 'chat-1', name: '', role: '', parent: null, executor: 'codex', argv: [], cwd: '/w', model: 'm', endpoint: 'http://h:1', apiKeyEnv: 'K',
    resumeId: null, state: 'running', starterPid: null, session: 's', created: '', startedAt: null, launchEnv: null, ...over,
  });

  test('codex exec argv: a first turn, then resume <id>; the message always on stdin', () => {
    const first = codexExecArgv(chat({}), {});
    expect(first.slice(0, 4)).toEqual(['codex', 'exec', '--json', '--skip-git-repo-check']);
    expect(first).toContain('model_providers.chatmux.base_url="http://h:1/v1"');
    expect(first[first.length - 1]).toBe('-');
    const next = codexExecArgv(chat({ resumeId: 'abc' }), { CHATMUX_CODEX_BIN: '/x/codex' });
    expect(next.slice(0, 3)).toEqual(['/x/codex', 'exec', 'resume']);
    expect(next.slice(-2)).toEqual(['abc', '-']);
  });

  test('codex JSONL: reply, thread id, failures (retry notices are not the outcome; JSON bodies become their message)', () => {
    const ok = ['{"type":"thread.started","thread_id":"t1"}', '{"type":"item.completed","item":{"type":"error","message":"Model metadata missing"}}', 'not json',
      '{"type":"item.completed","item":{"type":"agent_message","text":"first"}}', '{"type":"item.completed","item":{"type":"agent_message","text":"final"}}'].join('\n');
    expect(readExecEvents(ok)).toEqual({ reply: 'final', threadId: 't1', failure: null });
    const failed = ['{"type":"thread.started","thread_id":"t2"}', '{"type":"error","message":"Reconnecting... 1/5 (boom)"}',
      '{"type":"turn.failed","error":{"message":"{\\"error\\":{\\"message\\":\\"model\\\\nnope\\"}}"}}'].join('\n');
    expect(readExecEvents(failed)).toEqual({ reply: null, threadId: 't2', failure: 'model nope' });
    expect(readExecEvents('{"type":"error","message":"stream closed"}').failure).toBe('stream closed');
  });

  test('endpoint URLs: codex gets /v1 when missing, claude loses a trailing /v1', () => {
    expect(codexBaseUrl('http://gpu:8000')).toBe('http://gpu:8000/v1');
    expect(codexBaseUrl('https://gpu.example/v1/')).toBe('https://gpu.example/v1');
    expect(anthropicBaseUrl('http://gpu:8000/v1/')).toBe('http://gpu:8000');
    expect(anthropicBaseUrl('http://gpu:8000/anthropic')).toBe('http://gpu:8000/anthropic');
  });

  test('per-chat homes: trust seeded once, claude fields kept, nothing else written', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'chatmux-homes-'));
    try {
      const cwd = '/w/it\'s "odd" [dir]';
      seedCodexHome(path.join(dir, 'codex'), cwd);
      expect(fs.readFileSync(path.join(dir, 'codex', 'config.toml'), 'utf8')).toContain('[projects."/w/it\'s \\"odd\\" [dir]"]\ntrust_level = "trusted"\n');
      fs.appendFileSync(path.join(dir, 'codex', 'config.toml'), '[tui]\nx = 1\n');
      seedCodexHome(path.join(dir, 'codex'), cwd);
      expect(fs.readFileSync(path.join(dir, 'codex', 'config.toml'), 'utf8')).toContain('[tui]\nx = 1\n');
      const claude = path.join(dir, 'claude');
      fs.mkdirSync(claude);
      fs.writeFileSync(path.join(claude, '.claude.json'), '{"numStartups":3,"projects":{"/other":{"x":1}}}');
      seedClaudeConfig(claude, cwd);
      expect(JSON.parse(fs.readFileSync(path.join(claude, '.claude.json'), 'utf8'))).toEqual({
        numStartups: 3, hasCompletedOnboarding: true, projects: { '/other': { x: 1 }, [cwd]: { hasTrustDialogAccepted: true } },
      });
      expect(JSON.parse(fs.readFileSync(path.join(claude, 'settings.json'), 'utf8'))).toEqual({ disableDeepLinkRegistration: 'disable' });
      expect(fs.readdirSync(claude).sort()).toEqual(['.claude.json', 'settings.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
