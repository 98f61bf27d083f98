/**
 * A clear keeps what it wipes, as in tmux (lib/terminal/clear-history.ts): the same bytes fed
 * to a real tmux pane and to the UI's emulator leave the same history and screen, line for
 * line. Before, bash's Ctrl+L (`ESC[H ESC[J` under TERM=tmux-256color) or top's redraw made the
 * UI's scrollback lose the cleared screen that tmux kept, and scroll mode showed a gap there.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturePane, newSession } from '../lib/control/commands';
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { killAllTestServers, makeTestServer, waitFor, type TestServer } from './support/tmux';

let server: TestServer;
let dir: string;

beforeAll(() => {
  server = makeTestServer();
  dir = mkdtempSync(join(tmpdir(), 'chatmux-clear-'));
});

afterAll(() => {
  killAllTestServers();
  rmSync(dir, { recursive: true, force: true });
});

const W = 20;
const H = 6;
const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`).join('\r\n');

/** History and screen as text, oldest first, trailing blank lines dropped. */
function trimmed(rows: string[]): string[] {
  const out = rows.map((r) => r.trimEnd());
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

async function tmuxLines(name: string, bytes: string): Promise<string[]> {
  const file = join(dir, `${name}.bin`);
  writeFileSync(file, bytes);
  // tmux 3.2 starts the program at 80x24 and resizes it a moment later: wait for the size first.
  const waitSize = `until [ "$(stty size)" = "${H} ${W}" ]; do sleep 0.02; done`;
  const p = await newSession(server.cli, { name, width: W, height: H, command: ['sh', '-c', `${waitSize}; stty -echo; cat '${file}'; exec sleep 300`] });
  await waitFor(async () => (await capturePane(server.cli, p.paneId)).join('\n').includes('END'), 5000, 'pane output');
  return trimmed(server.tmux('capture-pane', '-p', '-S', '-', '-E', '-', '-t', p.paneId).split('\n'));
}

async function emulatorLines(bytes: string): Promise<string[]> {
  const t = new PaneTerminal({ cols: W, rows: H, scrollback: 1000 });
  await new Promise<void>((resolve) => t.write(bytes, resolve));
  // tmux's history is the normal screen's, also under the alternate screen; then the screen shown.
  const normal = t.term.buffer.normal;
  const rows: string[] = [];
  for (let y = 0; y < normal.baseY; y++) rows.push(normal.getLine(y)!.translateToString(true));
  for (let y = 0; y < H; y++) rows.push(t.buffer.getLine(t.baseY + y)!.translateToString(true));
  t.dispose();
  return trimmed(rows);
}

describe('a clear keeps the cleared screen in the history, as tmux does', () => {
  test.each([
    ['Ctrl+L in bash: ED 0 at the top-left corner', `${lines(1, 12)}\r\n$ \x1b[H\x1b[J$ END`],
    ['ED 2 with the cursor mid-screen', `${lines(1, 9)}\x1b[3;4H\x1b[2J\x1b[HEND`],
    ['ED 2 on a screen with only its first lines used', `${lines(1, 2)}\x1b[2J\x1b[HEND`],
    ['ED 2 under a scroll region (tmux scrolls the whole screen)', `${lines(1, 8)}\x1b[2;4r\x1b[2J\x1b[r\x1b[HEND`],
    ['ED 0 not at the corner erases only', `${lines(1, 8)}\x1b[2;1H\x1b[JEND`],
    ['ED 2 then ED 3 (`clear`): no history in either', `${lines(1, 8)}\x1b[H\x1b[2J\x1b[3JEND`],
    ['ED 2 on the alternate screen leaves the history alone', `${lines(1, 8)}\x1b[?1049h${lines(20, 25)}\x1b[2J\x1b[HEND`],
  ])('%s', async (_name, bytes) => {
    const name = `c${Math.random().toString(36).slice(2, 8)}`;
    const [tmux, emulator] = await Promise.all([tmuxLines(name, bytes), emulatorLines(bytes)]);
    expect(emulator).toEqual(tmux);
  });
});
