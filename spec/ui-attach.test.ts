/**
 * `chatmux chat attach` inside the user's own tmux (issue 12.4), driven as a person would: a
 * terminal (an outer tmux session) shows the user's own tmux, whose pane runs `chat attach`.
 * Keys typed there pass the user's tmux key table first. Ctrl+\ detaches only the chat client;
 * the chat is at the attached terminal's size meanwhile and back at the UI's size after.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { shellQuote } from '../lib/control/commands';
import { tmuxEnv } from '../lib/control/server';
import { CHATMUX, disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { killTestServer, systemTmuxVersion, testSocketName, waitFor } from './support/tmux';
import { versionAtLeast } from '../lib/control/version';

let ui: UiDriver | null = null;
let userTmux: string | null = null;
afterEach(() => {
  if (userTmux) killTestServer(userTmux);
  disposeUi(ui);
  ui = null;
  userTmux = null;
});

describe('chat attach inside your own tmux', () => {
  test('the status line names the chat and Ctrl+\\; Ctrl+\\ detaches the chat client, not the user tmux; the chat takes the terminal size meanwhile', async () => {
    const d = makeUiDriver({ width: 160, height: 45 });
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'shared', '--', 'cat').code).toBe(0);
    expect(d.cli('chat', 'attach', '--help').stdout).toContain('Ctrl+\\');
    d.start();
    await d.waitScreen(/shared • cmd • running/);
    const session = d.tmux('list-sessions', '-F', '#{session_name}').split('\n').find((n) => n.startsWith('wg-chat-'))!;
    const windowSize = (): string => d.tmux('display-message', '-p', '-t', `=${session}:`, '#{window_width}x#{window_height}').trim();
    // Sizes per window need tmux 3.3 (3.2 sizes a window by whole clients): checked there only.
    const perWindow = versionAtLeast(systemTmuxVersion(), 3, 3);
    const uiSize = perWindow ? await waitFor(() => (/^1[0-9]{2}x/.test(windowSize()) ? windowSize() : null), 5000, 'UI size') : '';

    // The user's own tmux (default keys: prefix C-b), its pane running chat attach.
    userTmux = testSocketName();
    const user = (...args: string[]) => execFileSync('tmux', ['-L', userTmux!, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8' });
    const env = `CHATMUX_SOCKET=${shellQuote(d.socket)} CHATMUX_STATE_DIR=${shellQuote(path.join(d.project, '.chatmux'))}`;
    user('new-session', '-d', '-s', 'mine', '-x', '100', '-y', '30', '-c', d.project,
      `env ${env} ${shellQuote(process.execPath)} ${shellQuote(CHATMUX)} chat attach chat-1; echo attach-exit=$?; sleep 60`);
    // A terminal showing the user's tmux: keys sent to it go through the user's key table.
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8' });
    outer('new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', `env -u TMUX tmux -L ${userTmux} attach -t =mine`);
    const term = () => outer('capture-pane', '-p', '-t', '=term:');
    await waitFor(() => term().includes('chatmux: shared • Ctrl+\\ detaches'), 10000, `status line (screen:\n${term()})`);
    // Meanwhile the chat has this terminal's width, not the UI's.
    if (perWindow) await waitFor(() => windowSize().startsWith('100x'), 5000, `attached size (now ${windowSize()})`);
    outer('send-keys', '-t', '=term:', '-l', 'through-both');
    await waitFor(() => term().includes('through-both'), 5000, 'typing reaches the chat');
    outer('send-keys', '-t', '=term:', 'C-\\');
    await waitFor(() => term().includes('attach-exit=0'), 5000, `detached (screen:\n${term()})`);
    // The user's own tmux is still attached in that terminal.
    expect(user('list-clients', '-F', '#{client_session}').trim()).toBe('mine');
    // Back at the UI's size once the attached terminal left.
    if (perWindow) await waitFor(() => windowSize() === uiSize, 5000, `UI size again (now ${windowSize()})`);
  }, 60000);
});
