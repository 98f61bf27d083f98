/**
 * A shown chat's pane resized (a layout, the terminal, another UI): its emulator shows what tmux
 * shows. tmux and xterm rewrap long lines differently when a pane narrows (tmux keeps the cursor
 * row and pushes the rewrapped lines above it into the history; xterm grows them downwards), so
 * letting xterm reflow left a shell's screen shifted against tmux's until it scrolled away.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { ControlClient } from '../lib/control/client';
import { listPanes } from '../lib/control/commands';
import { PaneScreens } from '../lib/chat/pane-screens';
import type { PaneTerminal } from '../lib/terminal/pane-terminal';
import { UNICODE11_RULES } from '../lib/terminal/tmux-widths';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

/** History and screen as text, trailing blank lines dropped. */
function trimmed(rows: string[]): string[] {
  const out = rows.map((r) => r.trimEnd());
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** The screen, then the history above it: where the screen starts matters (it is what shows). */
function emulatorText(t: PaneTerminal): string[] {
  const b = t.term.buffer.active;
  const line = (y: number): string => b.getLine(y)?.translateToString(true) ?? '';
  const screen = Array.from({ length: t.rows }, (_, y) => line(b.baseY + y));
  const history = Array.from({ length: b.baseY }, (_, y) => line(y));
  return [...trimmed(screen), '--- history', ...history.map((r) => r.trimEnd())];
}

describe('PaneScreens: a resized pane', () => {
  test('narrowed with long lines on screen: the emulator shows what tmux has, line for line', async () => {
    const server = makeTestServer();
    const long = (c: string): string => c.repeat(70);
    const client = await ControlClient.connect({
      server: server.server,
      target: { newSession: { name: 'wide', command: ['sh', '-c', `printf '%s\\n%s\\n$ ' ${long('a')} ${long('b')}; exec cat`], width: 100, height: 10 } },
    });
    try {
      const [pane] = await listPanes(client, { session: '=wide' });
      const paneId = pane!.id;
      const restored: string[] = [];
      const screens = new PaneScreens(client, {
        scrollback: 200, warm: 0, pauseHidden: true, widths: () => UNICODE11_RULES,
        restored: (ref) => restored.push(ref), failed: (_ref, e) => { throw e; },
      });
      client.on('output', (id, data) => { if (id === paneId) screens.output('c', paneId, data, client.outputSeq); });
      screens.show([{ ref: 'c', paneId }]);
      await waitFor(() => restored.length > 0 && emulatorText(screens.terminal('c')!).join('\n').includes('$'), 5000, 'restored');
      const tmuxText = (): string[] => {
        const capture = (...range: string[]): string[] => server.tmux('capture-pane', '-p', ...range, '-t', paneId).replace(/\n$/, '').split('\n');
        const history = Number(server.tmux('display', '-p', '-t', paneId, '#{history_size}').trim());
        return [...trimmed(capture()), '--- history', ...(history > 0 ? capture('-S', '-', '-E', '-1').map((r) => r.trimEnd()) : [])];
      };
      expect(emulatorText(screens.terminal('c')!)).toEqual(tmuxText());

      // What LiveFollow does on `%layout-change`: the window's new size to the chat's screen.
      server.tmux('resize-window', '-t', paneId, '-x', '40', '-y', '10');
      screens.resize('c', paneId, 40, 10);
      await waitFor(() => JSON.stringify(emulatorText(screens.terminal('c')!)) === JSON.stringify(tmuxText()), 3000, 'the emulator to match tmux').catch(() => {});
      expect(emulatorText(screens.terminal('c')!)).toEqual(tmuxText());
      expect(screens.terminal('c')!.cols).toBe(40);
      screens.dispose();
    } finally {
      await client.close();
    }
  }, 30_000);
});
