/**
 * PaneView paints emulator cells into blessed's screen cells: characters, attributes,
 * colours (256 and RGB mapped to the palette), wide-glyph placeholders, clipping/padding,
 * the cursor, scroll mode, and coalesced rendering.
 */
import { afterAll, afterEach, describe, expect, jest, test } from '@jest/globals';
import blessed, { type Widgets } from 'blessed';
import { PassThrough, Writable } from 'node:stream';
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { historyTerminal } from '../lib/terminal/restore';
import { PaneView } from '../lib/ui/pane-view';
import { HistoryPages } from '../lib/ui/history-pages';
import { createRenderScheduler } from '../lib/ui/render-scheduler';
import { DEFAULT_COLOR, rgbToPalette } from '../lib/ui/cell-attr';
import { capturePane, newSession } from '../lib/control/commands';
import { restorePane } from '../lib/terminal/restore';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

type Cell = [number, string];

interface FakeScreen {
  screen: Widgets.Screen;
  lines: Cell[][] & { dirty?: boolean }[];
  output: () => string;
  clearOutput: () => void;
}

const open: Array<{ screen: Widgets.Screen; terms: PaneTerminal[] }> = [];

function fakeScreen(cols = 40, rows = 12): FakeScreen {
  let written = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      written += chunk.toString('utf8');
      cb();
    },
  }) as Writable & { columns: number; rows: number; isTTY: boolean };
  out.columns = cols;
  out.rows = rows;
  out.isTTY = true;
  const screen = blessed.screen({
    input: new PassThrough(), output: out, terminal: 'xterm-256color', fullUnicode: true, warnings: false,
  } as unknown as Widgets.IScreenOptions);
  open.push({ screen, terms: [] });
  return {
    screen,
    lines: (screen as unknown as { lines: Cell[][] & { dirty?: boolean }[] }).lines,
    output: () => written,
    clearOutput: () => (written = ''),
  };
}

async function term(cols: number, rows: number, bytes = '', scrollback?: number): Promise<PaneTerminal> {
  const t = new PaneTerminal({ cols, rows, scrollback });
  open.at(-1)?.terms.push(t);
  t.write(bytes);
  await t.flush();
  return t;
}

afterAll(() => killAllTestServers());

afterEach(() => {
  for (const o of open.splice(0)) {
    o.screen.destroy();
    for (const t of o.terms) t.dispose();
  }
});

