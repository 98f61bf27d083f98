/**
 * Restoring a pane from tmux's captures reproduces its screen cell for cell: text, colours,
 * history, cursor, and the primary screen behind an alternate-screen app.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IBufferCell } from '@xterm/headless';
import { capturePane, listPanes, newSession } from '../lib/control/commands';
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { captureHistory, restorePane, restoreStream } from '../lib/terminal/restore';
import { killAllTestServers, makeTestServer, waitFor, type TestServer } from './support/tmux';

let server: TestServer;
let dir: string;

beforeAll(() => {
  server = makeTestServer();
  dir = mkdtempSync(join(tmpdir(), 'chatmux-restore-'));
});

afterAll(() => {
  killAllTestServers();
  rmSync(dir, { recursive: true, force: true });
});

const ESC = '\x1b';

/** Start a pane of a fixed size whose program writes `bytes` then waits. */
async function paneShowing(name: string, width: number, height: number, bytes: string): Promise<string> {
  const file = join(dir, `${name}.bin`);
  writeFileSync(file, bytes + 'READY');
  // Wait for the size first: tmux 3.2 starts the program at 80x24 and resizes it a moment later.
  const waitSize = `until [ "$(stty size)" = "${height} ${width}" ]; do sleep 0.02; done`;
  const p = await newSession(server.cli, { name, width, height, command: ['sh', '-c', `${waitSize}; stty -echo; cat '${file}'; exec sleep 300`] });
  // READY is the last text; erase it so the pane shows exactly `bytes` (the cursor goes back).
  await waitFor(async () => (await capturePane(server.cli, p.paneId)).join('\n').includes('READY'), 5000, 'pane output');
  return p.paneId;
}

/** Everything about a cell the painter uses, as one comparable string. */
function describeCell(c: IBufferCell): string {
  const colour = (def: boolean, pal: boolean, v: number): string => (def ? 'd' : pal ? `p${v}` : `#${v.toString(16)}`);
  return [
    JSON.stringify(c.getChars()), c.getWidth(),
    colour(c.isFgDefault(), c.isFgPalette(), c.getFgColor()), colour(c.isBgDefault(), c.isBgPalette(), c.getBgColor()),
    ...[c.isBold(), c.isUnderline(), c.isInverse(), c.isBlink(), c.isInvisible(), c.isItalic(), c.isDim()].map((f) => (f ? 1 : 0)),
  ].join(',');
}

function screenCells(t: PaneTerminal): string[][] {
  const cell = t.buffer.getNullCell();
  const rows: string[][] = [];
  for (let y = 0; y < t.rows; y++) {
    const line = t.buffer.getLine(t.baseY + y)!;
    const row: string[] = [];
    for (let x = 0; x < t.cols; x++) {
      line.getCell(x, cell);
      // An empty cell and a written space look the same.
      row.push(describeCell(cell).replace(/^"( )?",/, '"",'));
    }
    rows.push(row);
  }
  return rows;
}

/**
 * A reference screen built independently: each row captured on its own (so its SGR starts
 * from defaults) and placed with an absolute cursor move (no line feeds, no carried state).
 */
async function referenceScreen(paneId: string, width: number, height: number): Promise<PaneTerminal> {
  const ref = new PaneTerminal({ cols: width, rows: height, scrollback: 0 });
  for (let y = 0; y < height; y++) {
    const [line] = await capturePane(server.cli, paneId, { escapes: true, trailingSpaces: true, start: y, end: y });
    ref.write(`${ESC}[0m${ESC}[${y + 1};1H${line ?? ''}`);
  }
  await ref.flush();
  return ref;
}

async function plainRows(paneId: string, o: { start?: number | '-'; end?: number | '-'; alternate?: boolean } = {}): Promise<string[]> {
  return capturePane(server.cli, paneId, { ...o, quiet: o.alternate });
}

function rowTexts(t: PaneTerminal, from: number, to: number): string[] {
  const out: string[] = [];
  // tmux trims trailing spaces even when coloured; xterm keeps written spaces (cells compare them).
  for (let i = from; i < to; i++) out.push((t.buffer.getLine(i)?.translateToString(true) ?? '').trimEnd());
  return out;
}

