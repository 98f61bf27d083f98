/**
 * Pane painter benchmark (issue 15.1): µs per update for PanePainter (only changed cells)
 * against blessed painting the same pane (PaneView's cell copy + screen.render(), as
 * bench/paint.ts), for an echo (one character typed at a prompt), a line scrolling in, and a
 * full repaint; plus bytes written per update. Asserts nothing.
 *   npx tsc -p tsconfig.json && node dist/bench/painter.js
 */
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { PaneDamage } from '../lib/terminal/damage';
import { PanePainter } from '../lib/terminal/painter';
import { PaneView } from '../lib/ui/pane-view';
import { fakeScreen } from './fake-screen';
import { median, printTable, writeResults, type Figure } from './report';

const COLS = 200;
const ROWS = 50;
const UPDATES = 300;

const line = (i: number): string =>
  `\x1b[1;31m${i}\x1b[0m \x1b[38;5;208mwarn\x1b[0m 漢字 🚀 \x1b[38;2;10;200;30mrgb\x1b[4m under\x1b[0m ` + '\x1b[32m+\x1b[0m code(x) '.repeat(12);

/** What one update writes into the pane: an echoed key, or a new line scrolling the screen. */
const UPDATE: Record<string, (i: number) => string> = {
  echo: (i) => String.fromCharCode(97 + (i % 26)),
  'line scroll': (i) => '\r\n' + line(i),
};

interface Sample {
  painter: number[];
  painterBytes: number;
  blessed: number[];
  blessedBytes: number;
}

async function measure(update: (i: number) => string, full: boolean): Promise<Sample> {
  const { screen, bytes } = fakeScreen(COLS + 2, ROWS + 2);
  const term = new PaneTerminal({ cols: COLS, rows: ROWS, scrollback: 1000 });
  const view = new PaneView(screen, { parent: screen, left: 0, top: 0, width: COLS + 2, height: ROWS + 2, border: 'line', terminal: term });
  const painter = new PanePainter();
  const damage = new PaneDamage(term.term);
  const region = { x: 1, y: 1, w: COLS, h: ROWS };
  for (let i = 0; i < ROWS * 2; i++) term.write(line(i) + '\r\n');
  term.write('$ ');
  await term.flush();
  screen.render();
  painter.paint(term.term, region, damage.take());
  const s: Sample = { painter: [], painterBytes: 0, blessed: [], blessedBytes: 0 };
  for (let u = 0; u < UPDATES; u++) {
    term.write(update(u));
    await term.flush();
    if (full) painter.invalidate();
    let t0 = performance.now();
    const out = painter.paint(term.term, region, damage.take()) + painter.cursor(term.term, region);
    s.painter.push((performance.now() - t0) * 1000);
    s.painterBytes += Buffer.byteLength(out);
    const b0 = bytes();
    t0 = performance.now();
    view.box.render();
    screen.render();
    s.blessed.push((performance.now() - t0) * 1000);
    await new Promise((r) => setImmediate(r));
    s.blessedBytes += bytes() - b0;
  }
  screen.destroy();
  damage.dispose();
  term.dispose();
  return s;
}

async function run(): Promise<void> {
  const figures: Figure[] = [];
  const cases: Array<[string, (i: number) => string, boolean]> = [
    ['echo', UPDATE.echo!, false],
    ['line scroll', UPDATE['line scroll']!, false],
    ['full repaint', UPDATE['line scroll']!, true],
  ];
  for (const [name, update, full] of cases) {
    const s = await measure(update, full);
    const p = median(s.painter);
    const b = median(s.blessed);
    figures.push({
      name: `painter ${name}`, value: Math.round(p), unit: 'µs/update', min: Math.round(Math.min(...s.painter)), max: Math.round(Math.max(...s.painter)),
      reference: `blessed cell copy + screen.render(): ${Math.round(b)} µs (${(b / p).toFixed(1)}×); bytes out ${(s.painterBytes / UPDATES).toFixed(0)} vs ${(s.blessedBytes / UPDATES).toFixed(0)}`,
    });
  }
  printTable(`pane painter, ${COLS}x${ROWS} pane, ${UPDATES} updates`, figures);
  writeResults('painter', figures);
}

run().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
