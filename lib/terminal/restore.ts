/**
 * Rebuild a pane's screen in a fresh emulator from tmux's own record of it
 * (docs/tmux-control-mode.md §9.2). `restorePane` fetches the captures through lib/control's
 * command wrappers and applies the bytes `restoreStream` (restore-stream.ts) makes of them;
 * also a throttled pane's frame (`redrawPane`) and older history for scroll mode.
 */
import type { TmuxRunner } from '../control/exec';
import { capturePane, capturePending, listPanes, type PaneInfo } from '../control/commands';
import { PaneTerminal } from './pane-terminal';
import { plainText, wrapsFromJoined } from './capture-rows';
import { dropVs16Phantoms, type TmuxWidthRules } from './tmux-widths';
import { linesStream, restoreStream, type RestoreState } from './restore-stream';

export { linesStream, restoreStream, type RestoreCaptures, type RestoreState } from './restore-stream';

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
