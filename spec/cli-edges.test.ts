/**
 * The CLI as a new user meets it: unknown commands, a missing subcommand, the state folder in a
 * git project, commands after a lost tmux server. Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { startStub, type Stub } from '../fixtures/stub-server';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';
import { newSession, shellQuote } from '../lib/control/commands';
import { makeUiDriver, type UiDriver } from './support/ui-driver';
import { BIN, capture, chatFixture, cleanEnv, FAKE_AGENT, runChatmux, sessionsOf } from './support/chatmux-cli';

afterAll(() => killAllTestServers());

describe('CLI manners', () => {
  test('an unknown command is named, with the closest command; exit 2', async () => {
    const typo = await runChatmux(['chta']);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toContain("unknown command 'chta' (did you mean 'chat'?)");
    const other = await runChatmux(['--socket', 'x', 'frobnicate']);
    expect(other).toMatchObject({ code: 2, stdout: '' });
    expect(other.stderr).toContain("unknown command 'frobnicate'");
    expect(other.stderr).not.toContain('too many arguments');
    // The word is shown escaped: it cannot drive the terminal.
    const hostile = await runChatmux(['fro\x1b]0;pwned\x07b']);
    expect(hostile).toMatchObject({ code: 2 });
    expect(hostile.stderr).not.toContain('\x1b');
    // An option's value is not a command: this is the UI (which wants a terminal).
    const ui = await runChatmux(['--prefix', 'C-a']);
    expect(ui).toMatchObject({ code: 2, stderr: expect.stringContaining('the UI needs a terminal') });
  });

  test('`chatmux chat` without a subcommand prints its help on stderr and exits 2; asked-for help is exit 0', async () => {
    const bare = await runChatmux(['chat']);
    expect(bare).toMatchObject({ code: 2, stdout: '' });
    expect(bare.stderr).toContain('Usage: chatmux chat');
    const asked = await runChatmux(['help', 'chat']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('Usage: chatmux chat');
  });
});

describe('chat log of a shell fed by chat send', () => {
  const { t, p, g } = chatFixture();

  test('lines sent from stdin show once each, in order (bash redraws a bracketed paste in place)', async () => {
    const env = cleanEnv({ SHELL: '/bin/bash', PS1: 'P$ ' });
    const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--executor', 'shell', '--', '--norc', '--noprofile'], { env })).stdout);
    await waitFor(() => capture(t, rec.session).includes('P$'), 10000, 'prompt');
    expect(await runChatmux([...g, 'chat', 'send', rec.ref], { env, input: 'echo from-stdin-1\necho from-stdin-2\n' })).toMatchObject({ code: 0 });
    const outputLog = path.join(p.stateDir, 'chats', rec.ref, 'output.log');
    await waitFor(() => /\r\nfrom-stdin-2\r\n/.test(fs.readFileSync(outputLog, 'utf8')), 10000, 'both commands ran');
    const log = await runChatmux([...g, 'chat', 'log', rec.ref], { env });
    expect(log.code).toBe(0);
    const lines = log.stdout.split('\n');
    const first = lines.findIndex((l) => l.endsWith('echo from-stdin-1'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(lines.slice(first + 1, first + 4)).toEqual(['echo from-stdin-2', 'from-stdin-1', 'from-stdin-2']);
    expect(log.stdout).not.toContain('from-stdin-2echo');
  });
});

describe('the state folder in a git project', () => {
  const { t, p } = chatFixture();

  test('holds a .gitignore of * from the start: git status shows nothing of .chatmux', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: p.project, encoding: 'utf8', env: cleanEnv({ GIT_CONFIG_NOSYSTEM: '1', HOME: p.root }) });
    git('init', '-q');
    const made = await runChatmux(['--socket', t.socket, '--project', p.project, 'chat', 'new', '--', FAKE_AGENT]);
    expect(made).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(p.project, '.chatmux', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(fs.existsSync(path.join(p.project, '.chatmux', 'chats.json'))).toBe(true);
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});

describe('an existing folder given as --state-dir', () => {
  const { t, p } = chatFixture();

  test("keeps its mode when it holds the user's own files (a --state-dir ~ never makes a home private)", async () => {
    const home = path.join(p.root, 'home');
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chmodSync(home, 0o755);
    fs.writeFileSync(path.join(home, 'notes.txt'), 'mine\n');
    const made = await runChatmux(['--socket', t.socket, '--project', p.project, '--state-dir', home, 'chat', 'new', '--', FAKE_AGENT]);
    expect(made).toMatchObject({ code: 0 });
    expect(fs.statSync(home).mode & 0o777).toBe(0o755);
    // What chatmux writes there is still private.
    expect(fs.statSync(path.join(home, 'chats.json')).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(home, 'chats')).mode & 0o077).toBe(0);
  });
});

describe('commands after the tmux server was lost', () => {
  const { t, g } = chatFixture();
  const env = cleanEnv();

  test('chat send brings lost chats back first and the text arrives; so does log -f', async () => {
    const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT], { env })).stdout);
    const other = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT], { env })).stdout);
    await waitFor(() => capture(t, rec.session).includes('READY'), 10000, 'agent start');
    t.tmux('kill-server');

    // Bad input changes nothing: no chat comes back for an unknown ref.
    expect(await runChatmux([...g, 'chat', 'send', 'chat-99', 'x'], { env })).toMatchObject({ code: 2 });
    expect(sessionsOf(t)).toEqual([]);

    const sent = await runChatmux([...g, 'chat', 'send', rec.ref, 'hi'], { env });
    expect(sent).toMatchObject({ code: 0 });
    expect(sent.stderr).toContain(`resumed ${rec.ref}, ${other.ref}`);
    await waitFor(() => capture(t, rec.session).includes('GOT[hi]'), 10000, 'text in the resumed chat');

    t.tmux('kill-server');
    // -f never ends by itself: read it until the chat's new output shows, then stop it.
    const follow = spawn(process.execPath, [BIN, ...g, 'chat', 'log', other.ref, '-f'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follow.stdout.on('data', (b: Buffer) => (followed += b.toString('utf8')));
    try {
      await waitFor(() => sessionsOf(t).includes(other.session), 10000, 'log -f resumed the chat');
      await waitFor(() => capture(t, other.session).includes('READY'), 10000, 'resumed agent start');
      t.tmux('send-keys', '-t', `=${other.session}:`, '-l', 'followed');
      t.tmux('send-keys', '-t', `=${other.session}:`, 'Enter');
      await waitFor(() => followed.includes('GOT[followed]'), 10000, 'log -f printed the new output');
    } finally {
      follow.kill();
    }
  });
});

describe('attach after the tmux server was lost', () => {
  const outer = makeTestServer();
  const { t, g } = chatFixture();
  afterAll(() => outer.kill());

  test('brings every lost chat back, then shows the one asked for', async () => {
    const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT, 'attach-me'])).stdout);
    const other = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT])).stdout);
    t.tmux('kill-server');
    const script = `${[process.execPath, BIN, ...g, 'chat', 'attach', rec.ref].map(shellQuote).join(' ')}; sleep 30`;
    await newSession(outer.cli, { name: 'o', width: 100, height: 30, command: ['/bin/sh', '-c', script] });
    await waitFor(() => capture(outer, 'o').includes('ARGV[attach-me]'), 10000, 'the chat through the attached client');
    expect(sessionsOf(t)).toEqual(expect.arrayContaining([rec.session, other.session]));
  });
});

describe('ask after the tmux server was lost', () => {
  const { t, g } = chatFixture();

  test('answers, then brings the chats back: the resumed pane shows the turn just asked', async () => {
    const stub: Stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
    try {
      const env = cleanEnv();
      const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--executor', 'nex', '-m', 'stub-model', '-e', stub.url], { env })).stdout);
      t.tmux('kill-server');
      const asked = await runChatmux([...g, 'ask', rec.ref, 'asked-while-lost'], { env });
      expect(asked).toMatchObject({ code: 0, stdout: 'echo: asked-while-lost (messages: 1)\n' });
      expect(asked.stderr).toContain(`resumed ${rec.ref}`);
      await waitFor(() => capture(t, rec.session).includes('echo: asked-while-lost'), 10000, 'the turn in the resumed pane');
    } finally {
      await stub.close();
    }
  });
});

describe('a chat that cannot start says why', () => {
  const { t, p, g } = chatFixture();
  const env = cleanEnv();

  test('chat new refuses a program it cannot run (exit 2) and creates nothing', async () => {
    const missing = await runChatmux([...g, 'chat', 'new', '--', '/no/such/cmd'], { env });
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('command not found: /no/such/cmd');
    // codex not on the creator's PATH: say how to install it.
    const noCodex = await runChatmux([...g, 'chat', 'new', '--executor', 'codex'], { env: cleanEnv({ PATH: '/usr/bin:/bin' }) });
    expect(noCodex).toMatchObject({ code: 2, stdout: '' });
    expect(noCodex.stderr).toContain('command not found: codex');
    expect(noCodex.stderr).toContain('npm install -g @openai/codex');
    fs.writeFileSync(path.join(p.project, 'not-executable.sh'), 'echo hi\n', { mode: 0o644 });
    const denied = await runChatmux([...g, 'chat', 'new', '--', './not-executable.sh'], { env });
    expect(denied).toMatchObject({ code: 2 });
    expect(denied.stderr).toContain('permission denied: ./not-executable.sh');
    const unknownName = await runChatmux([...g, 'chat', 'new', '--', 'chatmux-no-such-program'], { env });
    expect(unknownName).toMatchObject({ code: 2 });
    expect(unknownName.stderr).toContain('command not found: chatmux-no-such-program');
    expect(sessionsOf(t)).toEqual([]);
    // No registry entry and no ref used up: the next chat is chat-1.
    const ok = await runChatmux([...g, 'chat', 'new', '--', FAKE_AGENT], { env });
    expect(ok).toMatchObject({ code: 0, stdout: 'chat-1\n' });
  });

  test('a program gone before a resume: the pane and stderr.log say why', async () => {
    const agent = path.join(p.project, 'agent.sh');
    fs.copyFileSync(FAKE_AGENT, agent);
    fs.chmodSync(agent, 0o755);
    const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', './agent.sh'], { env })).stdout);
    await waitFor(() => capture(t, rec.session).includes('READY'), 10000, 'agent start');
    t.tmux('kill-server');
    fs.rmSync(agent);
    expect(await runChatmux([...g, 'chat', 'list'], { env })).toMatchObject({ code: 0 });
    await waitFor(() => capture(t, rec.session).includes(`chatmux: ${rec.ref} cannot start: command not found: ./agent.sh`), 10000, 'reason in the pane');
    // tmux < 3.4 sometimes records no status for a dead pane (see lib/chat/status.ts): when there is one, it is 127.
    const [dead, status] = await waitFor(() => {
      const v = t.tmux('display-message', '-p', '-t', `=${rec.session}:`, '#{pane_dead} #{pane_dead_status}').trim().split(' ');
      return v[0] === '1' ? v : null;
    }, 10000, 'dead pane');
    expect([dead, status ?? '127']).toEqual(['1', '127']);
    const log = await runChatmux([...g, 'chat', 'log', rec.ref, '--stderr'], { env });
    expect(log.stdout).toMatch(new RegExp(`^# chatmux \\S+ ${rec.ref} cannot start: command not found: \\./agent\\.sh$`, 'm'));
  });
});

describe('the UI\'s new-chat dialog', () => {
  let ui: UiDriver | null = null;
  afterAll(() => {
    ui?.stop();
    if (ui) fs.rmSync(ui.project, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  test('shows why a program cannot run, and creates nothing', async () => {
    ui = makeUiDriver();
    ui.start();
    await ui.waitScreen('Welcome to chatmux');
    ui.keys('n');
    await ui.waitScreen('New chat');
    ui.keys('Right'); // executor shell → cmd
    for (let i = 0; i < 6; i++) ui.keys('Tab'); // to the command field
    ui.type('/no/such/cmd --flag');
    ui.keys('Enter');
    await ui.waitScreen('command not found: /no/such/cmd');
    expect(JSON.parse(fs.readFileSync(path.join(ui.project, '.chatmux', 'chats.json'), 'utf8'))).toMatchObject({ lastRef: 0, chats: [] });
  });
});
