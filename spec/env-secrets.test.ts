/**
 * Keys go only where they were sent (issue 10.6) and chats come back with the environment
 * they were made with (issue 11.5): tmux's global environment never holds a credential-looking
 * variable, a chat gets its creator's environment (an endpoint chat none of its creator's
 * secrets), nex sends only its own key, endpoints are checked at `chat new` with nex's parser,
 * shell and cmd chats get their key, and PATH and the agents' homes are recorded and used on
 * resume. Real tmux on private sockets, the real CLI. Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStub, type Stub } from '../fixtures/stub-server';
import { EndpointError, normaliseEndpoint } from '../lib/agents/nex/endpoint';
import { recordLaunchEnv, sessionEnvArgs, starterEnvFor, wantedEnv } from '../lib/chat/chat-env';
import { RegistrySchema } from '../lib/chat/registry-schema';
import { makeChatContext } from '../lib/chat/context';
import { openChat } from '../lib/chat/lifecycle';
import { LiveChats } from '../lib/chat/live';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { ControlClient } from '../lib/control/client';
import { ChatInputError, checkEndpoint } from '../lib/chat/validate';
import { isSecretVar } from '../lib/control/secret-env';
import { MINIMAL_TMUX_ENV, tmuxEnv } from '../lib/control/server';
import { capture, chatFixture, cleanEnv, FAKE_AGENT, runChatmux, sessionsOf, type CliResult } from './support/chatmux-cli';
import { filesUnder, pidsWithArgvContaining } from './support/secrets';
import { killAllTestServers, testSocketName, waitFor, type TestServer } from './support/tmux';

afterAll(() => killAllTestServers());

const secret = (prefix: string): string => `${prefix}-${randomBytes(10).toString('hex')}`;

/** A cmd chat that prints the named variables' lengths (`NAME=<unset>` when absent; never a value), then waits. */
function printer(names: readonly string[]): string[] {
  const script = names.map((n) => `if [ -n "\${${n}+x}" ]; then echo "${n}=len\${#${n}}"; else echo "${n}=<unset>"; fi`).join('; ') + '; echo PRINTED; exec cat';
  return ['--', 'sh', '-c', script];
}