/** blessed flushes its output buffer on a later tick. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
const attr = (flags: number, fg: number, bg: number): number => (flags << 18) | (fg << 9) | bg;
const D = DEFAULT_COLOR;
const rowChars = (row: Cell[], from: number, to: number): string[] => row.slice(from, to).map((c) => c[1]);

describe('painting cells', () => {
  test('characters, bold/underline/inverse/blink/invisible, 256 colours and RGB', async () => {
    const f = fakeScreen();
    const t = await term(20, 4,
      '\x1b[1;31mA\x1b[0m\x1b[4mB\x1b[0m\x1b[7mC\x1b[0m\x1b[5mD\x1b[0m\x1b[8mE\x1b[0m' +
      '\x1b[38;5;208;48;5;17mF\x1b[0m\x1b[38;2;255;0;0mG\x1b[0m\x1b[48;2;0;0;255mH\x1b[0m\x1b[3mI\x1b[0m');
    const view = new PaneView(f.screen, { parent: f.screen, left: 2, top: 1, width: 20, height: 4, terminal: t });
    f.screen.render();
    const row = f.lines[1]!;
    expect(rowChars(row, 2, 11).join('')).toBe('ABCDEFGHI');
    expect(row[2]).toEqual([attr(1, 1, D), 'A']);
    expect(row[3]).toEqual([attr(2, D, D), 'B']);
    expect(row[4]).toEqual([attr(8, D, D), 'C']);
    expect(row[5]).toEqual([attr(4, D, D), 'D']);
    expect(row[6]).toEqual([attr(16, D, D), 'E']);
    expect(row[7]).toEqual([attr(0, 208, 17), 'F']);
    // Truecolour goes through blessed's palette matcher: pure red and blue are palette colours.
    const red = rgbToPalette(0xff0000);
    const blue = rgbToPalette(0x0000ff);
    expect([1, 9, 196]).toContain(red);
    expect([4, 12, 21]).toContain(blue);
    expect(row[8]).toEqual([attr(0, red, D), 'G']);
    expect(row[9]).toEqual([attr(0, D, blue), 'H']);
    // Italic has no blessed equivalent: plain.
    expect(row[10]).toEqual([attr(0, D, D), 'I']);
    // Outside the view nothing was touched.
    expect(row[1]).toEqual([attr(0, D, D), ' ']);
    expect(view.isScrolled).toBe(false);
  });

  test("a wide glyph's right half is '' so the row stays aligned with tmux", async () => {
    const f = fakeScreen();
    const t = await term(20, 2, '🚀x✅y中z\r\n🇯🇵jkl');
    new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 20, height: 2, terminal: t });
    f.screen.render();
    expect(rowChars(f.lines[0]!, 0, 10)).toEqual(['🚀', '', 'x', '✅', '', 'y', '中', '', 'z', ' ']);
    // A flag is two regional indicators, one column each (tmux also gives it two columns).
    expect(rowChars(f.lines[1]!, 0, 6).join('')).toBe('🇯🇵jkl ');
    expect(f.lines[1]![2]![1]).toBe('j');
    // What reaches the terminal has no extra column after the emoji.
    await settle();
    expect(f.output()).toContain('🚀x✅y中z');
  });

  test('default colours come from the box style; the border is kept', async () => {
    const f = fakeScreen();
    const t = await term(10, 2, 'hi\x1b[32m!');
    new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 12, height: 4, border: 'line', style: { fg: 'white', bg: 'blue' }, terminal: t });
    f.screen.render();
    expect(f.lines[0]![0]![1]).toBe('┌');
    expect(f.lines[1]![1]).toEqual([attr(0, 7, 4), 'h']);
    expect(f.lines[1]![3]).toEqual([attr(0, 2, 4), '!']);
  });

  test('clips a larger emulator and pads a smaller one', async () => {
    const f = fakeScreen();
    const big = await term(30, 6, `${'0123456789'.repeat(3)}\r\nsecond`);
    new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 10, height: 3, terminal: big });
    const small = await term(4, 2, 'abcd\r\nef');
    new PaneView(f.screen, { parent: f.screen, left: 20, top: 0, width: 8, height: 4, terminal: small, style: { bg: 'red' } });
    f.screen.render();
    expect(rowChars(f.lines[0]!, 0, 11).join('')).toBe('0123456789 ');
    expect(rowChars(f.lines[1]!, 0, 6).join('')).toBe('second');
    expect(rowChars(f.lines[0]!, 20, 28).join('')).toBe('abcd    ');
    expect(rowChars(f.lines[3]!, 20, 28).join('')).toBe('        ');
    expect(f.lines[3]![27]).toEqual([attr(0, D, 1), ' ']);
  });

  test('a wide glyph cut by the right edge is blanked instead of spilling over', async () => {
    const f = fakeScreen();
    const t = await term(12, 2, '012345678中z');
    new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 10, height: 2, terminal: t });
    f.screen.render();
    expect(rowChars(f.lines[0]!, 0, 11)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', ' ', ' ']);
  });

  test('the cursor shows (inverse) only in the focused view and only when the app shows it', async () => {
    const f = fakeScreen();
    const t = await term(10, 3, 'abc\x1b[2;3H');
    const view = new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 10, height: 3, terminal: t });
    const other = blessed.box({ parent: f.screen, left: 0, top: 5, width: 5, height: 1 });
    other.focus();
    f.screen.render();
    expect(f.lines[1]![2]![0]).toBe(attr(0, D, D));
    view.box.focus();
    f.screen.render();
    expect(f.lines[1]![2]![0]).toBe(attr(8, D, D));
    t.write('\x1b[?25l');
    await t.flush();
    f.screen.render();
    expect(f.lines[1]![2]![0]).toBe(attr(0, D, D));
  });

  test('rows are marked dirty only when a cell changed', async () => {
    const f = fakeScreen();
    const t = await term(10, 3, 'one\r\ntwo');
    const view = new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 10, height: 3, terminal: t });
    t.write('\x1b[?25l'); // no cursor: it would move (and dirty its old row)
    await t.flush();
    expect(view.terminal?.cursorVisible).toBe(false);
    f.screen.render();
    await settle();
    f.clearOutput();
    // Nothing changed: blessed finds no dirty row and writes (almost) nothing.
    f.screen.render();
    await settle();
    expect(f.output().replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '')).toBe('');
    const dirty: number[] = [];
    t.write('\r\nthree');
    await t.flush();
    const lines = f.lines as unknown as Array<{ dirty?: boolean }>;
    const origDraw = f.screen.draw.bind(f.screen);
    f.screen.draw = (start: number, end: number) => {
      lines.forEach((l, i) => l.dirty && dirty.push(i));
      origDraw(start, end);
    };
    f.screen.render();
    expect(dirty).toEqual([2]);
    await settle();
    expect(f.output()).toContain('three');
  });
});

describe('scroll mode', () => {
  test('scrolling shows history rows above the live bottom, with a SCROLL marker', async () => {
    const f = fakeScreen();
    let s = '';
    for (let i = 1; i <= 30; i++) s += `\r\nline ${i}`;
    const t = await term(20, 4, s, 100);
    const view = new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 20, height: 4, terminal: t });
    f.screen.render();
    expect(rowChars(f.lines[3]!, 0, 7).join('')).toBe('line 30');
    view.scrollBy(-5);
    f.screen.render();
    expect(view.scrollOffset).toBe(5);
    expect(rowChars(f.lines[3]!, 0, 7).join('')).toBe('line 25');
    expect(rowChars(f.lines[0]!, 0, 20).join('')).toContain('SCROLL -5');
    view.scrollToBottom();
    f.screen.render();
    expect(view.isScrolled).toBe(false);
    expect(rowChars(f.lines[3]!, 0, 7).join('')).toBe('line 30');
    expect(rowChars(f.lines[0]!, 0, 20).join('')).not.toContain('SCROLL');
  });

  test('older history from tmux continues above the emulator scrollback', async () => {
    const f = fakeScreen();
    let s = 'line 11';
    for (let i = 12; i <= 20; i++) s += `\r\nline ${i}`;
    const t = await term(20, 4, s, 6); // lines 11..20 all kept (6 scrollback + 4 rows)
    const tmuxLines = ['line 8', '\x1b[31mline 9', 'line 10'];
    const view = new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 20, height: 4, terminal: t, scrollMarker: false });
    const older = new HistoryPages(3, {
      fetch: async (from, count) => tmuxLines.slice(Math.max(0, 3 - from - count), 3 - from),
      render: (lines) => historyTerminal(lines, 20),
    }, () => view.scheduleRender());
    view.scrollToTop();
    expect(view.atOldestLocalLine).toBe(true);
    view.setOlderHistory(older);
    expect(view.atOldestLocalLine).toBe(false);
    view.scrollBy(-2);
    f.screen.render(); // asks for the page
    await waitFor(() => older.loads > 0, 2000, 'page load');
    f.screen.render();
    expect([0, 1, 2, 3].map((y) => rowChars(f.lines[y]!, 0, 7).join('').trim())).toEqual(['line 9', 'line 10', 'line 11', 'line 12']);
    // Colours of the older lines come through (the capture's SGR carried across lines).
    expect(f.lines[1]![0]![0]).toBe(attr(0, 1, D));
    view.scrollBy(3);
    f.screen.render();
    expect(rowChars(f.lines[0]!, 0, 7).join('')).toBe('line 12');
    view.scrollToBottom();
    expect(view.scrollOffset).toBe(0);
    older.dispose();
  });

  test('older history is read in pages as the view reaches it, to its first line, with at most maxPages held', async () => {
    // tmux's history: 3,000 lines above an emulator that keeps none of it.
    const all = Array.from({ length: 3000 }, (_, i) => `tmux ${i + 1}`);
    const fetched: Array<[number, number]> = [];
    const t = await term(20, 4, '', 0);
    const f = fakeScreen();
    const view = new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 20, height: 4, terminal: t, scrollMarker: false });
    const pages = new HistoryPages(all.length, {
      fetch: async (from, count) => {
        fetched.push([from, count]);
        return all.slice(Math.max(0, all.length - from - count), all.length - from);
      },
      render: async (lines) => {
        const h = await historyTerminal(lines, 20);
        open.at(-1)!.terms.push(h);
        return h;
      },
    }, () => view.scheduleRender(), undefined, 100, 3);
    view.setOlderHistory(pages);
    const shown = async (): Promise<string> => {
      f.screen.render();
      // The top row shows depth scrollOffset (the emulator keeps no scrollback).
      await waitFor(() => (pages.line(view.scrollOffset) ? true : null), 2000, 'page');
      f.screen.render();
      return rowChars(f.lines[0]!, 0, 12).join('').trim();
    };
    view.scrollBy(-4 - 250); // the emulator's screen is 4 rows; 250 rows into older history
    expect(await shown()).toBe('tmux 2747');
    view.scrollToTop();
    expect(view.scrollOffset).toBe(3000);
    expect(await shown()).toBe('tmux 1');
    expect(view.scrollBy(-100)).toBe(0); // nothing above tmux's first line
    // Walk back down through every page: never more than 3 pages held.
    while (view.scrollOffset > 97) {
      view.scrollBy(97);
      await shown();
      expect(pages.held).toBeLessThanOrEqual(3);
    }
    expect(fetched.length).toBeGreaterThanOrEqual(30);
    pages.dispose();
  });
});

describe('coalesced rendering', () => {
  test('many changes within the interval give one render; hidden views do not render', async () => {
    const f = fakeScreen();
    const t = await term(20, 4);
    const view = new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 20, height: 4, terminal: t, renderIntervalMs: 30 });
    const render = jest.spyOn(f.screen, 'render');
    for (let i = 0; i < 50; i++) t.write(`chunk ${i}\r\n`);
    await t.flush();
    await new Promise((r) => setTimeout(r, 80));
    expect(render.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(render.mock.calls.length).toBeLessThanOrEqual(2);
    render.mockClear();
    view.box.hide();
    t.write('more\r\n');
    await t.flush();
    await new Promise((r) => setTimeout(r, 80));
    expect(render).not.toHaveBeenCalled();
  });

  test('a typed key\'s echo is painted and written at once, within the frame interval of the last paint', async () => {
    const f = fakeScreen();
    const t = await term(20, 4);
    new PaneView(f.screen, { parent: f.screen, left: 0, top: 0, width: 20, height: 4, terminal: t, renderIntervalMs: 200, painter: true });
    f.screen.render();
    await settle();
    // Output after a quiet spell: painted (the first frame of the interval).
    t.write('a');
    await t.flush();
    await settle();
    expect(f.output()).toContain('a');
    // More output within the interval waits for the next frame (coalesced)…
    f.clearOutput();
    t.write('b');
    await t.flush();
    await settle();
    expect(f.output()).not.toContain('b');
    // …but the echo of a typed key is on the terminal when the write that parsed it returns:
    // no frame interval, no wait for blessed's buffered write.
    t.userTyped();
    t.write('c');
    expect(f.output()).toContain('bc');
  });

  test('the scheduler keeps renders at least one interval apart', async () => {
    jest.useFakeTimers();
    const times: number[] = [];
    const s = createRenderScheduler(() => times.push(Date.now()), 16);
    try {
      for (let i = 0; i < 100; i++) {
        s.schedule();
        jest.advanceTimersByTime(1);
      }
      jest.advanceTimersByTime(50);
    } finally {
      jest.useRealTimers();
      s.dispose();
    }
    expect(times.length).toBeGreaterThan(3);
    expect(times.length).toBeLessThanOrEqual(100 / 16 + 2);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(16);
  });
});

describe('from a tmux pane to blessed cells', () => {
  test('a restored pane paints row for row what tmux shows, wide glyphs included', async () => {
    const server = makeTestServer();
    const rows = ['plain row', '\x1b[1;33mbold yellow\x1b[0m and 🚀x✅y中z', '🇯🇵jkl é漢😀 end', '\x1b[44m coloured bg \x1b[0m'];
    const pane = await newSession(server.cli, {
      name: 'p', width: 30, height: 6,
      command: ['sh', '-c', `printf '%b' '${rows.join('\\r\\n')}'; exec sleep 300`],
    });
    await waitFor(async () => (await capturePane(server.cli, pane.paneId)).join('\n').includes('coloured bg'), 5000, 'output');
    const f = fakeScreen(40, 10);
    const t = await term(30, 6);
    await restorePane(server.cli, pane.paneId, t, 100);
    new PaneView(f.screen, { parent: f.screen, left: 3, top: 2, width: 32, height: 8, border: 'line', terminal: t });
    f.screen.render();
    const shown = await capturePane(server.cli, pane.paneId);
    for (let y = 0; y < 6; y++) {
      expect(rowChars(f.lines[3 + y]!, 4, 34).join('').trimEnd()).toBe(shown[y]);
    }
    // The bold yellow cells kept their attributes on the way.
    expect(f.lines[4]![4]).toEqual([attr(1, 3, D), 'b']);
    server.kill();
  });
});
