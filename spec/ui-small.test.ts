/**
 * Small terminals (issue 12.6), driven as a person would: at 60×15 every dialog fits with its
 * border, fields and footer, and works; below that one line says the terminal is too small.
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

/** The dialog's rows: from the border line holding `title` to its bottom border. */
function dialogRows(screen: string, title: string): string[] {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => l.includes(title));
  const bottom = lines.findIndex((l, i) => i > top && /[└m]q*[─q]{5,}/.test(l) && /[┘j]/.test(l));
  return top >= 0 && bottom > top ? lines.slice(top, bottom + 1) : [];
}

/** A UI of this size showing one cat chat. */
async function uiOfSize(width: number, height: number): Promise<UiDriver> {
  const d = makeUiDriver({ width, height });
  ui = d;
  expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'one', '--', 'cat').code).toBe(0);
  d.start();
  await d.waitScreen(/one • cmd/);
  return d;
}

describe('small terminals', () => {
  test('at 60×15 the new-chat dialog shows border, every field and its footer, and creates the chat; help and quit fit too', async () => {
    const d = await uiOfSize(60, 15);
    d.keys('C-o', 'n');
    const s = await d.waitScreen(/New chat[\s\S]*command[\s\S]*Enter create/);
    const rows = dialogRows(s, 'New chat');
    expect(rows.length).toBeGreaterThan(8);
    expect(rows.join('\n')).toMatch(/executor[\s\S]*name[\s\S]*role[\s\S]*model[\s\S]*endpoint[\s\S]*key env[\s\S]*command[\s\S]*Enter create/);
    // cmd, then the command field: the dialog is usable.
    d.keys('Right'); // shell → cmd
    await d.waitScreen(/New chat/);
    for (let i = 0; i < 6; i++) d.keys('Tab');
    d.type('sh -c echo-small-ok');
    d.keys('Enter');
    await d.waitScreen(/cmd #2 • cmd/);
    d.keys('C-o', '?');
    const help = await d.waitScreen(/Help[\s\S]*q\/Esc close/);
    expect(dialogRows(help, 'Help').length).toBeGreaterThan(5);
    d.keys('Escape');
    d.keys('C-o', 'q');
    const q = await d.waitScreen(/Quit chatmux[\s\S]*\[Esc\]/);
    expect(dialogRows(q, 'Quit chatmux').length).toBeGreaterThan(5);
    d.keys('Escape');
    await waitFor(() => !d.screen().includes('Quit chatmux'), 3000, 'prompt closed');
  });

  test('below 60×15 one line says the terminal is too small; growing back restores the UI', async () => {
    const d = await uiOfSize(80, 20);
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
    outer('resize-window', '-t', '=ui:', '-x', '50', '-y', '12');
    const s = await d.waitScreen('terminal too small (50×12, need 60×15)');
    expect(s).not.toMatch(/one • cmd/);
    // Typing does not reach the hidden chat.
    d.type('blind');
    outer('resize-window', '-t', '=ui:', '-x', '80', '-y', '20');
    await d.waitScreen(/one • cmd • running/);
    await new Promise((r) => setTimeout(r, 300));
    expect(d.screen()).not.toContain('blind');
  });
});
