/**
 * Scroll mode driven as a person would (outer tmux, send-keys, capture-pane): the whole of
 * tmux's history is reachable (issue 12.1), G stays in scroll mode and q leaves (12.9).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';
import { UI_SCROLLBACK } from '../lib/ui/live-wiring';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

/** The pane's first row, inside its border (drawn as ┌│ or, through capture-pane, as lx). */
function firstPaneRow(screen: string): string {
  const lines = screen.split('\n');
  const i = lines.findIndex((l) => /┌|lq/.test(l));
  const col = Math.max(lines[i]?.indexOf('┌') ?? -1, lines[i]?.indexOf('lq') ?? -1);
  return (lines[i + 1] ?? '').slice(col + 1);
}

/** Rows inside the pane's border. */
function paneRows(screen: string): number {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => /┌|lq/.test(l));
  const bottom = lines.findIndex((l, i) => i > top && /└|mq/.test(l));
  return bottom - top - 1;
}

/** A pane row starting with `text` (after the left border). */
const row = (text: string): RegExp => new RegExp(`[│x]${text}\\s`);

/** A UI showing one chat that printed 1 … 5000, restored and idle. */
async function seq5000(): Promise<UiDriver> {
  const d = makeUiDriver();
  ui = d;
  expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', 'seq', '--', 'sh', '-c', 'seq 1 5000; exec cat').code).toBe(0);
  d.start();
  await d.waitScreen(row('5000'));
  await waitFor(() => !d.screen().includes('restoring'), 5000, 'restore done');
  return d;
}

describe('scroll mode', () => {
  test('after seq 1 5000, g shows line 1 (read from tmux in pages); G stays in scroll mode; q leaves without typing q', async () => {
    const d = await seq5000();
    d.keys('C-o', 's');
    await d.waitScreen(/SCROLL -\d+/);
    d.keys('g');
    const top = await d.waitScreen(/[│x]1\s+SCROLL -\d+/, 10000);
    const offset = Number(/SCROLL -(\d+)/.exec(top)![1]);
    // Every line tmux holds is reachable: 5000 lines minus those on the live screen.
    expect(offset).toBeGreaterThan(4900);
    expect(firstPaneRow(top).trim()).toMatch(/^1\s+SCROLL/);
    // Nothing above line 1; the next page down reads on.
    d.keys('PPage');
    await new Promise((r) => setTimeout(r, 200));
    expect(d.screen()).toContain(`SCROLL -${offset}`);
    d.keys('NPage');
    await d.waitScreen(row('3\\d'));
    // Scrolling down from the top reaches the emulator's own lines seamlessly: stop with the
    // seam between tmux's pages and the emulator's lines of scrollback mid-pane.
    const rows = paneRows(top);
    const target = UI_SCROLLBACK + Math.floor(rows / 2);
    const down = offset - Math.floor(rows - 1) - target; // the NPage above moved one page
    d.keys(...Array<string>(Math.floor(down / (rows - 1))).fill('NPage'), ...Array<string>(down % (rows - 1)).fill('Down'));
    await d.waitScreen(new RegExp(`SCROLL -${target}\\b`), 15000);
    // Every row shows a line (the older page has arrived), one after the other.
    const nums = await waitFor(() => {
      const n = d.screen().split('\n').map((l) => /[│x](\d+)\s/.exec(l)?.[1]).filter(Boolean).map(Number);
      return n.length === rows ? n : null;
    }, 5000, 'every row filled');
    nums.forEach((n, k) => expect(n).toBe(nums[0]! + k));
    // G: the bottom, still in scroll mode; q leaves and is not typed into the chat.
    d.keys('G');
    await d.waitScreen(row('5000'));
    expect(d.screen()).toMatch(/SCROLL\s+PgUp/);
    d.keys('q');
    await d.waitScreen(/Alt\+←\/→ switch chat/);
    await new Promise((r) => setTimeout(r, 300));
    expect(d.screen()).not.toMatch(row('q'));
  }, 60000);

  test('the wheel scrolls past the emulator scrollback into tmux history', async () => {
    const d = await seq5000();
    // 600 wheel-up reports (SGR mouse, 3 rows each) over the pane: 1,800 rows up.
    d.type('\x1b[<64;60;10M'.repeat(600));
    const s = await d.waitScreen(/[│x]\d+\s+SCROLL -1800/, 15000);
    expect(firstPaneRow(s).trim()).toMatch(/^(\d+)\s+SCROLL -1800/);
    const line = Number(/^(\d+)/.exec(firstPaneRow(s).trim())![1]);
    expect(line).toBeLessThan(5000 - 1800 + 1);
    expect(line).toBeGreaterThan(5000 - 1800 - 40);
  }, 60000);
});
