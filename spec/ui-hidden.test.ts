/**
 * Issue 15.3 through the real UI: a chat off screen that floods is paused (the flood stays in
 * tmux), its name turns yellow in the tree, and showing it shows the screen tmux has.
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

/** The UI's screen with its colours (SGR sequences) as the outer tmux has it. */
const colouredScreen = (d: UiDriver): string =>
  execFileSync('tmux', ['-L', d.outer, 'capture-pane', '-p', '-e', '-t', '=ui:'], { env: tmuxEnv(), encoding: 'utf8' });

describe('a chat off screen', () => {
  test('floods while paused: its name turns yellow in the tree, and Alt+→ shows its last lines', async () => {
    const d = makeUiDriver({ width: 100, height: 30 });
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'front', '--', 'cat').code).toBe(0);
    const back = d.cli('chat', 'new', '--executor', 'cmd', '--name', 'back', '--json', '--',
      'sh', '-c', "echo BACK-READY; read x; seq -f 'flood line %g' 1 200000; echo END-OF-FLOOD; exec cat");
    expect(back.code).toBe(0);
    const session = (JSON.parse(back.stdout) as { session: string }).session;
    d.start();
    await d.waitScreen(/front • cmd • running/);
    // The tree row of `back` (the first screen row holds the tabs): not yellow before it prints.
    const backRow = (): string => colouredScreen(d).split('\n').slice(1).find((l) => l.includes('back'))!;
    expect(backRow()).not.toMatch(/\x1b\[(?:[0-9;]*;)?33m[^\n]*back/);
    d.tmux('send-keys', '-t', `=${session}:`, 'Enter');
    await waitFor(() => d.tmux('capture-pane', '-p', '-t', `=${session}:`).includes('END-OF-FLOOD'), 20_000, 'flood done in tmux');
    await waitFor(() => /\x1b\[(?:[0-9;]*;)?33m[^\n]*back/.test(backRow()), 5000, 'yellow name in the tree');
    d.keys('M-Right');
    const screen = await d.waitScreen(/END-OF-FLOOD/);
    const rows = screen.split('\n');
    const end = rows.findIndex((r) => r.includes('END-OF-FLOOD'));
    expect(rows[end - 1]).toContain('flood line 200000');
  }, 60_000);
});
