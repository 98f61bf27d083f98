import { describe, expect, test } from '@jest/globals';
import { computeLayout, innerSize } from '../lib/ui/layout';

describe('layout', () => {
  test('single: one pane fills the main area', () => {
    const g = computeLayout(120, 40, 'single', 3);
    expect(g.tree).toEqual({ left: 0, top: 0, width: 30, height: 39 });
    expect(g.panes).toEqual([{ left: 30, top: 1, width: 90, height: 38 }]);
    expect(innerSize(g.panes[0]!)).toEqual({ cols: 88, rows: 36 });
    expect(g.status).toEqual({ left: 0, top: 39, width: 120, height: 1 });
  });
  test('split and grid tile the area without gaps', () => {
    const s = computeLayout(121, 40, 'split', 5).panes;
    expect(s.map((p) => p.width)).toEqual([45, 46]);
    expect(s[1]!.left).toBe(s[0]!.left + s[0]!.width);
    const g = computeLayout(120, 41, 'grid', 3).panes;
    expect(g.length).toBe(3);
    expect(g[2]!.top).toBe(g[0]!.top + g[0]!.height);
    expect(computeLayout(120, 40, 'grid', 1).panes.length).toBe(1);
  });
});

import { assignSlots } from '../lib/ui/slots';
import { fitRow, treeWidth } from '../lib/ui/tree-rows';
import { noteText } from '../lib/ui/notes';

describe('panes keep their chats', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  test('focus moves among shown chats without moving them; a chat not shown takes the focused pane', () => {
    let s = assignSlots([], 0, order, 'a', 4);
    expect(s).toEqual({ refs: ['a', 'b', 'c', 'd'], slot: 0 });
    s = assignSlots(s.refs, s.slot, order, 'c', 4);
    expect(s).toEqual({ refs: ['a', 'b', 'c', 'd'], slot: 2 });
    s = assignSlots(s.refs, s.slot, order, 'e', 4);
    expect(s).toEqual({ refs: ['a', 'b', 'e', 'd'], slot: 2 });
  });
  test('a vanished chat frees its pane for the next one; fewer chats than panes; one pane', () => {
    expect(assignSlots(['a', 'b', 'c', 'd'], 0, ['a', 'c', 'd', 'e'], 'a', 4).refs).toEqual(['a', 'e', 'c', 'd']);
    expect(assignSlots(['a', 'b'], 1, ['a', 'b'], 'b', 4)).toEqual({ refs: ['a', 'b'], slot: 1 });
    expect(assignSlots(['a'], 0, order, 'd', 1)).toEqual({ refs: ['d'], slot: 0 });
  });
});

describe('tree column and notes', () => {
  test('the tree is sized to its rows within 16 … a third of the screen (48 at most); rows are cut with …', () => {
    expect(treeWidth([{ depth: 0, label: 'ab', meta: 'cmd running' }], 120)).toBe(16);
    expect(treeWidth([{ depth: 1, label: 'reviewer of things', meta: 'claude running' }], 120)).toBe(1 + 2 + 18 + 1 + 14 + 1);
    expect(treeWidth([{ depth: 0, label: 'x'.repeat(80), meta: 'cmd running' }], 300)).toBe(48);
    expect(fitRow({ depth: 0, label: 'short', meta: 'cmd running' }, 30)).toEqual({ label: 'short', meta: 'cmd running' });
    expect(fitRow({ depth: 0, label: 'a-longer-name', meta: 'claude running' }, 20)).toEqual({ label: 'a-longer-name', meta: 'cla…' });
    expect(fitRow({ depth: 0, label: 'x'.repeat(40), meta: 'cmd running' }, 20)).toEqual({ label: `${'x'.repeat(17)}…`, meta: '' });
    expect(fitRow({ depth: 0, label: '🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀', meta: '' }, 12)).toEqual({ label: '🚀🚀🚀🚀…', meta: '' });
  });
  test('notes take the longest form that fits the pane', () => {
    const closed = { kind: 'closed' } as const;
    expect(noteText(closed, 80, 'C-o')).toBe(' closed — press Enter (or C-o o) to start it again');
    expect(noteText(closed, 40, 'C-o')).toBe(' closed — Enter starts it again');
    expect(noteText(closed, 10, 'C-o')).toBe(' closed: Enter');
    const dead = (resumes: boolean) => ({ kind: 'dead', ended: 'exited with status 3', endedShort: 'exit(3)', resumes }) as const;
    expect(noteText(dead(false), 80, 'C-o')).toBe(' exited with status 3 — R restart • X close');
    expect(noteText(dead(true), 80, 'C-o')).toBe(' exited with status 3 — R restart (resume) • X close');
    expect(noteText(dead(true), 30, 'C-o')).toBe(' exit(3): R restart • X close');
  });
});

import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { patchBlessedWidths } from '../lib/ui/widths';

describe('blessed draws a fitting row whole', () => {
  test('a row with astral characters (🚀🦀) that fits its box loses nothing; one too long is cut at the box', () => {
    patchBlessedWidths();
    const output = Object.assign(new PassThrough(), { columns: 40, rows: 3, isTTY: true });
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
    const screen = blessed.screen({ input, output, fullUnicode: true, terminal: 'xterm-256color', warnings: false } as never);
    const drawn = (content: string, width: number): string => {
      const box = blessed.box({ parent: screen, top: 0, left: 0, width, height: 1, tags: true, wrap: false, content });
      screen.render();
      const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
      const text = lines[0]!.slice(0, width).map((c) => c[1]).join('').replace(/\x03/g, '');
      box.destroy();
      return text;
    };
    try {
      // 1 + 3 + 4 + 1 + 10 = 19 columns in a box of 20; before, blessed counted 21 and cut "l".
      expect(drawn('○ab 🚀🦀 {gray-fg}cdefghijkl{/gray-fg}', 20)).toBe('○ab 🚀🦀 cdefghijkl ');
      expect(drawn('○ab 🚀🦀 cdefghijklmnopq', 20)).toBe('○ab 🚀🦀 cdefghijklm');
      expect(drawn('○ab 錆錆 cdefghijkl', 20)).toBe('○ab 錆錆 cdefghijkl ');
    } finally {
      screen.destroy();
    }
  });
});

import { firstTab, windowTop } from '../lib/ui/tree-rows';

describe('the focused chat stays in sight', () => {
  test('tree window: moves only as far as needed to show the selected row, never past the last row', () => {
    expect(windowTop(0, 3, 20, 10)).toBe(0);
    expect(windowTop(0, 15, 20, 10)).toBe(6);
    expect(windowTop(6, 10, 20, 10)).toBe(6);
    expect(windowTop(6, 2, 20, 10)).toBe(2);
    expect(windowTop(15, 19, 20, 10)).toBe(10);
    expect(windowTop(8, 0, 5, 10)).toBe(0);
  });
  test('tabs: those before the focused one give way on the left until it fits (one column for the marker)', () => {
    expect(firstTab([10, 10, 10], 1, 40)).toBe(0);
    expect(firstTab([10, 10, 10, 10], 3, 30)).toBe(2);
    expect(firstTab([10, 10, 10, 10], 3, 33)).toBe(1);
    expect(firstTab([50], 0, 20)).toBe(0);
    expect(firstTab([10, 10], -1, 5)).toBe(0);
  });
});
