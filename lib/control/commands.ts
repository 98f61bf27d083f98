/**
 * Typed wrappers for the tmux commands chatmux uses. Each builds argv (verb first),
 * marks format-expanded arguments with `formatLiteral`, and parses the reply.
 * They run on any `TmuxRunner`: the control client or one-shot `TmuxCli` calls.
 * Targets are always ids (`$S`, `@W`, `%P`) or exact names (`=name`).
 */
import type { TmuxRunner } from './exec';
import { argvArg, formatLiteral, TmuxArgumentError } from './quote';
import { unescapeOutput } from './parser';
import { serverArgs, tmuxEnv, type TmuxServerOptions } from './server';

const SEP = '\t';

/** Build a -F format from fields; tab-separated so spaces in values survive. */
export function fieldsFormat(fields: readonly string[]): string {
  return fields.map((f) => `#{${f}}`).join(SEP);
}

function splitRow(line: string, n: number): string[] {
  const parts = line.split(SEP);
  // The last field takes the rest (a value could contain our separator).
  if (parts.length > n) parts.splice(n - 1, parts.length - n + 1, parts.slice(n - 1).join(SEP));
  while (parts.length < n) parts.push('');
  return parts;
}

const int = (s: string | undefined): number => {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : 0;
};

/** A shell command for tmux: several arguments run directly; a single one through `sh -c`, so quote it. */
export function shellCommandArgs(argv: readonly string[]): string[] {
  if (argv.length === 0) return [];
  if (argv.length > 1) return [...argv];
  return [shellQuote(argv[0]!)];
}

/** POSIX sh single-quoting (for the one-argument case above and pipe-pane). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkEnvName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TmuxArgumentError(`not an environment variable name: ${JSON.stringify(name)}`);
}

// ---------------------------------------------------------------- sessions

export interface NewSessionOptions {
  name: string;
  cwd?: string;
  /** Passed with -e: the only way a secret reaches the session. */
  env?: Record<string, string>;
  width?: number;
  height?: number;
  windowName?: string;
  /** argv of the program to run (default: the default shell). */
  command?: readonly string[];
}

export interface CreatedPane {
  sessionId: string;
  sessionName: string;
  windowId: string;
  paneId: string;
  panePid: number;
}

export async function newSession(r: TmuxRunner, o: NewSessionOptions): Promise<CreatedPane> {
  const args = ['new-session', '-d', '-P', '-F', fieldsFormat(['session_id', 'window_id', 'pane_id', 'pane_pid', 'window_width', 'window_height', 'session_name'])];
  args.push('-s', formatLiteral(o.name));
  if (o.windowName !== undefined) args.push('-n', formatLiteral(o.windowName));
  if (o.cwd !== undefined) args.push('-c', formatLiteral(o.cwd));
  if (o.width !== undefined) args.push('-x', String(o.width));
  if (o.height !== undefined) args.push('-y', String(o.height));
  for (const [k, v] of Object.entries(o.env ?? {})) {
    checkEnvName(k);
    args.push('-e', `${k}=${v}`);
  }
  if (o.command && o.command.length > 0) args.push('--', ...shellCommandArgs(o.command));
  const lines = await r.run(args);
  const [sessionId, windowId, paneId, pid, width, height, sessionName] = splitRow(lines[0] ?? '', 7);
  const created = { sessionId: sessionId!, windowId: windowId!, paneId: paneId!, panePid: int(pid), sessionName: sessionName! };
  const wantW = o.width ?? int(width);
  const wantH = o.height ?? int(height);
  if (wantW !== int(width) || wantH !== int(height)) await forceWindowSize(r, created.windowId, wantW, wantH);
  return created;
}

/**
 * tmux 3.2 gives a detached session's window the size of the client that ran new-session
 * (80x24 for a one-shot client) under `window-size latest`, ignoring -x/-y (fixed in 3.3).
 * resize-window sets the size but also the window's window-size to manual; unsetting that
 * again lets the window follow its clients (the UI's view) as before.
 */
async function forceWindowSize(r: TmuxRunner, windowId: string, width: number, height: number): Promise<void> {
  await resizeWindow(r, windowId, width, height);
  await r.run(['set-option', '-q', '-w', '-u', '-t', windowId, 'window-size']);
}

