/**
 * Rebuild a pane's screen in a fresh emulator from tmux's own record of it
 * (docs/tmux-control-mode.md §9.2): history + visible screen, the primary screen saved
 * behind an alternate-screen app, cursor position and visibility, and terminal modes.
 *
 * `restoreStream` is pure (state + captures → bytes); `restorePane` fetches the captures
 * through lib/control's command wrappers and applies them.
 */
import type { TmuxRunner } from '../control/exec';
import { capturePane, capturePending, listPanes, type PaneInfo, type PaneModes } from '../control/commands';
import { PaneTerminal } from './pane-terminal';
import { SgrState } from './sgr-state';
import { plainText, stripPadding, wrapsFromJoined } from './capture-rows';
import { dropVs16Phantoms, type TmuxWidthRules } from './tmux-widths';

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

// ---------------------------------------------------------------- fetching from tmux

export function restoreStateOf(p: PaneInfo): RestoreState {
  return {
    width: p.width, height: p.height, cursorX: p.cursorX, cursorY: p.cursorY, cursorVisible: p.cursorVisible,
    alternateOn: p.alternateOn, alternateSavedX: p.alternateSavedX, alternateSavedY: p.alternateSavedY, modes: p.modes,
  };
}

export interface RestoreResult {
  pane: PaneInfo;
  /** History rows requested from tmux (at most the emulator's scrollback). */
  historyRows: number;
  /**
   * With a runner that reports it (the control client's `commandAt`): the output sequence
   * number when the main capture's reply closed. Output numbered up to it is already in the
   * capture; apply only later output (see OutputGate).
   */
  outputSeq: number | null;
}

/** A runner that can tell where a reply falls in the output stream (ControlClient). */
export interface SequencedRunner extends TmuxRunner {
  commandAt(args: readonly string[]): Promise<{ lines: string[]; outputSeq: number }>;
}

function isSequenced(r: TmuxRunner): r is SequencedRunner {
  return typeof (r as Partial<SequencedRunner>).commandAt === 'function';
}

/** A runner that remembers the output sequence of its (single) command's reply. */
function sequenceRecorder(r: TmuxRunner): { runner: TmuxRunner; seq: () => number | null } {
  let seq: number | null = null;
  if (!isSequenced(r)) return { runner: r, seq: () => null };
  return {
    runner: {
      run: async (args) => {
        const res = await r.commandAt(args);
        seq = res.outputSeq;
        return res.lines;
      },
    },
    seq: () => seq,
  };
}

interface Snapshot {
  pane: PaneInfo;
  main: string[];
  /** Plain `-J` capture of the same rows: where they wrap. */
  joined: string[];
  saved: string[];
  pending: Buffer;
  outputSeq: number | null;
}

/**
 * State and captures in one go: sent together, tmux runs them back to back, so no pane
 * output lands between them.
 */
async function snapshot(r: TmuxRunner, paneId: string, historyRows: number): Promise<Snapshot> {
  const main = sequenceRecorder(r);
  // -S beyond the start of history is clamped by tmux.
  const range = { start: historyRows > 0 ? -historyRows : 0, end: '-' } as const;
  const [panes, lines, joined, saved, pending] = await Promise.all([
    listPanes(r, { target: paneId }),
    capturePane(main.runner, paneId, { escapes: true, trailingSpaces: true, ...range }),
    capturePane(r, paneId, { join: true, ...range }),
    capturePane(r, paneId, { alternate: true, quiet: true, escapes: true, trailingSpaces: true }),
    capturePending(r, paneId),
  ]);
  const pane = panes[0];
  if (!pane) throw new Error(`pane ${paneId} not found`);
  return { pane, main: lines, joined, saved, pending, outputSeq: main.seq() };
}

/**
 * Replace `term`'s content with the pane as tmux has it. Pane output that arrives meanwhile
 * must be held back and applied afterwards (OutputGate does that using `outputSeq`).
 */
export async function restorePane(r: TmuxRunner, paneId: string, term: PaneTerminal, scrollback: number): Promise<RestoreResult> {
  const historyRows = Math.max(0, Math.floor(scrollback));
  const snap = await snapshot(r, paneId, historyRows);
  const { pane } = snap;
  term.reset();
  term.resize(pane.width, pane.height);
  term.write(snapshotStream(term, snap));
  await term.flush();
  return { pane, historyRows: Math.min(historyRows, pane.historySize), outputSeq: snap.outputSeq };
}

function snapshotStream(term: PaneTerminal, snap: Snapshot): Buffer {
  const rows = (lines: string[]): string[] => (term.widths.vs16Phantom ? lines.map((l) => dropVs16Phantoms(l)) : lines);
  return restoreStream(restoreStateOf(snap.pane), {
    main: rows(snap.main),
    wraps: wrapsFromJoined(snap.main.map(plainText), snap.joined),
    saved: snap.pane.alternateOn ? rows(snap.saved) : undefined,
    pending: snap.pending,
  });
}

/** Full reset (RIS) as the first bytes of a frame: reset and content are parsed as one write. */
const RIS = Buffer.from('\x1bc', 'latin1');

/**
 * One frame of a pane whose output is paused for us (a throttled flood, PaneThrottle): its
 * screen as tmux has it, without history, drawn over the emulator in ONE write (so no blank
 * screen is ever painted between a reset and the content). Resolves the pane and its rows as
 * captured (with colours), to tell how much changed since the last frame.
 */
export async function redrawPane(r: TmuxRunner, paneId: string, term: PaneTerminal): Promise<{ pane: PaneInfo; screen: string[] }> {
  const snap = await snapshot(r, paneId, 0);
  const { pane } = snap;
  term.resize(pane.width, pane.height);
  term.write(Buffer.concat([RIS, snapshotStream(term, snap)]));
  return { pane, screen: snap.main };
}

/**
 * Older history than the emulator keeps, read from tmux: `count` lines starting at tmux line
 * `fromLine` (negative = history; -1 is the newest history line), with colours.
 */
export async function captureHistory(r: TmuxRunner, paneId: string, fromLine: number, count: number): Promise<string[]> {
  const start = Math.floor(fromLine);
  const n = Math.max(0, Math.floor(count));
  if (n === 0) return [];
  return capturePane(r, paneId, { escapes: true, trailingSpaces: true, start, end: start + n - 1 });
}

/**
 * Older history lines (from `captureHistory`) rendered into their own emulator, one row per
 * line, for the pane view to show above the live emulator's scrollback.
 */
export async function historyTerminal(lines: readonly string[], cols: number, widths?: TmuxWidthRules): Promise<PaneTerminal> {
  const rows = lines.slice(-MAX_HISTORY_ROWS);
  const t = new PaneTerminal({ cols, rows: Math.max(1, rows.length), scrollback: 0, widths });
  t.write(linesStream(rows));
  await t.flush();
  return t;
}

const MAX_HISTORY_ROWS = 10000;
