/**
 * The mouse as a person uses it (outer tmux, reports typed in with send-keys): the terminal is
 * asked for SGR reports (with UTF-8 ones alone, a wheel past column 95 typed its last byte into
 * the chat), and a chat whose application tracks the mouse (claude, vim, htop) gets clicks and
 * the wheel at the cell under the pointer, as in tmux; one that does not keeps scroll mode.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { tmuxEnv } from '../lib/control/server';
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { parseMouse } from '../lib/ui/mouse';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

/** Screen cell (0-based) of the focused pane's first content cell: just inside its border. */
function paneOrigin(screen: string): { x: number; y: number } {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => /lq|┌/.test(l.slice(1)));
  const left = Math.max(lines[top]!.indexOf('lq'), lines[top]!.indexOf('┌'));
  return { x: left + 1, y: top + 1 };
}

/** A cmd chat running `sh -c script`; its tmux session. */
function newChat(d: UiDriver, name: string, script: string): string {
  const r = d.cli('chat', 'new', '--json', '--executor', 'cmd', '--name', name, '--', 'sh', '-c', script);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { session: string }).session;
}

describe('the mouse', () => {
  test('a chat tracking the mouse gets clicks and the wheel at its own cells, SGR-encoded as it asked', async () => {
    const d = makeUiDriver({ width: 140, height: 30 });
    ui = d;
    // The "application": mouse tracking with SGR reports on, then every byte it gets shown.
    const app = `printf 'MOUSE-ON\\033[?1000h\\033[?1006h'; stty raw -echo; exec cat -v`;
    const session = newChat(d, 'mouse', app);
    d.start();
    const screen = await d.waitScreen('MOUSE-ON');
    // The terminal is asked for SGR reports.
    const outer = execFileSync('tmux', ['-L', d.outer, 'display', '-p', '-t', '=ui:', '#{mouse_sgr_flag}'], { env: tmuxEnv(), encoding: 'utf8' }).trim();
    expect(outer).toBe('1');
    const o = paneOrigin(screen);
    // A click on the pane's cell (col 3, row 2), then a wheel notch down on cell (100, 5): 1-based in the reports.
    d.type(`\x1b[<0;${o.x + 3 + 1};${o.y + 2 + 1}M\x1b[<0;${o.x + 3 + 1};${o.y + 2 + 1}m`);
    d.type(`\x1b[<65;${o.x + 100 + 1};${o.y + 5 + 1}M`);
    const pane = (): string => d.tmux('capture-pane', '-p', '-t', `=${session}:`);
    await waitFor(() => pane().includes('^[[<0;4;3M^[[<0;4;3m^[[<65;101;6M'), 5000, 'the reports in the chat').catch(() => {});
    expect(pane()).toContain('^[[<0;4;3M^[[<0;4;3m^[[<65;101;6M');
    expect(d.screen()).not.toMatch(/SCROLL/);
  }, 30000);

  test('a chat not tracking the mouse: the wheel scrolls the UI, nothing reaches the chat', async () => {
    const d = makeUiDriver({ width: 140, height: 30 });
    ui = d;
    const session = newChat(d, 'plain', 'seq 1 200; stty raw -echo; exec cat -v');
    d.start();
    const screen = await d.waitScreen(/x200\s|│200\s/);
    const o = paneOrigin(screen);
    d.type(`\x1b[<64;${o.x + 100 + 1};${o.y + 5 + 1}M`);
    await d.waitScreen(/SCROLL/);
    await new Promise((r) => setTimeout(r, 300));
    expect(d.tmux('capture-pane', '-p', '-t', `=${session}:`)).not.toContain('^[');
  }, 30000);
});

describe('mouse reports', () => {
  test('X10 and SGR reports decode to the same events; X10 release gets the button pressed last', () => {
    const x10 = (b: number, x: number, y: number): Buffer => Buffer.from([0x1b, 0x5b, 0x4d, 32 + b, 32 + x, 32 + y]);
    const ev = (button: number, action: number, x: number, y: number, mods = {}) => ({ x, y, button, action, shift: false, alt: false, ctrl: false, ...mods });
    expect(parseMouse(x10(2, 5, 3))).toEqual(ev(2, 1, 4, 2));
    expect(parseMouse(x10(3, 5, 3))).toEqual(ev(2, 0, 4, 2));
    expect(parseMouse(Buffer.from('\x1b[<2;5;3m'))).toEqual(ev(2, 0, 4, 2));
    expect(parseMouse(Buffer.from('\x1b[<65;10;20M'))).toEqual(ev(4, 1, 9, 19));
    expect(parseMouse(Buffer.from('\x1b[<48;10;20M'))).toEqual(ev(0, 32, 9, 19, { ctrl: true }));
    expect(parseMouse(Buffer.from('\x1b[<128;1;1M'))).toBeNull();
  });

  test("the application's tracking mode decides what it hears: VT200 gets no motion, any-event does", async () => {
    const t = new PaneTerminal({ cols: 20, rows: 5, scrollback: 0 });
    const ev = { col: 4, row: 2, ctrl: false, alt: false, shift: false };
    expect(t.mouseReport({ ...ev, button: 0, action: 1 })).toBeNull();
    await new Promise<void>((r) => t.write('\x1b[?1000h', r));
    expect(t.mouseReport({ ...ev, button: 0, action: 1 })?.toString('latin1')).toBe('\x1b[M %#');
    expect(t.mouseReport({ ...ev, button: 3, action: 32 })).toBeNull();
    await new Promise<void>((r) => t.write('\x1b[?1003h\x1b[?1006h', r));
    expect(t.mouseReport({ ...ev, button: 3, action: 32 })?.toString('latin1')).toBe('\x1b[<35;5;3M');
    t.dispose();
  });
});
