/**
 * The bytes that rebuild a pane's screen in a fresh emulator from tmux's own record of it
 * (docs/tmux-control-mode.md §9.2): history + visible screen, the primary screen saved behind an
 * alternate-screen app, cursor position and visibility, and terminal modes. Pure: state +
 * captures → bytes; restore.ts fetches the captures and applies them.
 */
import type { PaneInfo, PaneModes } from '../control/commands';
import { SgrState } from './sgr-state';
import { stripPadding } from './capture-rows';

/** The pane state a restore needs (a subset of `listPanes`' PaneInfo, modes optional). */
export type RestoreState = Pick<
  PaneInfo,
  'width' | 'height' | 'cursorX' | 'cursorY' | 'cursorVisible' | 'alternateOn' | 'alternateSavedX' | 'alternateSavedY'
> & { modes?: Partial<PaneModes> };

export interface RestoreCaptures {
  /**
   * `capture-pane -p -e -N -S -<n> -E -`: history rows then the current screen (the
   * alternate one while `alternateOn`), one line per row (never -J: see capture-rows.ts).
   */
  main: readonly string[];
  /** Per row of `main`: it wraps into the next row (from `wrapsFromJoined`); absent = none. */
  wraps?: readonly boolean[] | null;
  /** `capture-pane -p -a -q -e -N`: the primary screen saved behind the alternate one. */
  saved?: readonly string[];
  /** Bytes of an unfinished escape sequence (`capture-pane -P -C`, decoded). */
  pending?: Uint8Array;
}

const CSI = '\x1b[';

/**
 * Writes capture lines as one continuous stream. The emulator fills rows that scroll in (a
 * line feed, or an autowrap at the bottom) with the current background colour, tmux's grid
 * has default cells there; so every line ends with defaults + erase-to-end-of-row, and the
 * carried SGR state (tmux does not reset it at line ends) is re-applied at the next line.
 * At a pending wrap (text filled the row) the erase touches nothing.
 */
class LineWriter {
  private out = '';
  private readonly sgr = new SgrState();
  private rows = 0;

  /**
   * `wraps[i]`: row i continues on the next row. It is written without a line break (and
   * without the reset: the emulator's state is still tmux's), so the emulator wraps it itself
   * and flags the next row as a soft wrap, reflowed on resize as tmux does.
   */
  lines(lines: readonly string[], wraps?: readonly boolean[] | null): void {
    let continued = false;
    lines.forEach((l, i) => {
      const wrapping = wraps?.[i] === true && i < lines.length - 1;
      if (!continued) {
        if (this.rows > 0) this.out += '\r\n';
        this.out += this.sgr.sequence();
      }
      this.out += wrapping ? l : stripPadding(l) + `${CSI}0m${CSI}K`;
      this.sgr.feed(l);
      continued = wrapping;
      this.rows++;
    });
  }

  /** Break to a fresh row (between separate captures), with default attributes. */
  breakLine(): void {
    if (this.rows > 0) this.out += '\r\n';
    this.startBlock();
  }

  /** The next line starts where the cursor is, with default attributes. */
  startBlock(): void {
    this.resetSgr();
    this.rows = 0;
  }

  resetSgr(): void {
    this.out += `${CSI}0m`;
    this.sgr.feed(`${CSI}0m`);
  }

  raw(s: string): void {
    this.out += s;
  }

  text(): string {
    return this.out;
  }
}

/** Capture lines (one continuous `-e` stream) as bytes that put them on consecutive rows. */
export function linesStream(lines: readonly string[]): string {
  const w = new LineWriter();
  w.resetSgr();
  w.lines(lines);
  w.resetSgr();
  return w.text();
}

/** The bytes to write into a reset emulator of exactly `width x height`. */
export function restoreStream(state: RestoreState, cap: RestoreCaptures): Buffer {
  const w = new LineWriter();
  const height = Math.max(1, state.height);
  w.raw(`${CSI}0m${CSI}H`);
  if (!state.alternateOn) {
    w.lines(cap.main, cap.wraps);
  } else {
    // One line per row: the last `height` rows are the alternate screen, the rest history.
    const main = cap.main;
    const split = Math.max(0, main.length - height);
    const history = main.slice(0, split);
    const screen = main.slice(split);
    w.lines(history, cap.wraps?.slice(0, split));
    // The primary screen follows the history, exactly `height` rows.
    const saved = fitRows(cap.saved ?? [], height);
    w.breakLine();
    w.lines(saved);
    w.resetSgr();
    w.raw(cup(state.alternateSavedY, state.alternateSavedX, height, state.width));
    // ?1049h saves that cursor and clears the alternate screen with the current (default) colours.
    w.raw(`${CSI}?1049h${CSI}H`);
    w.startBlock();
    // The alternate screen has no scrollback: never write more rows than it has.
    w.lines(screen.slice(-height), cap.wraps?.slice(split).slice(-height));
  }
  w.resetSgr();
  w.raw(modesAndCursor(state, height));
  const head = Buffer.from(w.text(), 'utf8');
  return cap.pending && cap.pending.length > 0 ? Buffer.concat([head, cap.pending]) : head;
}

/** Exactly n rows: extra rows at the top are dropped, missing ones added blank at the bottom. */
function fitRows(lines: readonly string[], n: number): string[] {
  const rows = lines.slice(-n);
  while (rows.length < n) rows.push('');
  return rows;
}

function cup(y: number, x: number, height: number, width: number): string {
  const row = clamp(y, 0, height - 1) + 1;
  const col = clamp(x, 0, Math.max(0, width - 1)) + 1;
  return `${CSI}${row};${col}H`;
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.max(lo, Math.min(hi, Math.floor(n))) : lo;
}

/** Modes after the content (content needs autowrap and replace mode), cursor last. */
function modesAndCursor(state: RestoreState, height: number): string {
  const m = state.modes ?? {};
  let s = '';
  const upper = m.scrollRegionUpper ?? 0;
  const lower = m.scrollRegionLower ?? height - 1;
  const region = upper > 0 || lower < height - 1;
  if (region && lower > upper) s += `${CSI}${upper + 1};${lower + 1}r`;
  if (m.keypadCursor) s += `${CSI}?1h`;
  if (m.keypad) s += '\x1b=';
  if (m.wrap === false) s += `${CSI}?7l`;
  if (m.insert) s += `${CSI}4h`;
  if (m.mouseStandard) s += `${CSI}?1000h`;
  if (m.mouseButton) s += `${CSI}?1002h`;
  if (m.mouseAny) s += `${CSI}?1003h`;
  if (m.mouseUtf8) s += `${CSI}?1005h`;
  if (m.mouseSgr) s += `${CSI}?1006h`;
  if (m.origin && region && lower > upper) {
    // Origin mode makes cursor addressing relative to the scroll region.
    s += `${CSI}?6h${cup(state.cursorY - upper, state.cursorX, lower - upper + 1, state.width)}`;
  } else {
    s += cup(state.cursorY, state.cursorX, height, state.width);
  }
  if (!state.cursorVisible) s += `${CSI}?25l`;
  return s;
}
