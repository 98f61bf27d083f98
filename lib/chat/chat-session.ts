/**
 * A chat's tmux session: its pane, and killing it with every link of its window.
 */
import type { TmuxRunner } from '../control/exec';
import { killSession, killWindow, listPanes, listWindows, type PaneInfo } from '../control/commands';
import { isMissingTarget, isNoServer } from '../control/errors';
import type { ChatContext } from './context';
import { findChatSession } from './identity';
import type { ChatRecord } from './registry';

/** `$N` as is, a name as an exact-name target. */
const sessionTarget = (session: string): string => (session.startsWith('$') ? session : `=${session}`);

/** Ids of the session's windows, or [] when the session (or the server) is gone. */
async function windowIdsOf(r: TmuxRunner, session: string): Promise<string[]> {
  try {
    return (await listWindows(r, sessionTarget(session))).map((w) => w.id);
  } catch (err) {
    if (isMissingTarget(err) || isNoServer(err)) return [];
    throw err;
  }
}

/**
 * Kill a chat's session (its id `$N`, or its name). Its window may also be linked into UI view
 * sessions, where kill-session alone would leave it running: kill the window (every link) first.
 */
export async function killChatSession(r: TmuxRunner, session: string): Promise<boolean> {
  const windows = await windowIdsOf(r, session);
  for (const w of windows) await killWindow(r, w).catch((e) => (isMissingTarget(e) ? undefined : Promise.reject(e)));
  try {
    await killSession(r, sessionTarget(session));
  } catch (err) {
    if (!isMissingTarget(err) && !isNoServer(err)) throw err;
  }
  return windows.length > 0;
}

/** Kill this context's session of chat `ref` (found by identity, never by name alone). */
export async function killOwnChatSession(r: TmuxRunner, ctx: ChatContext, ref: string): Promise<boolean> {
  const s = await findChatSession(r, ctx, ref);
  return s ? killChatSession(r, s.id) : false;
}

/** The chat's pane, or null when its session is gone. */
export async function chatPane(r: TmuxRunner, ctx: ChatContext, chat: Pick<ChatRecord, 'ref'>): Promise<PaneInfo | null> {
  // By identity (identity.ts): never another state dir's session of the same name.
  const s = await findChatSession(r, ctx, chat.ref);
  if (!s) return null;
  try {
    const panes = await listPanes(r, { session: s.id });
    return panes.find((p) => p.active) ?? panes[0] ?? null;
  } catch (err) {
    if (isMissingTarget(err) || isNoServer(err)) return null;
    throw err;
  }
}
