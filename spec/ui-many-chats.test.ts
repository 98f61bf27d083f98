/**
 * More chats than the tree has rows, or than the tab bar has room for (a small terminal, a busy
 * day): the focused chat's row and tab stay on screen. Before, the tree and tabs always showed
 * the first ones, so the chat you were in had neither a row nor a tab you could see.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

describe('many chats on a small terminal', () => {
  test('the last of 15 chats focused on 60x15: its tree row and its tab are shown; a click on a shown row focuses that chat, press and release in one read too', async () => {
    const d = makeUiDriver({ width: 60, height: 15 });
    ui = d;
    for (let i = 1; i <= 15; i++) expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', `c${i}`, '--', 'sh', '-c', `echo SCREEN-${i}; exec cat`).code).toBe(0);
    d.start();
    await d.waitScreen('SCREEN-1');
    d.keys('M-Left'); // wraps to the last chat
    const screen = await d.waitScreen(/c15 • cmd/);
    const lines = screen.split('\n');
    expect(lines.slice(1, 14).some((l) => /^.c15 cmd/.test(l))).toBe(true);
    expect(lines[0]).toMatch(/15:c15/);
    // The tree scrolled by two rows (13 rows for 15 chats): the row under the heading is c3.
    expect(lines[1]).toMatch(/^.c3 cmd/);
    // Press and release in one read (a quick tap over ssh): blessed alone dropped such a click.
    d.type('\x1b[<0;3;2M\x1b[<0;3;2m');
    await d.waitScreen(/c3 • cmd[\s\S]*SCREEN-3/);
  }, 40000);
});
