/**
 * What a program tells its terminal reaches yours from a chat on screen, as it would through
 * tmux: the bell (BEL; before, the UI swallowed it: a build finishing in the focused shell chat
 * went unheard; `--no-bell` / CHATMUX_NO_BELL keeps it quiet) and the clipboard (OSC 52:
 * claude's /copy, codex's copy, vim over ssh; before, lost).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { tmuxEnv } from '../lib/control/server';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

/** The UI in the outer tmux's first window, another window current: a BEL from the UI flags its window. */
async function bellFromFocusedChat(env: Record<string, string>): Promise<() => string> {
  const d = makeUiDriver({ width: 100, height: 30 });
  ui = d;
  expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'ding', '--', 'sh', '-c', `printf BELL-READY; read x; sleep 0.5; printf 'rang\\a'; exec cat`).code).toBe(0);
  d.start(env);
  await d.waitScreen('BELL-READY');
  const outer = (...args: string[]): string => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
  outer('new-window', '-d', '-t', '=ui:', 'sleep 60');
  d.keys('Enter');
  // The chat rings half a second later, with the other window current.
  outer('select-window', '-t', '=ui:1');
  await waitFor(() => outer('capture-pane', '-p', '-t', '=ui:0').includes('rang'), 5000, 'the chat to ring');
  return () => outer('display', '-p', '-t', '=ui:0', '#{window_bell_flag}').trim();
}

describe('the bell', () => {
  test("a BEL from the focused chat rings the terminal", async () => {
    const flag = await bellFromFocusedChat({});
    await waitFor(() => flag() === '1', 3000, 'the bell').catch(() => {});
    expect(flag()).toBe('1');
  }, 30000);

  test('CHATMUX_NO_BELL=1: it does not', async () => {
    const flag = await bellFromFocusedChat({ CHATMUX_NO_BELL: '1' });
    await new Promise((r) => setTimeout(r, 500));
    expect(flag()).toBe('0');
  }, 30000);
});

describe('the clipboard', () => {
  test('OSC 52 from the focused chat reaches the terminal; a query does not', async () => {
    const d = makeUiDriver({ width: 100, height: 30 });
    ui = d;
    const text = 'copied 日本 🚀';
    const b64 = Buffer.from(text).toString('base64');
    // A query first (must go nowhere: it would read the clipboard), then a copy.
    const script = `printf CLIP-READY; read x; printf '\\033]52;c;?\\007\\033]52;c;${b64}\\007copied'; exec cat`;
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'clip', '--', 'sh', '-c', script).code).toBe(0);
    d.start();
    await d.waitScreen('CLIP-READY');
    const outer = (...args: string[]): string => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
    // The outer tmux stands for your terminal: with set-clipboard on, OSC 52 from its pane fills a buffer.
    outer('set-option', '-s', 'set-clipboard', 'on');
    d.keys('Enter');
    await d.waitScreen('copied');
    const buffer = (): string => { try { return outer('show-buffer'); } catch { return ''; } };
    await waitFor(() => buffer() === text, 3000, 'the clipboard').catch(() => {});
    expect(buffer()).toBe(text);
    expect(outer('list-buffers', '-F', '#{buffer_name}').trim().split('\n')).toHaveLength(1);
  }, 30000);
});
