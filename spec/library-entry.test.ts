/**
 * The public library entry (issue 15.6): `require('chatmux')` resolves through package.json
 * `exports` to the built entry with its declarations, and the README's example
 * (examples/watch-chats.ts, compiled by tsc against that entry) lists chats and prints their
 * output as it arrives, on a private tmux socket. Needs `npx tsc -p tsconfig.json` first.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { chatFixture, cleanEnv, ROOT, runChatmux, sessionsOf } from './support/chatmux-cli';
import { makeTestServer, waitFor } from './support/tmux';

const EXAMPLE = path.join(ROOT, 'dist', 'examples', 'watch-chats.js');
const CONTROL_EXAMPLE = path.join(ROOT, 'dist', 'examples', 'control-only.js');

/** The ```ts blocks of the README's library section, in order. */
function readmeLibraryBlocks(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## chatmux as a library\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([^]*?)```/g)].map((m) => m[1]!);
}

describe('library entry', () => {
  test('package.json exports resolve to the built entry and its declarations', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.exports['.'];
    expect(fs.existsSync(path.join(ROOT, entry.types))).toBe(true);
    // Self-reference by package name goes through `exports`, as an installed package would.
    const resolved = require.resolve('chatmux', { paths: [path.join(ROOT, 'dist', 'examples')] });
    expect(resolved).toBe(path.join(ROOT, entry.default));
    const lib = require(resolved);
    for (const name of ['ControlClient', 'TmuxCli', 'newSession', 'sendText', 'makeChatContext', 'readRegistry', 'listChats',
      'createChat', 'closeChat', 'archiveChat', 'renameChat', 'sendToChat', 'LiveChats', 'PanePainter', 'PaneDamage']) {
      expect([name, typeof lib[name]]).toEqual([name, 'function']);
    }
    const dts = fs.readFileSync(path.join(ROOT, entry.types), 'utf8');
    expect(dts).toMatch(/LiveChats/);
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/lib/']));
  });

  test('the README\'s examples are the example programs that tsc compiles against the entry and these tests run', () => {
    expect(readmeLibraryBlocks()).toEqual([
      fs.readFileSync(path.join(ROOT, 'examples', 'watch-chats.ts'), 'utf8'),
      fs.readFileSync(path.join(ROOT, 'examples', 'control-only.ts'), 'utf8'),
    ]);
  });

  test('the README\'s control-only example (chatmux/control) types into a session and prints its output', async () => {
    expect(fs.existsSync(CONTROL_EXAMPLE)).toBe(true);
    const server = makeTestServer();
    // Started here with no config file, so the example's connection finds it running.
    server.tmux('new-session', '-d', '-s', 'keep', 'sleep 600');
    const child = spawn(process.execPath, [CONTROL_EXAMPLE], { env: cleanEnv({ TMUX_SOCKET: server.socket, SHELL: '/bin/sh' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      await waitFor(() => out.includes('hi from sh'), 15000, `the echo (output ${JSON.stringify(out)})`);
      expect(server.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean).sort()).toEqual(['keep', 'view', 'work']);
      server.tmux('kill-server');
      await waitFor(() => out.includes('tmux went away:'), 15000, `the closed event (output ${JSON.stringify(out)})`);
    } finally {
      child.kill();
      server.kill();
    }
    await exited;
  }, 30000);

  const { t, p, g } = chatFixture('lib-proj');
  test('the README example lists chats and prints a chat\'s output as it arrives', async () => {
    expect(fs.existsSync(EXAMPLE)).toBe(true);
    // A tiny program, not a shell: an interactive shell runs the user's rc files (pyenv's rehash
    // there waited seconds on a lock shared by every shell on this machine).
    const program = ['sh', '-c', 'while read -r l; do echo "got $l"; done'];
    expect((await runChatmux([...g, 'chat', 'new', '--executor', 'cmd', '--name', 'watched', '--', ...program])).code).toBe(0);
    const env = cleanEnv({ CHATMUX_SOCKET: t.socket, CHATMUX_STATE_DIR: p.stateDir });
    const child = spawn(process.execPath, [EXAMPLE], { cwd: p.project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes('chat-1\twatched\tcmd\trunning'), 15000, `the chat list (stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)})`);
      expect((await runChatmux([...g, 'chat', 'send', 'chat-1', 'lib-42'])).code).toBe(0);
      await waitFor(() => /\[watched\][^]*got lib-42/.test(out), 15000, `the echo in the output (stdout ${JSON.stringify(out)})`);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    // Leaving removed only the example's view session: the chat runs on.
    expect(sessionsOf(t).filter((s) => s.startsWith('chatmux-view-'))).toEqual([]);
    expect(sessionsOf(t).some((s) => s.endsWith('-chat-1'))).toBe(true);
  }, 45000);
});
