/**
 * A relayout draws its frame once (issue 15.4): the "terminal too small" check draws only when
 * it shows its line; otherwise the relayout draws after it has sent its sizes and restores to
 * tmux (it drew the whole screen first, 10–20 ms before a chat off screen was asked for).
 */
import { describe, expect, test } from '@jest/globals';
import { PaneGrid } from '../lib/ui/pane-grid';
import type { Ui } from '../lib/ui/ui-context';

function fakeUi(cols: number, rows: number): { ui: Ui; renders: () => number; shown: () => boolean } {
  let renders = 0;
  let shown = false;
  const tooSmall = { setContent: () => {}, show: () => void (shown = true), hide: () => void (shown = false), setFront: () => {} };
  const ui = { chrome: { tooSmall, screen: { render: () => void renders++ } }, geometry: { cols: () => cols, rows: () => rows } } as unknown as Ui;
  return { ui, renders: () => renders, shown: () => shown };
}

describe('PaneGrid.paintTooSmall', () => {
  test('big enough: hides its line and leaves the drawing to the caller', () => {
    const f = fakeUi(120, 40);
    expect(new PaneGrid(f.ui).paintTooSmall()).toBe(false);
    expect(f.shown()).toBe(false);
    expect(f.renders()).toBe(0);
  });

  test('too small: shows its line and draws it', () => {
    const f = fakeUi(20, 5);
    expect(new PaneGrid(f.ui).paintTooSmall()).toBe(true);
    expect(f.shown()).toBe(true);
    expect(f.renders()).toBe(1);
  });
});
