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
