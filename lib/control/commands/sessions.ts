/**
 * Sessions: create one (with its first window and pane), list, look up and kill them.
 */
import type { TmuxRunner } from '../exec';
import { formatLiteral, TmuxArgumentError } from '../quote';
import { fieldsFormat, int, splitRow } from './fields';
import { envArgs, shellCommandArgs } from './program';
import { resizeWindow } from './windows';

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

/** Create a detached session running `o.command` (quoted for tmux's shell) and return its ids and size. */
export async function newSession(r: TmuxRunner, o: NewSessionOptions): Promise<CreatedPane> {
  const args = ['new-session', '-d', '-P', '-F', fieldsFormat(['session_id', 'window_id', 'pane_id', 'pane_pid', 'window_width', 'window_height', 'session_name'])];
  args.push('-s', formatLiteral(o.name));
  if (o.windowName !== undefined) args.push('-n', formatLiteral(o.windowName));
  if (o.cwd !== undefined) args.push('-c', formatLiteral(o.cwd));
  if (o.width !== undefined) args.push('-x', String(o.width));
  if (o.height !== undefined) args.push('-y', String(o.height));
  args.push(...envArgs(o.env));
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

/** Kill a session (`target`: `$id` or `=name`). */
export async function killSession(r: TmuxRunner, target: string): Promise<void> {
  await r.run(['kill-session', '-t', target]);
}

/** Whether the session `$id` or `=name` exists (no server running: the error list-sessions gives, see isNoServer). */
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

/** Every session on the server, with the values of the user options named in `userOptions`. */
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
