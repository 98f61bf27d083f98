/**
 * Issue 12.9's rough edges, driven as a person would (outer tmux, send-keys, capture-pane):
 * the tree column, transient status messages, a dead cmd chat's note, notes in narrow grid
 * panes, Alt+→ in the grid, the help's alignment.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmuxEnv } from '../lib/control/server';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

/** Screen column where the first pane's box starts (its top-left corner, ┌ or `l` through capture-pane). */
function paneLeft(screen: string): number {
  const line = screen.split('\n')[1] ?? '';
  return Math.max(line.indexOf('┌'), line.indexOf('lq'));
}

function cmdChat(d: UiDriver, name: string, ...argv: string[]): void {
  const r = d.cli('chat', 'new', '--executor', 'cmd', '--name', name, '--', ...argv);
  expect(r.code).toBe(0);
}

/** A UI of this size over cat chats with these names, showing the first. */
async function uiWith(width: number, height: number, names: string[]): Promise<UiDriver> {
  const d = makeUiDriver({ width, height });
  ui = d;
  for (const n of names) cmdChat(d, n, 'cat');
  d.start();
  await d.waitScreen(new RegExp(`${names[0]} • cmd • running`));
  return d;
}

describe('rough edges', () => {
  test('the tree is as wide as short names need; a long name ends in … before the pane', async () => {
    const d = await uiWith(100, 30, ['ab']);
    // 1 mark + "ab" + " cmd running" + a blank column: 16, not the old 25 (a quarter of 100).
    expect(paneLeft(d.screen())).toBe(16);
    cmdChat(d, 'a-very-long-chat-name-that-goes-on-and-on', 'cat');
    await d.waitScreen(/a-very-long-chat-nam\S*…/);
    const s = d.screen();
    const left = paneLeft(s);
    expect(left).toBe(33); // a third of the screen at most
    const row = s.split('\n').find((l) => l.includes('…'))!;
    expect(row.indexOf('…')).toBeLessThan(left - 1);
    expect(row[left - 1]).toBe(' ');
  });

  test('a transient status message goes after a few seconds', async () => {
    const d = await uiWith(100, 30, ['one']);
    d.keys('C-o', 't');
    await d.waitScreen('tree: ↑↓ select');
    d.keys('C-c');
    await d.waitScreen('press Ctrl+C again to quit');
    await waitFor(() => !d.screen().includes('press Ctrl+C again'), 6000, 'the message to go');
    expect(d.exitCode()).toBeNull();
  });

  test('a dead cmd chat offers restart without "(resume)"; a closed chat in a narrow grid pane gets the short note', async () => {
    const d = makeUiDriver({ width: 100, height: 30 });
    ui = d;
    cmdChat(d, 'quitter', 'sh', '-c', 'exit 3');
    cmdChat(d, 'second', 'cat');
    d.start();
    await d.waitScreen(/exited with status 3 — R restart • X close/);
    expect(d.screen()).not.toContain('resume');
    d.keys('C-o', 'l', 'C-o', 'l'); // grid
    await d.waitScreen(/second • cmd • running/);
    const secondColumn = d.screen().split('\n').find((l) => l.includes('second • cmd'))!.indexOf('second • cmd');
    d.keys('M-Right');
    // Both labels are on screen in the grid already: wait for the focus itself (the terminal's
    // cursor shows in second's pane; it is hidden in the dead one) before closing the focused chat.
    const cursor = () => execFileSync('tmux', ['-L', d.outer, 'display-message', '-p', '-t', '=ui:', '#{cursor_flag} #{cursor_x}'], { env: tmuxEnv(), encoding: 'utf8' }).trim().split(' ').map(Number);
    await waitFor(() => { const [on, x] = cursor(); return on === 1 && x! > secondColumn - 5; }, 5000, 'the focus on second');
    d.keys('C-o', 'x');
    await d.waitScreen(/closed — Enter starts it again/);
    expect(d.screen()).toMatch(/exit\(3\): R restart • X close/);
  });

  test('grid: Alt+→ moves the focus among the shown chats; a chat not shown takes the focused pane', async () => {
    const d = await uiWith(120, 30, ['aa', 'bb', 'cc', 'dd', 'ee']);
    d.keys('C-o', 'l', 'C-o', 'l');
    await d.waitScreen(/dd • cmd • running/);
    const labels = (): string[] => [...d.screen().matchAll(/(\w\w) • cmd • running/g)].map((m) => m[1]!);
    expect(labels()).toEqual(['aa', 'bb', 'cc', 'dd']);
    const bbColumn = d.screen().split('\n').find((l) => l.includes('bb • cmd'))!.indexOf('bb • cmd');
    d.keys('M-Right');
    // The terminal's cursor moves into bb's pane (the right one) once the focus is there.
    const cursorX = () => Number(execFileSync('tmux', ['-L', d.outer, 'display-message', '-p', '-t', '=ui:', '#{cursor_x}'], { env: tmuxEnv(), encoding: 'utf8' }).trim());
    await waitFor(() => cursorX() > bbColumn - 5, 5000, 'the focus on bb');
    expect(labels()).toEqual(['aa', 'bb', 'cc', 'dd']);
    // The focus is on bb: typing goes there.
    d.type('typed-into-bb');
    d.keys('Enter');
    await d.waitScreen(/typed-into-bb/);
    const inBb = d.screen().split('\n').find((l) => l.includes('typed-into-bb'))!;
    expect(inBb.indexOf('typed-into-bb')).toBeGreaterThan(bbColumn - 5);
    d.keys('M-Right', 'M-Right', 'M-Right'); // cc, dd, then ee (not shown): it takes dd's pane
    await d.waitScreen(/ee • cmd • running/);
    expect(labels()).toEqual(['aa', 'bb', 'cc', 'ee']);
  });

  test("the terminal's real cursor sits at the focused chat's cursor, in its program's shape, hidden when the program hides it", async () => {
    const d = makeUiDriver({ width: 100, height: 30 });
    ui = d;
    // The shape is set while the UI runs (a restore from tmux cannot carry it: tmux has no format for it).
    cmdChat(d, 'typist', 'sh', '-c', "read x; printf '\\033[5 q'; exec cat");
    cmdChat(d, 'hider', 'sh', '-c', "printf 'hidden\\033[?25l'; exec cat");
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
    const raw = path.join(d.project, 'outer.raw');
    d.start();
    outer('pipe-pane', '-o', '-t', '=ui:', `cat >> '${raw}'`);
    await d.waitScreen(/typist • cmd • running/);
    d.keys('Enter');
    d.type('abc');
    await d.waitScreen(/[│x]abc/);
    const left = paneLeft(d.screen());
    const cursor = () => outer('display-message', '-p', '-t', '=ui:', '#{cursor_x},#{cursor_y},#{cursor_flag}').trim();
    await waitFor(() => cursor() === `${left + 1 + 3},3,1`, 3000, `cursor at abc| (now ${cursor()})`);
    // The bar shape the program asked for (DECSCUSR 5) reached the terminal.
    await waitFor(() => fs.existsSync(raw) && fs.readFileSync(raw, 'latin1').includes('\x1b[5 q'), 3000, 'DECSCUSR 5');
    d.keys('M-Right');
    await d.waitScreen(/hider • cmd • running[\s\S]*hidden/);
    await waitFor(() => cursor().endsWith(',0'), 3000, `cursor hidden (now ${cursor()})`);
    d.keys('M-Left');
    await waitFor(() => cursor() === `${left + 1 + 3},3,1`, 3000, `cursor back (now ${cursor()})`);
    d.keys('C-o', 't'); // the tree has no cursor
    await waitFor(() => cursor().endsWith(',0'), 3000, `cursor hidden in the tree (now ${cursor()})`);
  });

  test('help: every key row has its description in one column (C-o C-o too)', async () => {
    const d = await uiWith(120, 40, ['one']);
    d.keys('C-o', '?');
    const s = await d.waitScreen(/C-o C-o\s+send the prefix/);
    const col = (re: RegExp): number => {
      const l = s.split('\n').find((x) => re.test(x))!;
      return l.search(re) + re.exec(l)![0].length;
    };
    expect(col(/C-o C-o\s+/)).toBe(col(/C-o n\s+/));
    expect(col(/C-o q\s+/)).toBe(col(/C-o n\s+/));
  });
});