/** `resize-window`: this size whatever clients view it (tmux sets the window's window-size to manual). */
export async function resizeWindow(r: TmuxRunner, windowId: string, width: number, height: number): Promise<void> {
  await r.run(['resize-window', '-t', windowId, '-x', String(Math.max(1, Math.floor(width))), '-y', String(Math.max(1, Math.floor(height)))]);
}

export async function killSession(r: TmuxRunner, target: string): Promise<void> {
  await r.run(['kill-session', '-t', target]);
}

export async function hasSession(r: TmuxRunner, target: string): Promise<boolean> {
  // list-sessions rather than has-session: has-session's failure is indistinguishable from a dead server.
  const sessions = await listSessions(r);
  if (target.startsWith('=')) return sessions.some((s) => s.name === target.slice(1));
  if (target.startsWith('$')) return sessions.some((s) => s.id === target);
  throw new TmuxArgumentError('hasSession wants $id or =name');
}

export interface SessionInfo {
  id: string;
  name: string;
  created: number;
  activity: number;
  attached: number;
  windows: number;
  /** Requested user options (`@name` → value, '' when unset). */
  options: Record<string, string>;
}

const SESSION_FIELDS = ['session_id', 'session_name', 'session_created', 'session_activity', 'session_attached', 'session_windows'];

export async function listSessions(r: TmuxRunner, userOptions: readonly string[] = []): Promise<SessionInfo[]> {
  const fields = [...SESSION_FIELDS, ...userOptions];
  const lines = await r.run(['list-sessions', '-F', fieldsFormat(fields)]);
  return lines.filter((l) => l.startsWith('$')).map((l) => {
    const p = splitRow(l, fields.length);
    const options: Record<string, string> = {};
    userOptions.forEach((o, i) => (options[o] = p[SESSION_FIELDS.length + i]!));
    return { id: p[0]!, name: p[1]!, created: int(p[2]), activity: int(p[3]), attached: int(p[4]), windows: int(p[5]), options };
  });
}

// ---------------------------------------------------------------- windows

export interface WindowInfo {
  sessionId: string;
  id: string;
  index: number;
  name: string;
  width: number;
  height: number;
  layout: string;
  linkedSessions: number;
  active: boolean;
}

const WINDOW_FIELDS = ['session_id', 'window_id', 'window_index', 'window_width', 'window_height', 'window_layout', 'window_linked_sessions', 'window_active', 'window_name'];

/** Windows of one session (`target`), or of every session. */
export async function listWindows(r: TmuxRunner, target?: string): Promise<WindowInfo[]> {
  const args = ['list-windows', '-F', fieldsFormat(WINDOW_FIELDS)];
  if (target) args.push('-t', target);
  else args.push('-a');
  const lines = await r.run(args);
  return lines.filter((l) => l.startsWith('$')).map((l) => {
    const p = splitRow(l, WINDOW_FIELDS.length);
    return {
      sessionId: p[0]!, id: p[1]!, index: int(p[2]), width: int(p[3]), height: int(p[4]), layout: p[5]!,
      linkedSessions: int(p[6]), active: p[7] === '1', name: p[8]!,
    };
  });
}

export async function killWindow(r: TmuxRunner, target: string): Promise<void> {
  await r.run(['kill-window', '-t', target]);
}

/** Link a window into another session without switching to it. */
export async function linkWindow(r: TmuxRunner, windowId: string, intoSession: string): Promise<void> {
  await r.run(['link-window', '-d', '-s', windowId, '-t', `${intoSession}:`]);
}

/** Remove one link of a window (`session` is the session it is unlinked from). */
export async function unlinkWindow(r: TmuxRunner, session: string, windowId: string): Promise<void> {
  await r.run(['unlink-window', '-t', `${session}:${windowId}`]);
}

// ---------------------------------------------------------------- panes

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

export interface ClientInfo {
  name: string;
  sessionId: string;
  controlMode: boolean;
  width: number;
  height: number;
  pid: number;
  activity: number;
}

const CLIENT_FIELDS = ['client_name', 'session_id', 'client_control_mode', 'client_width', 'client_height', 'client_pid', 'client_activity'];

