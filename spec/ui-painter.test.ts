/**
 * Pane content painted by our own painter (issue 15.1), seen through an outer private tmux
 * (send-keys, capture-pane): the cells, their colours and wide glyphs, the real cursor right
 * after output and after a dialog closed over the pane; an echo is written as the changed cell
 * alone (no blessed frame around it).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmuxEnv } from '../lib/control/server';
import { MARK_CH } from '../lib/ui/painted-screen';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

/** The pane's content rows as capture-pane shows them: from the first pane's left border to its right one. */
function paneRows(screen: string, left: number): string[] {
  return screen.split('\n').slice(2).map((l) => [...l].slice(left + 1).join(''));
}

describe('painted panes', () => {
  test('content, colours and wide glyphs; the cursor after output and after a dialog closed over the pane; an echo is one cell', async () => {
    const d = makeUiDriver({ width: 100, height: 24 });
    ui = d;
    const script = "printf '\\033[31mred\\033[0m \\033[1;48;5;22mgreen-bg\\033[0m 漢字🚀|end\\n'; exec cat";
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'paint', '--', 'sh', '-c', script).code).toBe(0);
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
    const raw = path.join(d.project, 'outer.raw');
    d.start();
    await d.waitScreen(/paint • cmd • running/);
    const first = await d.waitScreen(/漢字🚀\|end/);
    // The pane's top-left corner (┌, or `l` when blessed draws lines with the terminal's ACS).
    const top = [...first.split('\n')[1]!];
    const left = Math.max(top.indexOf('┌'), top.indexOf('l'));
    expect(left).toBeGreaterThan(0);
    // The glyphs take two columns each: '|end' sits where a two-column 漢字🚀 puts it.
    const row0 = paneRows(first, left)[0]!;
    expect(row0.startsWith('red green-bg 漢字🚀|end')).toBe(true);
    // Colours, as the outer tmux holds them: red foreground, bold on 256-colour background 22.
    // (capture-pane -e puts SO/SI around the border's line-drawing characters: dropped.)
    const colours = () => outer('capture-pane', '-p', '-e', '-t', '=ui:').replace(/[\x0e\x0f]/g, '');
    const coloured = colours();
    expect(coloured).toMatch(/\x1b\[31mred/);
    expect(coloured).toMatch(/\x1b\[1;48;5;22mgreen-bg|\x1b\[1m\x1b\[48;5;22mgreen-bg/);
    const cursor = () => outer('display-message', '-p', '-t', '=ui:', '#{cursor_x},#{cursor_y},#{cursor_flag}').trim();
    // Right after output: the real cursor follows the typed text (pane row 1, after 'abc').
    d.type('abc');
    await d.waitScreen(/[│x]abc/);
    const at = `${left + 1 + 3},3,1`;
    await waitFor(() => cursor() === at, 3000, `cursor after abc (now ${cursor()})`);
    // A dialog over the pane, then closed: the cells under it come back, and the cursor.
    d.keys('C-o', '?');
    await d.waitScreen(/Keys \(prefix = /);
    await waitFor(() => cursor().endsWith(',0'), 3000, `cursor hidden under the dialog (now ${cursor()})`);
    d.keys('Escape');
    const back = await waitFor(() => {
      const s = d.screen();
      return !/Keys \(prefix = /.test(s) && /[│x]abc/.test(s) ? s : null;
    }, 5000, 'the dialog gone');
    expect(paneRows(back, left)[0]!.startsWith('red green-bg 漢字🚀|end')).toBe(true);
    expect(colours()).toMatch(/\x1b\[31mred/);
    await waitFor(() => cursor() === at, 3000, `cursor back after the dialog (now ${cursor()})`);
    // Nothing of the marker blessed is kept off the pane with ever reaches the terminal.
    expect(back.includes(MARK_CH)).toBe(false);
    // An echo: the painter writes the one changed cell (a cursor move and the character), not a blessed frame.
    outer('pipe-pane', '-o', '-t', '=ui:', `cat >> '${raw}'`);
    await new Promise((r) => setTimeout(r, 300));
    const before = fs.existsSync(raw) ? fs.statSync(raw).size : 0;
    d.type('Z');
    await d.waitScreen(/[│x]abcZ/);
    await new Promise((r) => setTimeout(r, 300));
    const echo = fs.readFileSync(raw, 'latin1').slice(before);
    expect(echo).toContain('Z');
    expect(echo).not.toContain('\x1b7'); // blessed's draw saves the cursor around every frame
    expect(echo.length).toBeLessThan(64);
  });

  test('the terminal shrinks and grows back: the pane is painted again in its new place, nothing left over', async () => {
    const d = makeUiDriver({ width: 100, height: 24 });
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'sizes', '--', 'sh', '-c', "printf 'top line 漢字\\n'; exec cat").code).toBe(0);
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
    d.start();
    await d.waitScreen(/top line 漢字/);
    d.type('typed');
    await d.waitScreen(/[│x]typed/);
    for (const [w, h] of [[70, 16], [110, 28]] as const) {
      outer('resize-window', '-t', '=ui:', '-x', String(w), '-y', String(h));
      // The pane's right border sits at the screen's last column again, with the content inside.
      const s = await waitFor(() => {
        const t = d.screen();
        const rows = t.split('\n');
        // Every content row ends with the pane's right border: nothing painted past it, nothing of it lost.
        const bordered = rows.slice(2, h - 2).every((r) => /[│x]$/.test(r.trimEnd()));
        return rows.length >= h && [...rows[1]!].length === w && bordered && /[│x]top line 漢字/.test(t) && /[│x]typed/.test(t) ? t : null;
      }, 8000, `the UI at ${w}x${h}`).catch((e: Error) => {
        throw new Error(`${e.message}\n${d.screen()}`);
      });
      expect(s.includes(MARK_CH)).toBe(false);
    }
  });
});