/** The global environment of the test server as NAME → value. */
const globalEnv = (t: TestServer): Map<string, string> =>
  new Map(t.tmux('show-environment', '-g').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('the secret rule', () => {
  test('names with KEY/TOKEN/SECRET/PASSWORD/…, vendors\' names and URLs with credentials are secrets; the rest is not', () => {
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'FOO_TOKEN', 'my_secret', 'DB_PASSWORD', 'PGPASSWD', 'GOOGLE_APPLICATION_CREDENTIALS', 'GH_HOST', 'GITHUB_TOKEN', 'HF_HOME', 'AWS_PROFILE', 'SENTRY_DSN']) {
      expect({ name, secret: isSecretVar(name, 'x') }).toEqual({ name, secret: true });
    }
    for (const name of ['PATH', 'HOME', 'LANG', 'SHELL', 'CODEX_HOME', 'EDITOR', 'PWD', 'HTTPS_PROXY', 'SSH_AUTH_SOCK', 'XAUTHORITY']) expect({ name, secret: isSecretVar(name, '/x') }).toEqual({ name, secret: false });
    expect(isSecretVar('DATABASE_URL', 'postgres://app:hunter2@db/x')).toBe(true);
    expect(isSecretVar('DATABASE_URL', 'postgres://db/x')).toBe(false);
    expect(isSecretVar('DOC', 'see http://h/a@b')).toBe(false);
  });

  test('tmuxEnv (the environment of every tmux process chatmux starts) drops them, and $TMUX', () => {
    const env = tmuxEnv({ PATH: '/bin', OPENAI_API_KEY: 'k', FOO_TOKEN: 't', TMUX: '/s,1,2', PLAIN: 'p', REDIS_URL: 'redis://:pw@h' });
    expect(env).toEqual({ PATH: '/bin', PLAIN: 'p', LANG: 'C.UTF-8' });
    // chatmux's own server: only the basics
    expect(tmuxEnv({ PATH: '/bin', HOME: '/h', LC_ALL: 'C', TMUX_TMPDIR: '/t', PLAIN: 'p', VIRTUAL_ENV: '/v' }, [], MINIMAL_TMUX_ENV)).toEqual({ PATH: '/bin', HOME: '/h', LC_ALL: 'C', TMUX_TMPDIR: '/t' });
  });

  test('a chat\'s -e variables: creator\'s env minus what the global env already has; an endpoint chat gets no creator secret', () => {
    const creator = { PATH: '/p', FOO_TOKEN: 'f', OPENAI_API_KEY: 'o', HTTPS_PROXY: 'http://u:pw@proxy', TMUX: 'x', TERM: 'xterm', 'BASH_FUNC_x%%': '() { :; }', SAME: 's' };
    const global = new Map([['SAME', 's'], ['PATH', '/old'], ['GITHUB_TOKEN', 'g']]);
    const own = { CHATMUX_CHAT_REF: 'chat-1' };
    expect(sessionEnvArgs({ endpoint: null }, wantedEnv({ endpoint: null }, creator, own), global)).toEqual({
      PATH: '/p', FOO_TOKEN: 'f', OPENAI_API_KEY: 'o', HTTPS_PROXY: 'http://u:pw@proxy', CHATMUX_CHAT_REF: 'chat-1',
    });
    const ep = { endpoint: 'http://h:1' };
    // the user's own server (not cleaned) still holds GITHUB_TOKEN: blanked for an endpoint chat
    expect(sessionEnvArgs(ep, wantedEnv(ep, creator, { ...own, MY_KEY: 'k' }), global)).toEqual({
      PATH: '/p', HTTPS_PROXY: 'http://u:pw@proxy', CHATMUX_CHAT_REF: 'chat-1', MY_KEY: 'k', GITHUB_TOKEN: '',
    });
  });

  test('PATH, HOME and agent homes are recorded (nothing else); a start uses them over the starter\'s', () => {
    const rec = recordLaunchEnv({ PATH: '/a/bin:/bin', HOME: '/h', CODEX_HOME: '/c', OPENAI_API_KEY: 'k', FOO: 'f' });
    expect(rec).toEqual({ PATH: '/a/bin:/bin', HOME: '/h', CODEX_HOME: '/c' });
    const starter = { PATH: '/bin', HOME: '/h', CODEX_HOME: '/other', CLAUDE_CONFIG_DIR: '/cc', K: 'k' };
    expect(starterEnvFor({ launchEnv: rec }, starter)).toEqual({ PATH: '/a/bin:/bin', HOME: '/h', CODEX_HOME: '/c', K: 'k' });
    expect(starterEnvFor({ launchEnv: null }, starter)).toBe(starter);
  });

  test('a registry written before launchEnv existed still loads', () => {
    const old = {
      version: 1, project: '/p', lastRef: 1,
      chats: [{ ref: 'chat-1', name: '', role: '', parent: null, executor: 'shell', argv: [], cwd: '/p', model: null, endpoint: null, apiKeyEnv: null, resumeId: null, state: 'running', session: 's', created: '' }],
    };
    expect(RegistrySchema.parse(old).chats[0]!.launchEnv).toBeUndefined();
  });
});

/** Endpoints chat new refuses — each one nex itself would refuse (exit 2) had it started. */
const BAD_ENDPOINTS = [
  '', '   ', 'http://user:sk-url-secret-1@host/v1', 'http://user@host/v1', 'https://:pw@host', 'http://@h/v1', 'http://h/v1?x=1', 'http://h/v1?', 'http://h/v1#frag',
  'http://h/a b', 'http://h/\u2028x', 'ftp://h/v1', 'file:///etc/passwd', 'ws://h/v1', 'localhost:8000', 'http:///v1', 'http://', 'http:h', 'http:/h/v1',
  'http:\\\\h\\v1', 'http://h:99999', 'http://h:abc', 'http://h:0/v1', 'http://h\t/v1', 'http://h/v1\u0085',
];
const GOOD_ENDPOINTS = ['http://127.0.0.1:8000', 'https://api.example.com/v1/', 'HTTP://H:8000', 'http://[::1]:8000/v1', 'http://h.example/v1/chat/completions', ' http://h:1/v1 '];