describe('restore from tmux captures', () => {
  test('main screen: text, colours, wrapped lines, history and cursor are identical', async () => {
    const W = 30, H = 8;
    let s = '';
    for (let i = 1; i <= 20; i++) s += `${ESC}[3${i % 8}mhistory line ${i}${ESC}[0m\r\n`;
    s += `${ESC}[1;31mbold red${ESC}[0m plain ${ESC}[38;5;208m256-orange${ESC}[0m\r\n`;
    s += `${ESC}[38;2;10;200;30mtruecolor${ESC}[0m ${ESC}[4munder${ESC}[24m ${ESC}[7minverse${ESC}[27m\r\n`;
    // A wrapped line whose colours run across the wrap, ending with a background still active.
    s += `${ESC}[48;5;22m${'w'.repeat(W + 7)}${ESC}[41m end-bg  \r\n`;
    // …and a row erased to its end under a background colour: tmux ≥ 3.4's -J leaves out both.
    s += `${ESC}[0mafter bg${ESC}[45m${ESC}[K${ESC}[0m\r\n`;
    s += `${ESC}[3;5H`; // cursor elsewhere
    const pane = await paneShowing('main', W, H, s);
    // READY sits at 3;5; erase it again by rewriting the same bytes would be racy: include it in the comparison.
    const term = new PaneTerminal({ cols: 10, rows: 3, scrollback: 1000 });
    const res = await restorePane(server.cli, pane, term, 1000);
    expect(res.pane.historySize).toBeGreaterThan(10);
    expect(term.cols).toBe(W);
    expect(term.rows).toBe(H);

    // Visible rows: text identical to `capture-pane -p`.
    expect(rowTexts(term, term.baseY, term.baseY + H)).toEqual(await plainRows(pane));
    // History: identical to tmux's history lines.
    const hist = await plainRows(pane, { start: '-', end: -1 });
    expect(term.baseY).toBe(hist.length);
    expect(rowTexts(term, 0, term.baseY)).toEqual(hist);
    // Colours and attributes, cell for cell, against an independently built reference.
    const ref = await referenceScreen(pane, W, H);
    expect(screenCells(term)).toEqual(screenCells(ref));
    // The wrapped row really is a soft wrap in the emulator (-J kept it one logical line).
    const wrappedAt = rowTexts(term, term.baseY, term.baseY + H).findIndex((r) => r.startsWith('w'.repeat(7) + ' end-bg'));
    expect(wrappedAt).toBeGreaterThan(0);
    expect(term.buffer.getLine(term.baseY + wrappedAt)!.isWrapped).toBe(true);
    // Cursor where tmux has it.
    const [info] = await listPanes(server.cli, { target: pane });
    expect([term.cursorX, term.cursorY]).toEqual([info!.cursorX, info!.cursorY]);
    expect(term.cursorVisible).toBe(true);
    expect(term.alternateScreen).toBe(false);
    // Spot checks that colours are really there (not just equal-and-empty).
    const cell = term.buffer.getNullCell();
    const boldRow = term.buffer.getLine(term.baseY + rowTexts(term, term.baseY, term.baseY + H).findIndex((r) => r.startsWith('boldREADY')))!;
    boldRow.getCell(0, cell);
    expect([!!cell.isBold(), cell.isFgPalette(), cell.getFgColor()]).toEqual([true, true, 1]);
    term.dispose();
    ref.dispose();
  });

  test('alternate screen: the app screen, the primary screen behind it, saved cursor and hidden cursor', async () => {
    const W = 32, H = 6;
    let s = '';
    for (let i = 1; i <= 12; i++) s += `primary ${i}\r\n`;
    s += `${ESC}[32mgreen prompt${ESC}[0m $ `;
    s += `${ESC}[?1049h${ESC}[H${ESC}[2J`;
    s += `${ESC}[44m${ESC}[1;1H TITLE BAR ${' '.repeat(W - 11)}${ESC}[0m`;
    s += `${ESC}[3;3H${ESC}[1mapp text 🚀 中${ESC}[0m`;
    s += `${ESC}[6;1H${ESC}[7mstatus${ESC}[0m`;
    s += `${ESC}[?25l${ESC}[4;7H`;
    const pane = await paneShowing('alt', W, H, s);
    const [info] = await listPanes(server.cli, { target: pane });
    expect(info!.alternateOn).toBe(true);
    const savedPrimary = await plainRows(pane, { alternate: true });

    const term = new PaneTerminal({ cols: W, rows: H, scrollback: 1000 });
    await restorePane(server.cli, pane, term, 1000);
    expect(term.alternateScreen).toBe(true);
    expect(rowTexts(term, term.baseY, term.baseY + H)).toEqual(await plainRows(pane));
    const ref = await referenceScreen(pane, W, H);
    expect(screenCells(term)).toEqual(screenCells(ref));
    expect([term.cursorX, term.cursorY]).toEqual([info!.cursorX, info!.cursorY]);
    expect(term.cursorVisible).toBe(false);

    // Leaving the alternate screen shows the primary screen tmux saved, with its cursor.
    term.write(`${ESC}[?1049l`);
    await term.flush();
    expect(term.alternateScreen).toBe(false);
    expect(rowTexts(term, term.baseY, term.baseY + H)).toEqual(savedPrimary.slice(-H));
    expect([term.cursorX, term.cursorY]).toEqual([info!.alternateSavedX, info!.alternateSavedY]);
    // The history under the primary screen came back too.
    expect(rowTexts(term, 0, term.baseY)).toEqual(await plainRows(pane, { start: '-', end: -1 }));
    term.dispose();
    ref.dispose();
  });

  test('modes: scroll region, no-wrap and keypad survive a restore', async () => {
    const pane = await paneShowing('modes', 20, 6, `one\r\ntwo\r\n${ESC}[?1h${ESC}=${ESC}[2;5r${ESC}[?7l${ESC}[5;3H`);
    const term = new PaneTerminal({ cols: 20, rows: 6 });
    await restorePane(server.cli, pane, term, 100);
    const [info] = await listPanes(server.cli, { target: pane });
    expect(info!.modes.scrollRegionUpper).toBe(1);
    expect(term.term.modes.applicationCursorKeysMode).toBe(true);
    expect(term.term.modes.applicationKeypadMode).toBe(true);
    expect(term.term.modes.wraparoundMode).toBe(false);
    expect([term.cursorX, term.cursorY]).toEqual([info!.cursorX, info!.cursorY]);
    // The scroll region is active: a line feed at its bottom scrolls only rows 2..5.
    expect(term.rowText(1)).toBe('two');
    term.write(`${ESC}[5;1H\n`);
    await term.flush();
    expect([term.rowText(0), term.rowText(1), term.rowText(3)]).toEqual(['one', '', '  READY']);
    term.dispose();
  });

  test('after a restore, resizing reflows wrapped lines exactly as tmux does', async () => {
    let s = '';
    for (let i = 1; i <= 10; i++) s += `line ${i} abcdefghijklmnopqrstuvwxyzABCDEF\r\n`;
    const pane = await paneShowing('reflow', 30, 8, s);
    const [info] = await listPanes(server.cli, { target: pane });
    const term = new PaneTerminal({ cols: 30, rows: 8 });
    await restorePane(server.cli, pane, term, 100);
    for (const [w, h] of [[20, 8], [45, 10], [30, 5]] as const) {
      // Test-side resize of the window (the UI does it with refresh-client -C).
      server.tmux('resize-window', '-t', info!.windowId, '-x', String(w), '-y', String(h));
      term.resize(w, h);
      await term.flush();
      const [now] = await listPanes(server.cli, { target: pane });
      expect(rowTexts(term, term.baseY, term.baseY + h)).toEqual(await plainRows(pane));
      expect([term.cursorX, term.cursorY]).toEqual([now!.cursorX, now!.cursorY]);
    }
    term.dispose();
  });

  test('older history beyond the scrollback is read from tmux', async () => {
    let s = '';
    for (let i = 1; i <= 60; i++) s += `old ${i}\r\n`;
    const pane = await paneShowing('hist', 20, 5, s);
    const term = new PaneTerminal({ cols: 20, rows: 5, scrollback: 10 });
    const res = await restorePane(server.cli, pane, term, 10);
    expect(res.historyRows).toBe(10);
    expect(term.baseY).toBe(10);
    expect(term.buffer.getLine(0)!.translateToString(true)).toBe('old 47');
    // The 5 lines before the emulator's oldest one.
    const older = await captureHistory(server.cli, pane, -15, 5);
    expect(older.map((l) => l.trimEnd())).toEqual(['old 42', 'old 43', 'old 44', 'old 45', 'old 46']);
    term.dispose();
  });
});

