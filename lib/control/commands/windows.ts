/**
 * Windows: list, link into another session, unlink, resize, kill, and the rename that only
 * makes every control client look again.
 */
import type { TmuxRunner } from '../exec';
import { fieldsFormat, int, splitRow } from './fields';

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

/** Kill a window (`@id`) in every session it is linked into. */
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

/** `resize-window`: this size whatever clients view it (tmux sets the window's window-size to manual). */
export async function resizeWindow(r: TmuxRunner, windowId: string, width: number, height: number): Promise<void> {
  await r.run(['resize-window', '-t', windowId, '-x', String(Math.max(1, Math.floor(width))), '-y', String(Math.max(1, Math.floor(height)))]);
}

/**
 * Rename a window to its own name: nothing changes, but every control client gets
 * `%window-renamed` / `%unlinked-window-renamed` at once (a cheap "look again" signal).
 */
export async function nudgeWindow(r: TmuxRunner, target: string): Promise<void> {
  await r.run(['rename-window', '-t', target, '#{window_name}']);
}