describe('endpoints: chat new checks them with nex\'s own parser', () => {
  test('every URL nex would refuse is refused by chat new, and every one it takes is taken', () => {
    const refused = (fn: () => unknown, type: new (...a: never[]) => Error): boolean => {
      try {
        fn();
        return false;
      } catch (e) {
        return e instanceof type;
      }
    };
    for (const url of BAD_ENDPOINTS) expect({ url, nex: refused(() => normaliseEndpoint(url), EndpointError), chatNew: refused(() => checkEndpoint(url), ChatInputError) }).toEqual({ url, nex: true, chatNew: true });
    for (const url of GOOD_ENDPOINTS) expect(checkEndpoint(url)).toBe(url.trim());
  });

  describe('through the CLI', () => {
    const { t, p, g } = chatFixture();
    const env = cleanEnv({ CHATMUX_CODEX_BIN: FAKE_AGENT, CHATMUX_CLAUDE_BIN: FAKE_AGENT, SPEC_URL_KEY: 'k' });

    test('bad URLs, URLs with credentials (codex, claude, nex) and --api-key-env \'\' exit 2 and create nothing', async () => {
      // A sample of the corpus (the unit test above takes all of it): each of these once passed chat new.
      const sample = ['', 'http://user:sk-url-secret-1@host/v1', 'http://h/v1?x=1', 'http://h/v1#frag', 'http://h/a b', 'http:///v1', 'http://h:0/v1', 'ftp://h/v1'];
      const runs = sample.map((url) => ({ url, executor: 'nex', args: ['-m', 'm', '-e', url] }));
      for (const executor of ['codex', 'claude']) runs.push({ url: 'http://me:sk-url-secret-2@h/v1', executor, args: ['-e', 'http://me:sk-url-secret-2@h/v1'] });
      runs.push({ url: '(empty key variable)', executor: 'shell', args: ['--api-key-env', ''] });
      runs.push({ url: '(empty key variable)', executor: 'nex', args: ['-m', 'm', '-e', 'http://127.0.0.1:9', '--api-key-env', ''] });
      const results: CliResult[] = [];
      for (let i = 0; i < runs.length; i += 6) {
        results.push(...(await Promise.all(runs.slice(i, i + 6).map((r) => runChatmux([...g, 'chat', 'new', '--executor', r.executor, ...r.args], { env })))));
      }
      runs.forEach((r, i) => expect({ ...r, code: results[i]!.code, stdout: results[i]!.stdout }).toEqual({ ...r, code: 2, stdout: '' }));
      for (const res of results) expect(res.stderr).not.toMatch(/sk-url-secret/);
      const creds = results.filter((_, i) => runs[i]!.url.includes('@') && runs[i]!.url.startsWith('http://'));
      for (const res of creds) expect(res.stderr).toContain('--api-key-env');
      expect(results[runs.length - 2]!.stderr).toContain('--api-key-env ""');
      expect(sessionsOf(t)).toEqual([]);
      const reg = fs.existsSync(path.join(p.stateDir, 'chats.json')) ? JSON.parse(fs.readFileSync(path.join(p.stateDir, 'chats.json'), 'utf8')) : { chats: [] };
      expect(reg.chats).toEqual([]);
    });
  });
});

