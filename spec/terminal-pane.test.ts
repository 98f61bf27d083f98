/**
 * PaneTerminal: cell widths agree with tmux (unicode11), split UTF-8 writes, dropped replies,
 * scrolling helpers, events.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturePane, listPanes, newSession } from '../lib/control/commands';
import { PaneTerminal, cursorHidden } from '../lib/terminal/pane-terminal';
import { restorePane } from '../lib/terminal/restore';
import { readWidthRules, widthRulesFor } from '../lib/terminal/tmux-widths';
import { versionAtLeast } from '../lib/control/version';
import { killAllTestServers, makeTestServer, systemTmuxVersion, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

// Emoji tmux ≥ 3.4 joins into one cell (VS16, ZWJ sequences, skin tones, flags) and plain wide text.
// 'x\u200dyz': plain ASCII right after a ZWJ (the one case the emulator's ASCII fast path must not take).
const WIDE_ROWS = ['🚀x✅y中z', '🇯🇵jkl', 'a👍🏽b', '❤️c', '1️⃣k', '☺️s', '👨‍👩‍👧z', 'x\u200dyz', '中🇺q', 'é漢😀end'];

describe('cell widths match tmux', () => {
  test('each row ends in the column tmux has, fed live and restored from a capture', async () => {
    const server = makeTestServer();
    const dir = mkdtempSync(join(tmpdir(), 'chatmux-wide-'));
    const widths = widthRulesFor(systemTmuxVersion());
    try {
      const panes: string[] = [];
      for (const [i, row] of WIDE_ROWS.entries()) {
        writeFileSync(join(dir, `row${i}`), row);
        const p = await newSession(server.cli, { name: `w${i}`, width: 40, height: 4, command: ['sh', '-c', `cat '${join(dir, `row${i}`)}'; exec sleep 300`] });
        panes.push(p.paneId);
      }
      const info = await waitFor(async () => {
        const all = await listPanes(server.cli, { all: true });
        return all.every((p) => p.cursorX > 0) ? all : null;
      }, 5000, 'output');
      for (const [i, row] of WIDE_ROWS.entries()) {
        const tmuxX = info.find((p) => p.id === panes[i])!.cursorX;
        const last = row.slice(-1);
        // The same bytes fed straight from the program…
        const direct = new PaneTerminal({ cols: 40, rows: 4, widths });
        direct.write(Buffer.from(row, 'utf8'));
        await direct.flush();
        // …and a restore from tmux's capture.
        const restored = new PaneTerminal({ cols: 40, rows: 4, widths });
        await restorePane(server.cli, panes[i]!, restored, 10);
        for (const [how, t] of [['direct', direct], ['restored', restored]] as const) {
          expect(`${row} ${how}: ${columnOf(t, last)}`).toBe(`${row} ${how}: ${tmuxX - 1}`);
          t.dispose();
        }
        expect(`${row}: ${direct.cursorX}`).toBe(`${row}: ${tmuxX}`);
      }
      // 'é漢😀end' ends at column 1 + 2 + 2 + 3 = 8 in every tmux.
      expect(info.find((p) => p.id === panes[WIDE_ROWS.length - 1])!.cursorX).toBe(8);
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the rules come from the server: on tmux 3.6+ variation-selector-always-wide off is followed', async () => {
    const v = systemTmuxVersion();
    const server = makeTestServer();
    const dir = mkdtempSync(join(tmpdir(), 'chatmux-vs-'));
    try {
      writeFileSync(join(dir, 'row'), '❤️c');
      await newSession(server.cli, { name: 'keep', command: ['sleep', '300'] });
      const hasOption = versionAtLeast(v, 3, 6);
      if (hasOption) server.tmux('set-option', '-s', 'variation-selector-always-wide', 'off');
      const rules = await readWidthRules(server.cli, v);
      expect(rules).toEqual(hasOption ? { combining: '3.6', vs16Wide: false } : widthRulesFor(v));
      const p = await newSession(server.cli, { name: 'vs', width: 20, height: 2, command: ['sh', '-c', `cat '${join(dir, 'row')}'; exec sleep 300`] });
      const [info] = await waitFor(async () => {
        const x = await listPanes(server.cli, { target: p.paneId });
        return x[0]!.cursorX > 0 ? x : null;
      }, 5000, 'output');
      const t = new PaneTerminal({ cols: 20, rows: 2, widths: rules });
      t.write('❤️c');
      await t.flush();
      expect(t.cursorX).toBe(info!.cursorX);
      t.dispose();
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('🚀 and ✅ are two columns each (the default table says one)', async () => {
    const t = new PaneTerminal({ cols: 20, rows: 2 });
    t.write('🚀x✅y中z');
    await t.flush();
    expect(t.cursorX).toBe(9);
    const cell = t.buffer.getNullCell();
    t.buffer.getLine(0)!.getCell(1, cell);
    // The right half of a wide glyph: width 0, no characters.
    expect([cell.getWidth(), cell.getChars()]).toEqual([0, '']);
    t.dispose();
  });
});

describe('PaneTerminal', () => {
  test('UTF-8 split across writes (byte by byte) is reassembled', async () => {
    const t = new PaneTerminal({ cols: 20, rows: 2 });
    const bytes = Buffer.from('é漢😀z', 'utf8');
    for (const b of bytes) t.write(Uint8Array.of(b));
    await t.flush();
    expect(t.rowText(0)).toBe('é漢😀z');
    expect(t.cursorX).toBe(6);
    t.dispose();
  });

  test('replies to terminal queries are dropped; only change events come out', async () => {
    const t = new PaneTerminal({ cols: 20, rows: 2 });
    const replies: string[] = [];
    // The emulator does answer DA1 internally…
    const sub = t.term.onData((d) => replies.push(d));
    let changes = 0;
    t.onChange(() => changes++);
    t.write('\x1b[c\x1b[6n');
    await t.flush();
    expect(replies.join('')).toContain('\x1b[?');
    // …but PaneTerminal offers no data/reply channel at all: nothing reaches tmux or the app.
    expect(Object.getOwnPropertyNames(PaneTerminal.prototype).filter((n) => /data|reply|input/i.test(n))).toEqual([]);
    expect(changes).toBeGreaterThan(0);
    sub.dispose();
    t.dispose();
  });

  test('title, bell, cursor visibility and the alternate-screen flag', async () => {
    const t = new PaneTerminal({ cols: 20, rows: 3 });
    const titles: string[] = [];
    let bells = 0;
    t.onTitle((s) => titles.push(s));
    t.onBell(() => bells++);
    t.write('\x1b]2;my title\x07\x07\x1b[?25l\x1b[?1049h');
    await t.flush();
    expect(titles).toEqual(['my title']);
    expect(t.title).toBe('my title');
    expect(bells).toBe(1);
    expect(t.cursorVisible).toBe(false);
    expect(cursorHidden(t.term)).toBe(true);
    expect(t.alternateScreen).toBe(true);
    t.write('\x1b[?25h\x1b[?1049l');
    await t.flush();
    expect([t.cursorVisible, t.alternateScreen]).toEqual([true, false]);
    t.dispose();
  });

  test('scrollback is bounded and the scroll helpers move the viewport', async () => {
    const t = new PaneTerminal({ cols: 10, rows: 4, scrollback: 50 });
    for (let i = 0; i < 200; i++) t.write(`l${i}\r\n`);
    await t.flush();
    expect(t.baseY).toBe(50);
    expect(t.isAtBottom).toBe(true);
    t.scrollLines(-3);
    expect([t.scrollOffset, t.isAtBottom]).toEqual([3, false]);
    t.scrollPages(-1);
    expect(t.scrollOffset).toBe(3 + 3); // a page is rows - 1
    t.scrollToTop();
    expect(t.viewportY).toBe(0);
    t.scrollToBottom();
    expect(t.isAtBottom).toBe(true);
    t.resize(12, 6);
    expect([t.cols, t.rows]).toEqual([12, 6]);
    t.reset();
    await t.flush();
    expect([t.baseY, t.rowText(0)]).toEqual([0, '']);
    t.dispose();
  });
});

describe('echo after typing', () => {
  test('after userTyped the next write is parsed at once; otherwise on a later tick', async () => {
    const t = new PaneTerminal({ cols: 20, rows: 3 });
    const replies: string[] = [];
    t.term.onData((d) => replies.push(d));
    t.write('a');
    expect(t.rowText(0)).toBe('');
    await t.flush();
    expect(t.rowText(0)).toBe('a');
    t.userTyped();
    t.write('b');
    expect(t.rowText(0)).toBe('ab');
    // Only the next write: the one after is parsed asynchronously again.
    t.write('c');
    expect(t.rowText(0)).toBe('ab');
    await t.flush();
    expect(t.rowText(0)).toBe('abc');
    expect(replies.join('')).toBe('');
    t.dispose();
  });
});

/** The column of the last cell on row 0 holding `ch`. */
function columnOf(t: PaneTerminal, ch: string): number {
  const cell = t.buffer.getNullCell();
  const line = t.buffer.getLine(t.baseY)!;
  let at = -1;
  for (let x = 0; x < t.cols; x++) if (line.getCell(x, cell)?.getChars() === ch) at = x;
  return at;
}
