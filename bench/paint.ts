/**
 * Pane painting benchmark: ms per 200×50 frame for copying emulator cells into blessed's
 * screen cells (PaneView's element render), and for a full `screen.render()` on a fake TTY
 * when the content scrolls by one line every frame.
 *   npx tsc -p tsconfig.json && node dist/bench/paint.js
 */
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { PaneView } from '../lib/ui/pane-view';
import { fakeScreen } from './fake-screen';
import { median, printTable, writeResults, type Figure } from './report';

const COLS = 200;
const ROWS = 50;
const FRAMES = 200;

const PAYLOADS: Record<string, (i: number) => string> = {
  ascii: (i) => `line ${i} ` + 'the quick brown fox jumps over the lazy dog '.repeat(4),
  sgr: (i) => `\x1b[1;31m${i}\x1b[0m \x1b[38;5;208mwarn\x1b[0m \x1b[38;2;10;200;30mrgb\x1b[4m under\x1b[0m ` + '\x1b[32m+\x1b[0m code(x) '.repeat(12),
  utf8: (i) => `${i} 漢字かな 🚀✅ é ü ` + '中文 emoji 👍 '.repeat(10),
};

async function run(): Promise<void> {
  const figures: Figure[] = [];
  for (const [name, line] of Object.entries(PAYLOADS)) {
    const { screen, bytes } = fakeScreen(COLS + 2, ROWS + 2);
    const term = new PaneTerminal({ cols: COLS, rows: ROWS, scrollback: 1000 });
    const view = new PaneView(screen, { parent: screen, left: 0, top: 0, width: COLS + 2, height: ROWS + 2, border: 'line', terminal: term });
    for (let i = 0; i < ROWS * 2; i++) term.write(line(i) + '\r\n');
    await term.flush();
    screen.render();
    const copy: number[] = [];
    const full: number[] = [];
    const before = bytes();
    for (let f = 0; f < FRAMES; f++) {
      term.write(line(ROWS * 2 + f) + '\r\n');
      await term.flush();
      let t0 = performance.now();
      view.box.render();
      copy.push(performance.now() - t0);
      t0 = performance.now();
      screen.render();
      full.push(performance.now() - t0);
    }
    await new Promise((r) => setTimeout(r, 10));
    const kib = (bytes() - before) / FRAMES / 1024;
    figures.push(
      { name: `paint ${name}: element render with cell copy`, value: median(copy), unit: 'ms/frame', min: Math.min(...copy), max: Math.max(...copy), reference: '0.21–0.31 ms copy (ecosystem.md §2.3)' },
      { name: `paint ${name}: full screen.render()`, value: median(full), unit: 'ms/frame', min: Math.min(...full), max: Math.max(...full), reference: '1.9–2.8 ms (ecosystem.md §2.3)', note: `${kib.toFixed(1)} KiB out per frame` },
    );
    screen.destroy();
    term.dispose();
  }
  printTable(`pane painting, ${COLS}x${ROWS}, ${FRAMES} frames (one new line per frame)`, figures);
  writeResults('paint', figures);
}

run().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