export async function listClients(r: TmuxRunner): Promise<ClientInfo[]> {
  const lines = await r.run(['list-clients', '-F', fieldsFormat(CLIENT_FIELDS)]);
  return lines.filter((l) => l !== '').map((l) => {
    const p = splitRow(l, CLIENT_FIELDS.length);
    return { name: p[0]!, sessionId: p[1]!, controlMode: p[2] === '1', width: int(p[3]), height: int(p[4]), pid: int(p[5]), activity: int(p[6]) };
  });
}

export async function switchClient(r: TmuxRunner, session: string, client?: string): Promise<void> {
  const args = ['switch-client'];
  if (client) args.push('-c', client);
  args.push('-t', session);
  await r.run(args);
}

// ---------------------------------------------------------------- input

/** Commands are chunked so keystrokes of other panes can interleave with a large paste. */
export const SEND_CHUNK_CHARS = 16 * 1024;
export const SEND_CHUNK_BYTES = 4 * 1024;

/** Type text literally (`send-keys -l`). */
export async function sendText(r: TmuxRunner, pane: string, text: string): Promise<void> {
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += SEND_CHUNK_CHARS) {
    await r.run(['send-keys', '-t', pane, '-l', '--', chars.slice(i, i + SEND_CHUNK_CHARS).join('')]);
  }
}

/** Send raw bytes exactly (`send-keys -H`): control keys, escape sequences, non-UTF-8 data. */
export async function sendBytes(r: TmuxRunner, pane: string, bytes: Uint8Array): Promise<void> {
  for (let i = 0; i < bytes.length; i += SEND_CHUNK_BYTES) {
    const hex = Array.from(bytes.subarray(i, i + SEND_CHUNK_BYTES), (b) => b.toString(16).padStart(2, '0'));
    await r.run(['send-keys', '-t', pane, '-H', ...hex]);
  }
}

/** Send tmux key names (`Enter`, `C-c`, …). Only for fixed names, never for user text. */
export async function sendKeyNames(r: TmuxRunner, pane: string, keys: readonly string[]): Promise<void> {
  await r.run(['send-keys', '-t', pane, ...keys]);
}

/** Paste text; bracketed when the application asked for it (`paste-buffer -p`). */
export async function pasteText(r: TmuxRunner, pane: string, text: string, bufferName = `chatmux-paste-${process.pid}`): Promise<void> {
  await r.run(['set-buffer', '-b', bufferName, '--', text]);
  await r.run(['paste-buffer', '-p', '-d', '-r', '-b', bufferName, '-t', pane]);
}

/** Leave copy/view mode so keys reach the program. */
export async function cancelMode(r: TmuxRunner, pane: string): Promise<void> {
  await r.run(['send-keys', '-X', '-t', pane, 'cancel']);
}

// ---------------------------------------------------------------- capture

export interface CaptureOptions {
  /** First line: a number (negative = history) or '-' for the start of history. */
  start?: number | '-';
  /** Last line: a number or '-' for the end of the visible area. */
  end?: number | '-';
  /** Keep colours and attributes as SGR sequences (-e). */
  escapes?: boolean;
  /** Join wrapped lines (-J); also keeps trailing spaces. */
  join?: boolean;
  /** Keep trailing spaces without joining (-N). */
  trailingSpaces?: boolean;
  /** The saved (primary) screen while an alternate screen is active (-a). */
  alternate?: boolean;
  /** Quiet: no error when there is no alternate screen (-q). */
  quiet?: boolean;
}

export async function capturePane(r: TmuxRunner, pane: string, o: CaptureOptions = {}): Promise<string[]> {
  const args = ['capture-pane', '-p', '-t', pane];
  if (o.escapes) args.push('-e');
  if (o.join) args.push('-J');
  if (o.trailingSpaces) args.push('-N');
  if (o.alternate) args.push('-a');
  if (o.quiet) args.push('-q');
  if (o.start !== undefined) args.push('-S', String(o.start));
  if (o.end !== undefined) args.push('-E', String(o.end));
  return r.run(args);
}