describe('tmux never holds a secret; a chat gets its creator\'s environment', () => {
  const { t, p, g } = chatFixture();
  const s = { openai: secret('sk-openai'), anthropic: secret('sk-ant'), foo: secret('foo-token'), db: secret('dbpw'), key: secret('sk-chat') };
  const shimDir = path.join(p.root, 'shim');
  const shimLog = path.join(p.root, 'tmux-argv.log');
  const realTmux = execFileSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).trim();
  const withSecrets = (): NodeJS.ProcessEnv => cleanEnv({
    PATH: `${shimDir}:${process.env.PATH}`, PLAIN_SPEC_VAR: 'plain',
    OPENAI_API_KEY: s.openai, ANTHROPIC_API_KEY: s.anthropic, FOO_TOKEN: s.foo, DATABASE_URL: `postgres://app:${s.db}@db/x`, SPEC_CHAT_KEY: s.key,
    CHATMUX_CODEX_BIN: FAKE_AGENT, CHATMUX_CLAUDE_BIN: FAKE_AGENT, SHELL: '/bin/sh',
  });
  const without = (): NodeJS.ProcessEnv => {
    const env = withSecrets();
    for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'FOO_TOKEN', 'DATABASE_URL', 'SPEC_CHAT_KEY', 'PLAIN_SPEC_VAR']) delete env[k];
    return env;
  };
  const allSecrets = Object.values(s);
  const newChat = async (args: string[], env: NodeJS.ProcessEnv): Promise<{ ref: string; session: string }> => {
    const r = await runChatmux([...g, 'chat', 'new', '--json', ...args], { env });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(r.stdout);
  };
  const shown = async (session: string): Promise<string> => {
    await waitFor(() => /PRINTED|READY/.test(capture(t, session)), 5000, 'chat output');
    return capture(t, session);
  };
  beforeAll(() => {
    // Every tmux process any test here starts (the CLI's, the panes' wait-for) logs its argv.
    fs.mkdirSync(shimDir, { recursive: true });
    fs.writeFileSync(path.join(shimDir, 'tmux'), `#!/bin/sh\nprintf '%s\\n' "$*" >>'${shimLog}'\nexec ${realTmux} "$@"\n`, { mode: 0o755 });
  });

  test('a server started from a shell full of keys: its global environment holds none; each chat sees only its creator\'s', async () => {
    const names = ['FOO_TOKEN', 'OPENAI_API_KEY', 'PLAIN_SPEC_VAR'];
    const first = await newChat(['--name', 'with', ...printer(names)], withSecrets());
    const global = globalEnv(t);
    expect([...global.keys()].filter((k) => isSecretVar(k, global.get(k)))).toEqual([]);
    expect(t.tmux('show-environment', '-g')).not.toMatch(new RegExp(allSecrets.join('|')));
    // nothing but the basics: the rest of that shell's environment is no later chat's business
    expect(global.has('PLAIN_SPEC_VAR')).toBe(false);
    expect(global.get('HOME')).toBe(process.env.HOME);
    // the chat sees its creator's environment, as a terminal would
    expect(await shown(first.session)).toContain(`FOO_TOKEN=len${s.foo.length}\nOPENAI_API_KEY=len${s.openai.length}\nPLAIN_SPEC_VAR=len5\n`);
    // a later chat from a process without them does not
    const second = await newChat(['--name', 'without', ...printer(names)], without());
    expect(await shown(second.session)).toContain('FOO_TOKEN=<unset>\nOPENAI_API_KEY=<unset>\nPLAIN_SPEC_VAR=<unset>\n');
  });

  test('an endpoint chat gets its own key and none of its creator\'s; a chat without one is the user\'s own CLI', async () => {
    const env = { ...withSecrets(), FAKE_SHOW_VARS: 'SPEC_CHAT_KEY,OPENAI_API_KEY,ANTHROPIC_API_KEY,FOO_TOKEN,DATABASE_URL' };
    const codex = await newChat(['--executor', 'codex', '-m', 'm', '-e', 'http://127.0.0.1:9/v1', '--api-key-env', 'SPEC_CHAT_KEY'], env);
    expect(await shown(codex.session)).toContain(`KEYLEN[SPEC_CHAT_KEY=${s.key.length}]\nKEYLEN[OPENAI_API_KEY=0]\nKEYLEN[ANTHROPIC_API_KEY=0]\nKEYLEN[FOO_TOKEN=0]\nKEYLEN[DATABASE_URL=0]`);
    const own = await newChat(['--executor', 'claude'], env);
    expect(await shown(own.session)).toContain(`KEYLEN[ANTHROPIC_API_KEY=${s.anthropic.length}]`);
  });

  test('a server someone else started with keys in its environment is cleaned by the next chat new', async () => {
    const polluted = testSocketName();
    const run = (...args: string[]): string => execFileSync(realTmux, ['-L', polluted, '-f', '/dev/null', ...args], { env: { ...without(), OPENAI_API_KEY: s.openai, FOO_TOKEN: s.foo, PLAIN_SPEC_VAR: 'kept' }, encoding: 'utf8' });
    try {
      run('new-session', '-d', '-s', 'theirs', 'sleep 600');
      expect(run('show-environment', '-g')).toContain(`OPENAI_API_KEY=${s.openai}`);
      const gb = ['--socket', polluted, '--project', p.project, '--state-dir', path.join(p.root, 'state-b')];
      const r = await runChatmux([...gb, 'chat', 'new', '--json', ...printer(['FOO_TOKEN'])], { env: without() });
      expect(r).toMatchObject({ code: 0 });
      const after = run('show-environment', '-g');
      expect(after).not.toMatch(new RegExp(allSecrets.join('|')));
      expect(after).toContain('PLAIN_SPEC_VAR=kept');
      expect(await waitFor(() => run('capture-pane', '-p', '-t', `=${JSON.parse(r.stdout).session}:`).includes('PRINTED') && run('capture-pane', '-p', '-t', `=${JSON.parse(r.stdout).session}:`), 5000, 'output')).toContain('FOO_TOKEN=<unset>');
    } finally {
      try {
        run('kill-server');
      } catch {
        /* gone */
      }
    }
  });

  test('the UI started against such a server cleans it first; a chat the UI creates gets the UI\'s environment', async () => {
    const polluted = testSocketName();
    const run = (...args: string[]): string => execFileSync(realTmux, ['-L', polluted, '-f', '/dev/null', ...args], { env: { ...without(), OPENAI_API_KEY: s.openai }, encoding: 'utf8' });
    const ctx = makeChatContext({ project: p.project, stateDir: path.join(p.root, 'state-ui'), socket: polluted, warn: () => {} });
    try {
      run('new-session', '-d', '-s', 'theirs', 'sleep 600');
      const live = await LiveChats.start(ctx, { width: 80, height: 24, env: { ...without(), FOO_TOKEN: s.foo } });
      try {
        expect(run('show-environment', '-g')).not.toContain(s.openai);
        const ref = await live.newChat({ executor: 'cmd', argv: printer(['FOO_TOKEN', 'OPENAI_API_KEY']).slice(1) });
        const session = live.list().find((c) => c.ref === ref)!.record.session;
        await waitFor(() => run('capture-pane', '-p', '-t', `=${session}:`).includes('PRINTED'), 5000, 'UI chat output');
        expect(run('capture-pane', '-p', '-t', `=${session}:`)).toContain(`FOO_TOKEN=len${s.foo.length}\nOPENAI_API_KEY=<unset>\n`);
      } finally {
        await live.leaveAll();
      }
    } finally {
      try {
        run('kill-server');
      } catch {
        /* gone */
      }
    }
  });

  test('no value reached any process\'s argv, tmux option or state file', () => {
    const argvLog = fs.readFileSync(shimLog, 'utf8');
    expect(argvLog.split('\n').length).toBeGreaterThan(20); // the shim did see the CLI's tmux calls
    for (const v of allSecrets) {
      expect({ v, inTmuxArgv: argvLog.includes(v) }).toEqual({ v, inTmuxArgv: false });
      expect({ v, pids: pidsWithArgvContaining(v) }).toEqual({ v, pids: [] });
      for (const scope of [['-g'], ['-s'], ['-w', '-g']]) expect(t.tmux('show-options', ...scope)).not.toContain(v);
      for (const f of filesUnder(p.stateDir)) expect({ f, leaked: fs.readFileSync(f).includes(v) }).toEqual({ f, leaked: false });
    }
  });
});

