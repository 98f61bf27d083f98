/**
 * `chatmux chat attach` from the places a user runs it: inside another tmux (plain attach
 * without "sessions should be nested with care") and inside chatmux's own server
 * (switch-client). Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { makeTestServer, killAllTestServers, waitFor } from './support/tmux';
import { BIN, capture, chatFixture, FAKE_AGENT, runChatmux } from './support/chatmux-cli';
import { newSession, shellQuote } from '../lib/control/commands';

afterAll(() => killAllTestServers());

describe('chat attach', () => {
  const outer = makeTestServer();
  const { t: inner, g } = chatFixture();
  const clientsOf = () => inner.tmux('list-clients', '-F', '#{client_name}\t#{session_name}').split('\n').filter(Boolean).map((l) => l.split('\t'));
  afterAll(() => outer.kill());

  test('from a pane of another tmux server: a nested plain client, detach leaves the chat running', async () => {
    const rec = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT, 'attach-me'])).stdout);
    // The outer pane has $TMUX set (by the outer server), like a user's terminal inside tmux.
    const script = `${[process.execPath, BIN, ...g, 'chat', 'attach', rec.ref].map(shellQuote).join(' ')}; echo "attach-exit=$?"; sleep 30`;
    // newSession: tmux 3.2 ignores a detached new-session's -x/-y (lib/control sizes the window itself).
    await newSession(outer.cli, { name: 'o', width: 100, height: 30, command: ['/bin/sh', '-c', script] });
    await waitFor(() => capture(outer, 'o').includes('ARGV[attach-me]'), 8000, 'chat visible through the nested client');
    expect(clientsOf().map((c) => c[1])).toEqual([rec.session]);
    // the inspector shows that client on the chat's session
    const x = JSON.parse((await runChatmux([...g, 'sessions', '--json'])).stdout);
    const s = x.sessions.find((e: { name: string }) => e.name === rec.session);
    expect(s.clients).toHaveLength(1);
    expect(s.clients[0]).toMatchObject({ controlMode: false, width: 100 });
    expect(s.clients[0].pid).toBeGreaterThan(1);
    outer.tmux('send-keys', '-t', '=o:', 'C-b', 'd');
    await waitFor(() => capture(outer, 'o').includes('attach-exit=0'), 5000, 'detached');
    expect(capture(outer, 'o')).not.toContain('nested with care');
    expect(inner.tmux('list-sessions', '-F', '#{session_name}')).toContain(rec.session);
  });

  test('from inside chatmux\'s own server: switch-client, no nesting', async () => {
    const target = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--name', 'target', '--', FAKE_AGENT, 'switched-here'])).stdout);
    const shell = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--name', 'sh', '--', '/bin/sh'])).stdout);
    // A plain client of the chat server, showing the shell chat.
    outer.tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'o2', '/usr/bin/env', '-u', 'TMUX', 'tmux', '-L', inner.socket, 'attach-session', '-t', `=${shell.session}`);
    const client = (await waitFor(() => clientsOf().find((c) => c[1] === shell.session), 5000, 'client on the shell chat'))[0];
    const cmd = [process.execPath, BIN, ...g, 'chat', 'attach', target.ref].map(shellQuote).join(' ');
    inner.tmux('send-keys', '-t', `=${shell.session}:`, '-l', `${cmd}; echo "switch-exit=$?"`);
    inner.tmux('send-keys', '-t', `=${shell.session}:`, 'Enter');
    // the same client now shows the target: switched, not a second (nested) client
    await waitFor(() => clientsOf().some((c) => c[0] === client && c[1] === target.session), 8000, 'client switched to the target chat');
    await waitFor(() => capture(inner, shell.session).includes('switch-exit=0'), 5000, 'attach returned');
    expect(clientsOf().filter((c) => c[1] === target.session || c[1] === shell.session)).toEqual([[client, target.session]]);
    await waitFor(() => capture(outer, 'o2').includes('ARGV[switched-here]'), 5000, 'target shown');
  });
});