/** Bytes of an escape sequence the pane has received but not finished (-P -C), decoded. */
export async function capturePending(r: TmuxRunner, pane: string): Promise<Buffer> {
  const lines = await r.run(['capture-pane', '-p', '-P', '-C', '-t', pane]);
  const escaped = Buffer.from(lines.join('\n'), 'utf8');
  // Same `\ooo` escaping as %output.
  return unescapeOutput(escaped, 0, escaped.length);
}

// ---------------------------------------------------------------- options

export type OptionScope = { session: string } | { window: string } | { pane: string } | { global: true } | { server: true };

function scopeArgs(s: OptionScope): string[] {
  if ('server' in s) return ['-s'];
  if ('session' in s) return ['-t', s.session];
  if ('window' in s) return ['-w', '-t', s.window];
  if ('pane' in s) return ['-p', '-t', s.pane];
  return ['-g'];
}

function setOptionArgs(scope: OptionScope, name: string, value: string): string[] {
  if (!/^@?[a-z][a-z0-9-]*$/.test(name)) throw new TmuxArgumentError(`bad option name: ${JSON.stringify(name)}`);
  return ['set-option', '-q', ...scopeArgs(scope), name, value];
}

/** Set a user option (`@name`) or a tmux option. The value is stored literally. */
export async function setOption(r: TmuxRunner, scope: OptionScope, name: string, value: string): Promise<void> {
  await r.run(setOptionArgs(scope, name, value));
}

/** Set several options in order: one tmux process for a one-shot runner instead of one each. */
export async function setOptions(r: TmuxRunner, scope: OptionScope, entries: readonly (readonly [string, string])[]): Promise<void> {
  const commands = entries.map(([name, value]) => setOptionArgs(scope, name, value));
  if (r.runAll) await r.runAll(commands);
  else for (const c of commands) await r.run(c);
}

export async function unsetOption(r: TmuxRunner, scope: OptionScope, name: string): Promise<void> {
  await r.run(['set-option', '-q', '-u', ...scopeArgs(scope), name]);
}

/** User options (`@…`) set directly on a target, as name → value. */
export async function showUserOptions(r: TmuxRunner, scope: OptionScope): Promise<Record<string, string>> {
  const lines = await r.run(['show-options', '-q', ...scopeArgs(scope)]);
  const out: Record<string, string> = {};
  for (const l of lines) {
    const m = /^(@[^\s]+) (.*)$/.exec(l);
    if (m) out[m[1]!] = unquoteOptionValue(m[2]!);
  }
  return out;
}