describe('shell and cmd chats given --api-key-env get the variable', () => {
  const { t, g } = chatFixture();
  const key = secret('sk-shell');

  test('on a server started from a shell without it', async () => {
    const first = await runChatmux([...g, 'chat', 'new', '--executor', 'shell'], { env: cleanEnv({ SHELL: '/bin/sh' }) });
    expect(first).toMatchObject({ code: 0 });
    const env = cleanEnv({ SHELL: '/bin/sh', SPEC_CHAT_KEY: key });
    const made = async (args: string[]): Promise<{ ref: string; session: string }> => {
      const r = await runChatmux([...g, 'chat', 'new', '--json', '--api-key-env', 'SPEC_CHAT_KEY', ...args], { env });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      return JSON.parse(r.stdout);
    };
    const cmd = await made(['--', 'sh', '-c', 'echo "KLEN=${#SPEC_CHAT_KEY}"; exec cat']);
    await waitFor(() => capture(t, cmd.session).includes(`KLEN=${key.length}\n`), 5000, 'cmd chat output');
    const sh = await made(['--executor', 'shell']);
    expect(await runChatmux([...g, 'chat', 'send', sh.ref, 'echo "KLEN=${#SPEC_CHAT_KEY}"'], { env })).toMatchObject({ code: 0 });
    await waitFor(() => capture(t, sh.session).includes(`KLEN=${key.length}\n`), 5000, 'shell chat output');
  });
});

