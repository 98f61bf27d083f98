/**
 * Turning `capture-pane` rows into what the emulator should get, the same on every tmux from
 * 3.2 to 3.7 (docs/tmux-control-mode.md §15):
 *
 * - Rows come unjoined with -N: without -J, tmux ≥ 3.4 returns every cell of the row, also
 *   cells that only carry a background colour (a line erased or scrolled in under `ESC[41m`);
 *   `-J` stops at the last written cell there (3.4 CHANGES: "-T … default to off unless -J").
 * - tmux pads such rows with default cells (3.2: to the pane width, also with -J; ≥ 3.4: to
 *   the row's allocated size). Written into the emulator they would be written spaces where
 *   tmux has empty cells, so trailing spaces with default attributes are dropped.
 * - Which rows wrap into the next one (the emulator keeps that flag, and reflows on resize as
 *   tmux does) comes from a second, plain `-J` capture of the same range, matched row by row.
 */
import { SgrState } from './sgr-state';

/** SGR sequences and OSC 8 hyperlinks: the only escapes a `capture-pane -e` row contains. */
const ESCAPES = /\x1b\[[0-9;:]*m|\x1b\]8;[^\x07\x1b]*(?:\x1b\\|\x07)/g;

/** A `-e` row without its escape sequences (the row's cell text). */
export function plainText(row: string): string {
  return row.includes('\x1b') ? row.replace(ESCAPES, '') : row;
}

/** Drop trailing spaces drawn with default attributes (tmux's padding); escapes stay. */
export function stripPadding(row: string): string {
  if (!/ (?:\x1b[^ ]*)?$/.test(row)) return row;
  const sgr = new SgrState();
  let keepEnd = 0;
  const tail: string[] = [];
  let at = 0;
  const text = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      if (row[i] === ' ' && sgr.isDefault) continue;
      keepEnd = i + 1;
      tail.length = 0;
    }
  };
  ESCAPES.lastIndex = 0;
  for (let m = ESCAPES.exec(row); m; m = ESCAPES.exec(row)) {
    text(at, m.index);
    sgr.feed(m[0]);
    tail.push(m[0]);
    at = m.index + m[0].length;
  }
  text(at, row.length);
  // Escapes after the last kept character still set the state the next row starts with.
  return row.slice(0, keepEnd) + tail.join('');
}

/**
 * For each unjoined row (plain text, as `-N` gives it), whether it wraps into the next row,
 * from the joined (`-J`, plain) capture of the same range. null when the two do not line up
 * (the pane changed between them, or a row tmux flagged wrapped has no text after it): then
 * every row is treated as ending its line, which loses only the wrap flags.
 */
export function wrapsFromJoined(rows: readonly string[], joined: readonly string[]): boolean[] | null {
  const wraps = new Array<boolean>(rows.length).fill(false);
  let r = 0;
  for (const line of joined) {
    let rest = line;
    for (;;) {
      const row = rows[r];
      if (row === undefined) return null;
      if (row.startsWith(rest)) {
        // The last row of this line (tmux ≥ 3.4's -N row may have more cells than -J gives).
        r++;
        break;
      }
      // A wrapped row: all of it is in the joined line. A wide character that did not fit at
      // the end left one blank cell that -J skips (tmux ≥ 3.4).
      const used = rest.startsWith(row) ? row.length : row.endsWith(' ') && rest.startsWith(row.slice(0, -1)) ? row.length - 1 : -1;
      if (used <= 0) return null;
      wraps[r] = true;
      rest = rest.slice(used);
      r++;
    }
  }
  return r === rows.length ? wraps : null;
}
