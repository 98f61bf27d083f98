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

/** A terminal (outer tmux session `name`) running `chatmux chat attach chat-1` without a tmux of its own. */
function attachedTerminal(d: UiDriver, name: string, width: number, height: number): { screen(): string; send(text: string): void } {
  const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8' });
  const env = `CHATMUX_SOCKET=${shellQuote(d.socket)} CHATMUX_STATE_DIR=${shellQuote(path.join(d.project, '.chatmux'))}`;
  outer('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), '-c', d.project,
    `env -u TMUX ${env} ${shellQuote(process.execPath)} ${shellQuote(CHATMUX)} chat attach chat-1; echo attach-exit=$?; sleep 60`);
  outer('resize-window', '-t', `=${name}:`, '-x', String(width), '-y', String(height));
  return { screen: () => outer('capture-pane', '-p', '-t', `=${name}:`), send: (text) => void outer('send-keys', '-t', `=${name}:`, '-l', text) };
}

describe('chat attach inside your own tmux', () => {
  test('the status line names the chat and Ctrl+\\; Ctrl+\\ detaches the chat client, not the user tmux; the chat takes the terminal size meanwhile', async () => {
    const d = makeUiDriver({ width: 100, height: 30 });
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'shared', '--', 'cat').code).toBe(0);
    expect(d.cli('chat', 'attach', '--help').stdout).toContain('Ctrl+\\');
    d.start();
    await d.waitScreen(/shared • cmd • running/);
    const session = d.tmux('list-sessions', '-F', '#{session_name}').split('\n').find((n) => n.startsWith('wg-chat-'))!;
    const windowSize = (): string => d.tmux('display-message', '-p', '-t', `=${session}:`, '#{window_width}x#{window_height}').trim();
    // Sizes per window need tmux 3.3 (3.2 sizes a window by whole clients): checked there only.
    const perWindow = versionAtLeast(systemTmuxVersion(), 3, 3);
    const uiSize = perWindow ? await waitFor(() => (/^[6-9][0-9]x/.test(windowSize()) ? windowSize() : null), 5000, 'UI size') : '';

    // The user's own tmux (default keys: prefix C-b), its pane running chat attach.
    userTmux = testSocketName();
    const user = (...args: string[]) => execFileSync('tmux', ['-L', userTmux!, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8' });
    const env = `CHATMUX_SOCKET=${shellQuote(d.socket)} CHATMUX_STATE_DIR=${shellQuote(path.join(d.project, '.chatmux'))}`;
    user('new-session', '-d', '-s', 'mine', '-x', '120', '-y', '35', '-c', d.project,
      `env ${env} ${shellQuote(process.execPath)} ${shellQuote(CHATMUX)} chat attach chat-1; echo attach-exit=$?; sleep 60`);
    // A terminal showing the user's tmux: keys sent to it go through the user's key table.
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8' });
    outer('new-session', '-d', '-s', 'term', '-x', '120', '-y', '35', `env -u TMUX tmux -L ${userTmux} attach -t =mine`);
    outer('resize-window', '-t', '=term:', '-x', '120', '-y', '35');
    const term = () => outer('capture-pane', '-p', '-t', '=term:');
    await waitFor(() => term().includes('chatmux: shared • Ctrl+\\ detaches'), 10000, `status line (screen:\n${term()})`);
    // Meanwhile the chat has this terminal's width (120), not the UI's.
    if (perWindow) await waitFor(() => windowSize().startsWith('120x'), 5000, `attached size (now ${windowSize()})`);
    outer('send-keys', '-t', '=term:', '-l', 'through-both');
    await waitFor(() => term().includes('through-both'), 5000, 'typing reaches the chat');
    outer('send-keys', '-t', '=term:', 'C-\\');
    await waitFor(() => term().includes('attach-exit=0'), 5000, `detached (screen:\n${term()})`);
    // The user's own tmux is still attached in that terminal.
    expect(user('list-clients', '-F', '#{client_session}').trim()).toBe('mine');
    // Back at the UI's size once the attached terminal left.
    if (perWindow) await waitFor(() => windowSize() === uiSize, 5000, `UI size again (now ${windowSize()})`);
  }, 60000);

  (versionAtLeast(systemTmuxVersion(), 3, 3) ? test : test.skip)('an attached terminal that gains the focus takes the chat back from a UI typed into meanwhile (tmux 3.3+)', async () => {
    const d = makeUiDriver({ width: 100, height: 30 });
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'shared', '--', 'cat').code).toBe(0);
    d.start();
    await d.waitScreen(/shared • cmd • running/);
    const session = d.tmux('list-sessions', '-F', '#{session_name}').split('\n').find((n) => n.startsWith('wg-chat-'))!;
    const windowSize = (): string => d.tmux('display-message', '-p', '-t', `=${session}:`, '#{window_width}x#{window_height}').trim();
    const t = attachedTerminal(d, 'plain', 120, 35);
    await waitFor(() => t.screen().includes('Ctrl+\\ detaches'), 10000, 'attached');
    await waitFor(() => windowSize().startsWith('120x'), 5000, `attached size (now ${windowSize()})`);
    d.type('from-ui');
    await waitFor(() => /^[6-9][0-9]x/.test(windowSize()), 5000, `UI size while typing there (now ${windowSize()})`);
    // The user looks elsewhere and back at the attached terminal: focus out, focus in.
    t.send('\x1b[O');
    await new Promise((r) => setTimeout(r, 200));
    t.send('\x1b[I');
    await waitFor(() => windowSize().startsWith('120x'), 5000, `attached size after focus-in (now ${windowSize()})`);
  }, 60000);
});