describe('without tmux (--no-tmux) an endpoint chat gets the same environment', () => {
  const { p } = chatFixture();

  test('its own key, none of its creator\'s secrets', async () => {
    const env = cleanEnv({ CHATMUX_CODEX_BIN: FAKE_AGENT, OPENAI_API_KEY: 'sk-creator-openai', SPEC_FG_KEY: 'sk-fg', FAKE_SHOW_VARS: 'SPEC_FG_KEY,OPENAI_API_KEY' });
    const res = await runChatmux(['--no-tmux', '--project', p.project, '--state-dir', p.stateDir, 'chat', 'new', '--executor', 'codex', '-m', 'm', '-e', 'http://127.0.0.1:9', '--api-key-env', 'SPEC_FG_KEY'], { env, input: 'exit 0\n' });
    expect(res.stdout).toContain('KEYLEN[SPEC_FG_KEY=5]\r\nKEYLEN[OPENAI_API_KEY=0]');
  });
});

describe('nex sends only the key named for its chat', () => {
  const { t, g } = chatFixture();
  let stub: Stub;
  beforeAll(async () => {
    stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await stub.close();
  });

  test('a nex chat without --api-key-env sends no key, though OPENAI_API_KEY is set (in the pane and through ask)', async () => {
    const env = cleanEnv({ OPENAI_API_KEY: 'sk-fallback-must-not-be-sent' });
    const made = await runChatmux([...g, 'chat', 'new', '--executor', 'nex', '-m', 'stub-model', '-e', stub.url, '--json'], { env });
    expect(made).toMatchObject({ code: 0 });
    const chat = JSON.parse(made.stdout);
    const before = stub.modelRequests().length;
    await waitFor(() => capture(t, chat.session).includes('/exit'), 8000, 'nex prompt');
    expect(await runChatmux([...g, 'chat', 'send', chat.ref, 'hello from the pane'], { env })).toMatchObject({ code: 0 });
    await waitFor(() => stub.modelRequests().length > before, 8000, 'the pane\'s request');
    expect(await runChatmux([...g, 'ask', chat.ref, 'hello from ask'], { env })).toMatchObject({ code: 0 });
    const reqs = stub.modelRequests().slice(before);
    expect(reqs.length).toBe(2);
    for (const r of reqs) expect({ authorization: r.headers.authorization, xApiKey: r.headers['x-api-key'] }).toEqual({ authorization: undefined, xApiKey: undefined });
  });
});

