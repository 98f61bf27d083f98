/**
 * Panes: list them with everything needed to restore their screen, pipe their output to a
 * command, restart their program.
 */
import type { TmuxRunner } from '../exec';
import { formatLiteral } from '../quote';
import { fieldsFormat, int, splitRow } from './fields';
import { envArgs, shellCommandArgs } from './program';

export interface PaneInfo {
  sessionId: string;
  windowId: string;
  id: string;
  pid: number;
  currentCommand: string;
  width: number;
  height: number;
  dead: boolean;
  /** Exit status; null while tmux has not reaped the process, after a signal, and sometimes never (tmux < 3.4 can lose it). */
  deadStatus: number | null;
  /** The signal that killed it (tmux ≥ 3.3; always null on 3.2). */
  deadSignal: number | null;
  active: boolean;
  inMode: boolean;
  historySize: number;
  cursorX: number;
  cursorY: number;
  cursorVisible: boolean;
  alternateOn: boolean;
  alternateSavedX: number;
  alternateSavedY: number;
  activity: number;
  /** Terminal modes of the pane's current screen, for restoring it into an emulator. */
  modes: PaneModes;
}

export interface PaneModes {
  insert: boolean;
  keypadCursor: boolean;
  keypad: boolean;
  wrap: boolean;
  origin: boolean;
  /** Scroll region, 0-based inclusive rows. */
  scrollRegionUpper: number;
  scrollRegionLower: number;
  mouseStandard: boolean;
  mouseButton: boolean;
  mouseAny: boolean;
  mouseSgr: boolean;
  mouseUtf8: boolean;
}

const PANE_FIELDS = [
  'session_id', 'window_id', 'pane_id', 'pane_pid', 'pane_width', 'pane_height', 'pane_dead', 'pane_dead_status',
  'pane_active', 'pane_in_mode', 'history_size', 'cursor_x', 'cursor_y', 'cursor_flag', 'alternate_on',
  'alternate_saved_x', 'alternate_saved_y', 'window_activity',
  'insert_flag', 'keypad_cursor_flag', 'keypad_flag', 'wrap_flag', 'origin_flag', 'scroll_region_upper', 'scroll_region_lower',
  'mouse_standard_flag', 'mouse_button_flag', 'mouse_any_flag', 'mouse_sgr_flag', 'mouse_utf8_flag', 'pane_dead_signal',
  // last: free text takes the rest of the row
  'pane_current_command',
];

function parsePane(l: string): PaneInfo {
  const p = splitRow(l, PANE_FIELDS.length);
  return {
    sessionId: p[0]!, windowId: p[1]!, id: p[2]!, pid: int(p[3]), width: int(p[4]), height: int(p[5]),
    dead: p[6] === '1', deadStatus: p[7] === '' ? null : int(p[7]), active: p[8] === '1', inMode: p[9] === '1',
    historySize: int(p[10]), cursorX: int(p[11]), cursorY: int(p[12]), cursorVisible: p[13] !== '0',
    alternateOn: p[14] === '1', alternateSavedX: int(p[15]), alternateSavedY: int(p[16]), activity: int(p[17]),
    modes: {
      insert: p[18] === '1', keypadCursor: p[19] === '1', keypad: p[20] === '1', wrap: p[21] !== '0', origin: p[22] === '1',
      scrollRegionUpper: int(p[23]), scrollRegionLower: int(p[24]), mouseStandard: p[25] === '1', mouseButton: p[26] === '1',
      mouseAny: p[27] === '1', mouseSgr: p[28] === '1', mouseUtf8: p[29] === '1',
    },
    deadSignal: p[6] === '1' && p[30] !== '' ? int(p[30]) : null,
    currentCommand: p[31]!,
  };
}

/** Panes of a target (`%P`, `@W`, or with `session` every pane of a session), or of the whole server. */
export async function listPanes(r: TmuxRunner, scope: { all: true } | { session: string } | { target: string }): Promise<PaneInfo[]> {
  const args = ['list-panes', '-F', fieldsFormat(PANE_FIELDS)];
  if ('all' in scope) args.push('-a');
  else if ('session' in scope) args.push('-s', '-t', scope.session);
  else args.push('-t', scope.target);
  const lines = await r.run(args);
  return lines.filter((l) => l.startsWith('$')).map(parsePane);
}

/** Pipe the pane's output to a shell command (`-o`: only if not already piped). Empty command stops it. */
export async function pipePane(r: TmuxRunner, pane: string, shellCommand: string | null, onlyIfNotPiped = true): Promise<void> {
  const args = ['pipe-pane', '-t', pane];
  if (shellCommand && onlyIfNotPiped) args.push('-o');
  if (shellCommand) args.push(formatLiteral(shellCommand));
  await r.run(args);
}

/** Restart a pane's program (after it died), keeping the pane. */
export async function respawnPane(r: TmuxRunner, pane: string, o: { command: readonly string[]; cwd?: string; env?: Record<string, string> }): Promise<void> {
  const args = ['respawn-pane', '-k', '-t', pane];
  if (o.cwd !== undefined) args.push('-c', formatLiteral(o.cwd));
  args.push(...envArgs(o.env));
  args.push('--', ...shellCommandArgs(o.command));
  await r.run(args);
}