/** show-options quotes values that contain spaces or specials; undo it. */
export function unquoteOptionValue(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/** One option's value via `show-options -v` (exact, no quoting), or null when unset. */
export async function showOptionValue(r: TmuxRunner, scope: OptionScope, name: string): Promise<string | null> {
  const lines = await r.run(['show-options', '-q', '-v', ...scopeArgs(scope), name]);
  return lines.length === 0 ? null : lines.join('\n');
}

// ---------------------------------------------------------------- client control (control mode only)

/** Set the control client's size, or one window's size (tmux ≥ 3.3). */
export async function refreshClientSize(r: TmuxRunner, size: { width: number; height: number; windowId?: string }): Promise<void> {
  const w = Math.max(1, Math.min(10000, Math.floor(size.width)));
  const h = Math.max(1, Math.min(10000, Math.floor(size.height)));
  await r.run(['refresh-client', '-C', size.windowId ? `${size.windowId}:${w}x${h}` : `${w}x${h}`]);
}

/** Bind a key in the root table (no prefix) to one tmux command, e.g. `C-\\` → detach-client. */
export async function bindRootKey(r: TmuxRunner, key: string, command: readonly string[]): Promise<void> {
  await r.run(['bind-key', '-n', key, ...command]);
}

/** Drop this client's own size for one window (tmux ≥ 3.3): the window is sized by the other clients. */
export async function clearWindowSize(r: TmuxRunner, windowId: string): Promise<void> {
  if (!/^@\d+$/.test(windowId)) throw new TmuxArgumentError(`not a window id: ${JSON.stringify(windowId)}`);
  await r.run(['refresh-client', '-C', `${windowId}:`]);
}

/** Client flags, e.g. `pause-after=5`, `!pause-after`, `wait-exit`. */
export async function refreshClientFlags(r: TmuxRunner, flags: string): Promise<void> {
  await r.run(['refresh-client', '-f', flags]);
}

/** Resume a paused pane (never `off`: it can crash tmux < 3.7). */
export async function continuePane(r: TmuxRunner, paneId: string): Promise<void> {
  await r.run(['refresh-client', '-A', `${paneId}:continue`]);
}

export async function pausePane(r: TmuxRunner, paneId: string): Promise<void> {
  await r.run(['refresh-client', '-A', `${paneId}:pause`]);
}

/** Subscribe to a format (`what`: '' session, `%P`, `%*`, `@W`, `@*`). */
export async function subscribe(r: TmuxRunner, name: string, what: string, format: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new TmuxArgumentError('subscription names are [A-Za-z0-9_-]');
  await r.run(['refresh-client', '-B', `${name}:${what}:${format}`]);
}

export async function unsubscribe(r: TmuxRunner, name: string): Promise<void> {
  await r.run(['refresh-client', '-B', name]);
}

// ---------------------------------------------------------------- misc

/**
 * Rename a window to its own name: nothing changes, but every control client gets
 * `%window-renamed` / `%unlinked-window-renamed` at once (a cheap "look again" signal).
 */
export async function nudgeWindow(r: TmuxRunner, target: string): Promise<void> {
  await r.run(['rename-window', '-t', target, '#{window_name}']);
}

/** Pipe the pane's output to a shell command (`-o`: only if not already piped). Empty command stops it. */
export async function pipePane(r: TmuxRunner, pane: string, shellCommand: string | null, onlyIfNotPiped = true): Promise<void> {
  const args = ['pipe-pane', '-t', pane];
  if (shellCommand && onlyIfNotPiped) args.push('-o');
  if (shellCommand) args.push(formatLiteral(shellCommand));
  await r.run(args);
}

/** Expand a format (our own formats only: user text must not reach here). */
export async function displayMessage(r: TmuxRunner, format: string, target?: string): Promise<string> {
  const args = ['display-message', '-p'];
  if (target) args.push('-t', target);
  args.push('--', format);
  const lines = await r.run(args);
  return lines.join('\n');
}

/** Restart a pane's program (after it died), keeping the pane. */
export async function respawnPane(r: TmuxRunner, pane: string, o: { command: readonly string[]; cwd?: string; env?: Record<string, string> }): Promise<void> {
  const args = ['respawn-pane', '-k', '-t', pane];
  if (o.cwd !== undefined) args.push('-c', formatLiteral(o.cwd));
  for (const [k, v] of Object.entries(o.env ?? {})) {
    checkEnvName(k);
    args.push('-e', `${k}=${v}`);
  }
  args.push('--', ...shellCommandArgs(o.command));
  await r.run(args);
}

export async function showEnvironment(r: TmuxRunner, scope: { session: string } | { global: true }): Promise<string[]> {
  return r.run(['show-environment', ...('global' in scope ? ['-g'] : ['-t', scope.session])]);
}

/** Remove a variable from the server's global environment (`set-environment -g -u`). */
export async function unsetGlobalEnvironment(r: TmuxRunner, name: string): Promise<void> {
  checkEnvName(name);
  await r.run(['set-environment', '-g', '-u', name]);
}

export async function killServer(r: TmuxRunner): Promise<void> {
  await r.run(['kill-server']);
}

// ---------------------------------------------------------------- interactive attach (not a runner command)

/**
 * How to run `tmux attach-session -t TARGET` on the current terminal: a plain client needs
 * the tty, so it cannot go through a runner. $TMUX is dropped so it also works from inside
 * another tmux (no "sessions should be nested with care").
 */
export function attachProcess(server: TmuxServerOptions, target: string): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { file: server.tmuxPath ?? 'tmux', args: [...serverArgs(server), 'attach-session', '-t', argvArg(target)], env: tmuxEnv(process.env, server.dropEnv) };
}

/** Wake whoever waits on a `wait-for` channel (a later waiter returns at once too). */
export async function signalChannel(r: TmuxRunner, channel: string): Promise<void> {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(channel)) throw new TmuxArgumentError('wait-for channel names are [A-Za-z0-9_.-]');
  await r.run(['wait-for', '-S', channel]);
}
