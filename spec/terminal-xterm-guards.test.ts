/**
 * Workarounds for @xterm/headless bugs (lib/terminal/xterm-guards.ts): ED 1 in the bottom-right
 * corner before anything scrolled threw inside xterm's parser (on a timer: the UI died).
 */
import { describe, expect, test } from '@jest/globals';
import { PaneTerminal } from '../lib/terminal/pane-terminal';

function written(t: PaneTerminal, data: string): Promise<void> {
  return new Promise((resolve) => t.write(data, resolve));
}

describe('xterm guards', () => {
  test.each([
    ['ED 1', '\x1b[1J'],
    ['DECSED 1', '\x1b[?1J'],
  ])('%s with the cursor in the bottom-right corner, no scrollback yet: the screen is erased, nothing throws', async (_name, seq) => {
    const t = new PaneTerminal({ cols: 10, rows: 3, scrollback: 100 });
    const thrown: unknown[] = [];
    const onError = (e: unknown): void => void thrown.push(e);
    process.on('uncaughtException', onError);
    try {
      await written(t, `one\r\ntwo\r\nthree\x1b[3;10H${seq}after`);
      await t.flush();
      expect(thrown).toEqual([]);
      // Everything up to and including the corner is gone; 'after' starts in the corner and wraps (one scroll).
      expect([0, 1, 2].map((r) => t.rowText(r))).toEqual(['', '         a', 'fter']);
    } finally {
      process.off('uncaughtException', onError);
      t.dispose();
    }
  });

  test('ED 1 elsewhere is still xterm\'s own (erases from the top to the cursor only)', async () => {
    const t = new PaneTerminal({ cols: 10, rows: 3, scrollback: 100 });
    await written(t, 'one\r\ntwo\r\nthree\x1b[2;2H\x1b[1J');
    expect([0, 1, 2].map((r) => t.rowText(r))).toEqual(['', '  o', 'three']);
    t.dispose();
  });
});