describe('restoreStream (pure)', () => {
  test('a line ending with a background colour does not paint the next row', async () => {
    const bytes = restoreStream(
      { width: 10, height: 3, cursorX: 0, cursorY: 2, cursorVisible: true, alternateOn: false, alternateSavedX: 0, alternateSavedY: 0 },
      { main: [`${ESC}[41mred`, 'plain', 'x'] },
    );
    const t = new PaneTerminal({ cols: 10, rows: 3 });
    t.write(bytes);
    await t.flush();
    const cell = t.buffer.getNullCell();
    t.buffer.getLine(1)!.getCell(0, cell);
    // Attributes carry across lines (tmux does not reset them at line ends)…
    expect(cell.getBgColor()).toBe(1);
    t.buffer.getLine(1)!.getCell(8, cell);
    // …but the blank rest of the row keeps the default background.
    expect(cell.isBgDefault()).toBe(true);
    t.buffer.getLine(2)!.getCell(0, cell);
    expect(cell.getBgColor()).toBe(1);
    t.dispose();
  });

  test('pending bytes of an unfinished sequence are written last', async () => {
    const bytes = restoreStream(
      { width: 10, height: 2, cursorX: 0, cursorY: 0, cursorVisible: true, alternateOn: false, alternateSavedX: 0, alternateSavedY: 0 },
      { main: ['', ''], pending: Buffer.from(`${ESC}[3`) },
    );
    expect(bytes.subarray(-3).toString()).toBe(`${ESC}[3`);
    const t = new PaneTerminal({ cols: 10, rows: 2 });
    t.write(bytes);
    t.write('1mX');
    await t.flush();
    const cell = t.buffer.getNullCell();
    t.buffer.getLine(0)!.getCell(0, cell);
    expect([cell.getChars(), cell.getFgColor()]).toEqual(['X', 1]);
    t.dispose();
  });
});
