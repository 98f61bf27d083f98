/** Units of lib/chat that need no tmux: naming, validation, executors, registry, log text. */
import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkEndpoint, checkLabel, ChatInputError } from '../lib/chat/validate';
import { makeChatContext } from '../lib/chat/context';
import { executorFor } from '../lib/chat/executors';
import { hookProgram } from '../lib/chat/agent-report';
import { readRegistry, updateRegistry, type ChatRecord } from '../lib/chat/registry';
import { plainText, wrappedCommand } from '../lib/chat/logs';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-units-')));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function record(over: Partial<ChatRecord> = {}): ChatRecord {
  return {
    ref: 'chat-3', name: '', role: '', parent: null, executor: 'cmd', argv: [], cwd: '/w', model: null, endpoint: null, apiKeyEnv: null,
    resumeId: null, state: 'running', starterPid: null, session: 's', created: new Date().toISOString(), startedAt: null, launchEnv: null, ...over,
  };
}

describe('validation', () => {
  test('labels refuse control characters and oversize text, keep everything else', () => {
    for (const ok of [`it's "q"; \\ #(x) {}`, 'café ☕', '']) expect(checkLabel('name', ok)).toBe(ok);
    for (const bad of ['a\nb', 'a\tb', '\x1b[31m', '\u0085', 'z'.repeat(201)]) expect(() => checkLabel('name', bad)).toThrow(ChatInputError);
    expect(() => checkEndpoint('file:///etc/passwd')).toThrow(/http/);
    expect(() => checkEndpoint('not a url')).toThrow(/spaces/);
    expect(() => checkEndpoint('nonsense')).toThrow(/not a valid URL/);
    expect(checkEndpoint('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
  });
});

describe('executors', () => {
  const ctx = makeChatContext({ project: '/p', stateDir: '/p/.chatmux', socket: 'chatmux' });
  const env = {};

  test('codex: a chatmux-owned Responses provider; key only in env under the env_key name; resume needs the id', () => {
    const chat = record({ executor: 'codex', model: 'gpt-x', endpoint: 'http://h:1/v1', apiKeyEnv: 'MY_KEY', argv: ['--foo'] });
    const spec = executorFor('codex').fresh({ chat, ctx, apiKey: 'sk-1', env });
    // the pane's codex: no shared daemon; codex's notify reports this chat's thread id to the hook
    const notify = `notify=[${JSON.stringify(hookProgram())},"codex","/p/.chatmux/chats/chat-3","chatmux","wg-chat-${ctx.tag}-chat-3"]`;
    expect(spec.argv).toEqual([
      'codex', '--no-daemon', '-c', notify, '-m', 'gpt-x', '-c', 'model_provider="chatmux"', '-c', 'model_providers.chatmux.name="chatmux"',
      '-c', 'model_providers.chatmux.base_url="http://h:1/v1"', '-c', 'model_providers.chatmux.env_key="MY_KEY"',
      '-c', 'model_providers.chatmux.wire_api="responses"', '-c', 'features.shell_snapshot=false', '--foo',
    ]);
    // -e: the chat's own CODEX_HOME (seeded by prepare, not by fresh())
    expect(spec.env).toEqual({ MY_KEY: 'sk-1', CODEX_HOME: '/p/.chatmux/chats/chat-3/codex-home' });
    expect(spec.prepare).toBeDefined();
    const plain = executorFor('codex').fresh({ chat: record({ executor: 'codex', model: 'gpt-x' }), ctx, apiKey: null, env: { HOME: '/nonexistent' } });
    expect([plain.env, plain.argv]).toEqual([{}, ['codex', '--no-daemon', '-c', notify, '-m', 'gpt-x']]);
    expect(executorFor('codex').resume({ chat, ctx, apiKey: 'sk-1', env })).toBeNull();
    chat.resumeId = 'abc'; // e.g. recorded by chatmux ask from codex exec
    expect(executorFor('codex').resume({ chat, ctx, apiKey: 'sk-1', env })!.argv.slice(0, 4)).toEqual(['codex', 'resume', 'abc', '--no-daemon']);
    expect(executorFor('codex').fresh({ chat, ctx, apiKey: null, env: { CHATMUX_CODEX_BIN: '/fake' } }).argv[0]).toBe('/fake');
    // A codex from before the shared daemon (< 0.155) would refuse --no-daemon and not start.
    const old = path.join(root, 'old-codex');
    fs.writeFileSync(old, '#!/bin/sh\necho codex-cli 0.150.2\n', { mode: 0o755 });
    expect(executorFor('codex').fresh({ chat, ctx, apiKey: null, env: { CHATMUX_CODEX_BIN: old } }).argv.slice(0, 3)).toEqual([old, '-c', notify]);
  });

  test('claude: a new --session-id per fresh start; --resume only of the id claude reported with a turn; endpoint and key via env', () => {
    const c = makeChatContext({ project: root, stateDir: path.join(root, 'claude-state'), socket: 'chatmux' });
    const chat = record({ executor: 'claude', endpoint: 'http://h:2', apiKeyEnv: 'K' });
    const a = executorFor('claude').fresh({ chat, ctx: c, apiKey: 'sk-2', env });
    expect(chat.resumeId).toBeNull();
    expect(a.argv.slice(0, 2)).toEqual(['claude', '--session-id']);
    const first = a.argv[2]!;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.argv[3]).toBe('--settings');
    const hooks = (JSON.parse(a.argv[4]!) as { hooks: Record<string, Array<{ hooks: Array<{ type: string; command: string }> }>> }).hooks;
    expect(Object.keys(hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'PreToolUse', 'PostToolUse', 'PermissionRequest', 'Notification']);
    expect(hooks.Stop![0]!.hooks[0]).toEqual({ type: 'command', command: `${hookProgram()} claude Stop ${path.join(root, 'claude-state', 'chats', 'chat-3')} chatmux wg-chat-${c.tag}-chat-3` });
    // -e: own config dir, key as a bearer token (ANTHROPIC_API_KEY would stop at a "use this key?" prompt)
    expect(a.env).toEqual({
      ANTHROPIC_BASE_URL: 'http://h:2', ANTHROPIC_AUTH_TOKEN: 'sk-2', CLAUDE_CONFIG_DIR: path.join(root, 'claude-state', 'chats', 'chat-3', 'claude-config'), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    expect(executorFor('claude').fresh({ chat: record({ executor: 'claude', apiKeyEnv: 'K' }), ctx: c, apiKey: 'sk-3', env }).env).toEqual({ ANTHROPIC_API_KEY: 'sk-3' });
    a.prepare!();
    // claude reported its session (SessionStart) but no turn: nothing to resume, start fresh
    const dir = path.join(root, 'claude-state', 'chats', 'chat-3');
    fs.writeFileSync(path.join(dir, 'session-id'), `${first}\n`);
    expect(executorFor('claude').resume({ chat, ctx: c, apiKey: 'sk-2', env })).toBeNull();
    // a turn reported: resume exactly that session
    fs.writeFileSync(path.join(dir, 'resume-id'), `${first}\n`);
    expect(executorFor('claude').resume({ chat, ctx: c, apiKey: 'sk-2', env })!.argv.slice(0, 3)).toEqual(['claude', '--resume', first]);
    expect(chat.resumeId).toBe(first);
    // a fresh start forgets the old reports (prepare) and takes a new uuid
    const b = executorFor('claude').fresh({ chat, ctx: c, apiKey: null, env });
    expect(b.argv[2]).not.toBe(first);
    b.prepare!();
    expect(fs.existsSync(path.join(dir, 'resume-id'))).toBe(false);
    expect(executorFor('claude').resume({ chat, ctx: c, apiKey: null, env })).toBeNull();
  });

  test('nex: chatmux nex with the chat\'s transcript and log; --resume on resume', () => {
    const chat = record({ executor: 'nex', model: 'm', endpoint: 'http://h:3/v1', apiKeyEnv: 'NK' });
    const fresh = executorFor('nex').fresh({ chat, ctx, apiKey: 'k', env });
    expect(fresh.argv[0]).toBe(process.execPath);
    expect(fresh.argv[1]).toMatch(/bin\/chatmux$/);
    expect(fresh.argv.slice(2)).toEqual(['nex', '-m', 'm', '-e', 'http://h:3/v1', '--transcript', '/p/.chatmux/chats/chat-3/transcript.jsonl', '--log', '/p/.chatmux/chats/chat-3/stderr.log', '--log-max-bytes', String(4 * 1024 * 1024), '--api-key-env', 'NK', '--continue']);
    expect(fresh.env).toEqual({ NK: 'k' });
    const resumed = executorFor('nex').resume({ chat, ctx, apiKey: 'k', env })!;
    expect(resumed.argv).toContain('--resume');
    expect(resumed.prepare).toBeUndefined();
  });

  test('nex: a fresh start clears the transcript before the pane exists (nex itself only continues it)', () => {
    const c = makeChatContext({ project: root, stateDir: path.join(root, 'nex-state'), socket: 'chatmux' });
    const chat = record({ executor: 'nex', model: 'm', endpoint: 'http://h:3/v1' });
    const file = path.join(root, 'nex-state', 'chats', 'chat-3', 'transcript.jsonl');
    const fresh = () => executorFor('nex').fresh({ chat, ctx: c, apiKey: null, env });
    fresh().prepare!(); // no transcript yet: nothing written
    expect(fs.existsSync(file)).toBe(false);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ v: 1, type: 'turn', ts: 't', model: 'm', user: 'u', assistant: 'a' }) + '\n');
    fresh().prepare!();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(lines).toEqual(['turn', 'clear']);
    fresh().prepare!(); // already cleared: no second clear line
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('the agent argv reaches exec unchanged through the wrapper', () => {
    const argv = ['/bin/echo', `a'b`, '"', '$(x)', 'two words'];
    const cmd = wrappedCommand(argv, { stderrLog: null, banner: null, goChannel: null });
    expect(cmd.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(cmd.slice(-argv.length)).toEqual(argv);
  });
});

describe('registry', () => {
  test('concurrent updates under the lock lose nothing; the file is 0600 in a 0700 dir', async () => {
    const ctx = makeChatContext({ project: root, stateDir: path.join(root, 'st1'), socket: 'x', warn: () => {} });
    await Promise.all(Array.from({ length: 15 }, (_, i) => updateRegistry(ctx, (reg) => {
      reg.lastRef += 1;
      reg.chats.push(record({ ref: `chat-${reg.lastRef}`, name: `n${i}` }));
    })));
    const reg = await readRegistry(ctx);
    expect(reg.chats).toHaveLength(15);
    expect(new Set(reg.chats.map((c) => c.ref)).size).toBe(15);
    expect(fs.statSync(path.join(ctx.stateDir, 'chats.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(ctx.stateDir).mode & 0o777).toBe(0o700);
  });

  test('a file that fails validation is kept aside, rebuilt, and warned about', async () => {
    const warnings: string[] = [];
    const ctx = makeChatContext({ project: root, stateDir: path.join(root, 'st2'), socket: 'x', warn: (m) => warnings.push(m) });
    fs.mkdirSync(ctx.stateDir, { recursive: true });
    fs.writeFileSync(path.join(ctx.stateDir, 'chats.json'), JSON.stringify({ version: 1, project: root, lastRef: 1, chats: [{ ref: 'chat-1', state: 'bogus' }] }));
    const reg = await readRegistry(ctx, async (r) => {
      r.chats.push(record({ ref: 'chat-5' }));
      r.lastRef = 5;
      return r;
    });
    expect(reg.chats.map((c) => c.ref)).toEqual(['chat-5']);
    expect(warnings[0]).toMatch(/unreadable .*kept as chats\.json\.corrupt-/);
    expect(fs.readdirSync(ctx.stateDir).some((f) => f.startsWith('chats.json.corrupt-'))).toBe(true);
    expect((await readRegistry(ctx)).lastRef).toBe(5);
  });
});

describe('log text', () => {
  test('escape sequences are dropped and carriage-return overwrites applied', () => {
    expect(plainText('\x1b[1;31mred\x1b[0m plain\r\n\x1b]0;title\x07next\rover\n')).toBe('red plain\nover\n');
  });
});
