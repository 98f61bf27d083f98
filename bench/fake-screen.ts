/** A blessed screen on a fake TTY that counts the bytes blessed writes (painting benchmarks). */
import blessed, { type Widgets } from 'blessed';
import { PassThrough, Writable } from 'node:stream';

export function fakeScreen(columns: number, rows: number): { screen: Widgets.Screen; bytes: () => number } {
  let n = 0;
  const out = new Writable({
    write(c: Buffer, _e, cb) {
      n += c.length;
      cb();
    },
  }) as Writable & { columns: number; rows: number; isTTY: boolean };
  out.columns = columns;
  out.rows = rows;
  out.isTTY = true;
  const screen = blessed.screen({
    input: new PassThrough(), output: out, terminal: 'xterm-256color', fullUnicode: true, warnings: false,
  } as unknown as Widgets.IScreenOptions);
  return { screen, bytes: () => n };
}
