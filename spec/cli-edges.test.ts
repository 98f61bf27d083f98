/**
 * The CLI as a new user meets it: unknown commands, a missing subcommand, the state folder in a
 * git project, commands after a lost tmux server. Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAllTestServers, waitFor } from './support/tmux';
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

describe('commands after the tmux server was lost', () => {
  const { t, g } = chatFixture();
  const env = cleanEnv();

  test('chat send brings lost chats back first and the text arrives; so does log -f', async () => {
    const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT], { env })).stdout);
    const other = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT], { env })).stdout);
    await waitFor(() => capture(t, rec.session).includes('READY'), 5000, 'agent start');
    t.tmux('kill-server');

    // Bad input changes nothing: no chat comes back for an unknown ref.
    expect(await runChatmux([...g, 'chat', 'send', 'chat-99', 'x'], { env })).toMatchObject({ code: 2 });
    expect(sessionsOf(t)).toEqual([]);

    const sent = await runChatmux([...g, 'chat', 'send', rec.ref, 'hi'], { env });
    expect(sent).toMatchObject({ code: 0 });
    expect(sent.stderr).toContain(`resumed ${rec.ref}, ${other.ref}`);
    await waitFor(() => capture(t, rec.session).includes('GOT[hi]'), 5000, 'text in the resumed chat');

    t.tmux('kill-server');
    // -f never ends by itself: read it until the chat's new output shows, then stop it.
    const follow = spawn(process.execPath, [BIN, ...g, 'chat', 'log', other.ref, '-f'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follow.stdout.on('data', (b: Buffer) => (followed += b.toString('utf8')));
    try {
      await waitFor(() => sessionsOf(t).includes(other.session), 8000, 'log -f resumed the chat');
      await waitFor(() => capture(t, other.session).includes('READY'), 5000, 'resumed agent start');
      t.tmux('send-keys', '-t', `=${other.session}:`, '-l', 'followed');
      t.tmux('send-keys', '-t', `=${other.session}:`, 'Enter');
      await waitFor(() => followed.includes('GOT[followed]'), 5000, 'log -f printed the new output');
    } finally {
      follow.kill();
    }
  });
});