describe('a resumed chat gets the environment it was made with', () => {
  const { t, p, g } = chatFixture();

  /** Pane text after the last resume banner (the banner repeats the earlier output). */
  const afterResume = (session: string): string => capture(t, session).split(/--- resumed .*---/).slice(1).pop() ?? '';

  test('PATH with the agent and CODEX_HOME as recorded, though the resuming process has neither: running, not dead(127)', async () => {
    const bin = path.join(p.root, 'agent-bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'spec-agent'), '#!/bin/sh\necho "AGENT UP CODEX_HOME=${CODEX_HOME-<unset>}"\nexec cat\n', { mode: 0o755 });
    const creator = cleanEnv({ PATH: `${bin}:${process.env.PATH}` });
    const a = await runChatmux([...g, 'chat', 'new', '--json', '--', 'spec-agent'], { env: { ...creator, CODEX_HOME: path.join(p.root, 'home-a') } });
    const b = await runChatmux([...g, 'chat', 'new', '--json', '--', 'spec-agent'], { env: creator });
    const [ca, cb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    await waitFor(() => capture(t, ca.session).includes('AGENT UP') && capture(t, cb.session).includes('AGENT UP'), 5000, 'agents');
    t.tmux('kill-server');
    // the UI or CLI that brings them back runs in a shell without that PATH entry, with another CODEX_HOME
    const resumer = cleanEnv({ CODEX_HOME: path.join(p.root, 'home-other') });
    expect(resumer.PATH!.split(':')).not.toContain(bin);
    const list = await runChatmux([...g, 'chat', 'list', '--json'], { env: resumer });
    expect(list.stderr).toContain('resumed chat-1, chat-2');
    await waitFor(() => afterResume(ca.session).includes(`AGENT UP CODEX_HOME=${path.join(p.root, 'home-a')}`), 5000, 'chat-1 resumed with its CODEX_HOME');
    await waitFor(() => afterResume(cb.session).includes('AGENT UP CODEX_HOME=<unset>'), 5000, 'chat-2 resumed without one');
    const views = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env: resumer })).stdout);
    expect(views.map((v: { ref: string; lifecycle: string; exited: boolean; exitStatus: number | null }) => [v.ref, v.lifecycle, v.exited, v.exitStatus])).toEqual([['chat-1', 'running', false, null], ['chat-2', 'running', false, null]]);
  });

  test('a closed chat opened again over a control-mode client (the UI\'s o and R) uses them too', async () => {
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
    const closed = await runChatmux([...g, 'chat', 'close', 'chat-1'], { env: cleanEnv() });
    expect(closed).toMatchObject({ code: 0 });
    const ui = await ControlClient.connect({ server: chatServerOptions(ctx), target: { newSession: { name: `spec-view-${process.pid}`, command: ['cat'] } } });
    try {
      const chat = await openChat(ui, ctx, 'chat-1', { env: cleanEnv({ CODEX_HOME: '/elsewhere' }) });
      await waitFor(() => capture(t, chat.session).includes(`AGENT UP CODEX_HOME=${path.join(p.root, 'home-a')}`), 5000, 'reopened over control mode');
    } finally {
      await ui.close();
    }
  });

  test('chatmux ask on an own-login codex chat runs codex in the CODEX_HOME the chat was made with', async () => {
    const homeMade = path.join(p.root, 'codex-home-made');
    const made = await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '--json'], { env: cleanEnv({ CHATMUX_CODEX_BIN: FAKE_AGENT, CODEX_HOME: homeMade }) });
    expect(made).toMatchObject({ code: 0 });
    const tellsHome = path.join(p.root, 'codex-tells-home');
    fs.writeFileSync(tellsHome, '#!/bin/sh\ncat >/dev/null\necho "Error: home=$CODEX_HOME" >&2\nexit 3\n', { mode: 0o755 });
    const res = await runChatmux([...g, 'ask', JSON.parse(made.stdout).ref, 'hi'], { env: cleanEnv({ CHATMUX_CODEX_BIN: tellsHome, CODEX_HOME: path.join(p.root, 'elsewhere') }) });
    expect(res).toMatchObject({ code: 1, stderr: `chatmux: codex exited with status 3: Error: home=${homeMade}\n` });
  });
});
