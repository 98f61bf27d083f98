/**
 * Which tmux sessions are this context's chats. Names alone cannot say: one socket serves
 * many projects and state dirs, and sessions made by chatmux ≤ 0.1 carry an older tag (which
 * tmux may even have rewritten). So a session is judged by what it carries:
 *  - `@chatmux-owner` set: ours iff it is `ctx.owner` (hash of project + state dir);
 *  - no owner, named exactly as one of our sessions (the tag hashes project + state dir, so
 *    only this context makes such a name), with no other ref in its options: ours (its options
 *    may still be being written);
 *  - no owner, another name, chat metadata (made before the option existed): ours iff its
 *    `@chatmux-project` is ours and its session environment's CHATMUX_STATE_DIR is our state
 *    dir.
 * Every list, send, attach and kill of a chat goes through here.
 */
import type { TmuxRunner } from '../control/exec';
import { showEnvironment, type SessionInfo } from '../control/commands';
import { isMissingTarget, isNoServer } from '../control/errors';
import type { ChatContext } from './context';
import { listSessionsWithMeta, metaOf, type SessionMeta } from './metadata';
import { refFromSessionName, SESSION_PREFIX } from './naming';

export const OWNER_OPTION = '@chatmux-owner';

export interface OwnSession {
  session: SessionInfo;
  ref: string;
  /** null while the session's options are still being written. */
  meta: SessionMeta | null;
}

/** Does a session made before `@chatmux-owner` existed belong to our state dir? */
async function legacyStateDirIsOurs(r: TmuxRunner, ctx: ChatContext, s: SessionInfo): Promise<boolean> {
  let lines: string[];
  try {
    lines = await showEnvironment(r, { session: s.id });
  } catch (err) {
    if (isMissingTarget(err) || isNoServer(err)) return false;
    throw err;
  }
  // A value may hold newlines: look for the whole `NAME=value` line run.
  return `\n${lines.join('\n')}\n`.includes(`\nCHATMUX_STATE_DIR=${ctx.stateDir}\n`);
}

/** The sessions among `sessions` that are this context's chats, one per ref. */
export async function ownSessions(r: TmuxRunner, ctx: ChatContext, sessions: readonly SessionInfo[]): Promise<OwnSession[]> {
  const out = new Map<string, OwnSession>();
  for (const s of sessions) {
    const owner = s.options[OWNER_OPTION] ?? '';
    const meta = metaOf(s);
    const named = refFromSessionName(ctx.tag, s.name);
    const refOption = s.options['@chatmux-ref'] ?? '';
    let ref: string | null = null;
    if (owner !== '') {
      if (owner === ctx.owner) ref = meta?.ref ?? named;
    } else if (named && (refOption === '' || refOption === named)) {
      ref = named;
    } else if (meta) {
      const legacyName = s.name.startsWith(SESSION_PREFIX) && s.name.endsWith(`-${meta.ref}`);
      if (legacyName && meta.project === ctx.project && (await legacyStateDirIsOurs(r, ctx, s))) ref = meta.ref;
    }
    if (!ref) continue;
    // Two sessions claiming one ref (a copy made by hand): the one with our own name wins.
    const prev = out.get(ref);
    if (!prev || (prev.session.name !== s.name && refFromSessionName(ctx.tag, s.name) === ref)) out.set(ref, { session: s, ref, meta });
  }
  return [...out.values()];
}

/** Every session on the server and this context's chats among them ([] when no server runs). */
export async function listOwnSessions(r: TmuxRunner, ctx: ChatContext): Promise<{ all: SessionInfo[]; own: OwnSession[] }> {
  let all: SessionInfo[];
  try {
    all = await listSessionsWithMeta(r);
  } catch (err) {
    if (isNoServer(err)) return { all: [], own: [] };
    throw err;
  }
  return { all, own: await ownSessions(r, ctx, all) };
}

/** The live session of this context's chat `ref`, or null. */
export async function findChatSession(r: TmuxRunner, ctx: ChatContext, ref: string): Promise<SessionInfo | null> {
  return (await listOwnSessions(r, ctx)).own.find((x) => x.ref === ref)?.session ?? null;
}

/**
 * This context's live sessions keyed by the session name each chat's record holds, for code
 * that looks chats up by `chat.session`: a session is found for its chat even when tmux
 * renamed it, and another state dir's session of the same name is never found.
 */
export async function liveSessionsByRecord(r: TmuxRunner, ctx: ChatContext, chats: readonly { ref: string; session: string }[]): Promise<Map<string, SessionInfo>> {
  const byRef = new Map((await listOwnSessions(r, ctx)).own.map((x) => [x.ref, x.session]));
  const out = new Map<string, SessionInfo>();
  for (const c of chats) {
    const s = byRef.get(c.ref);
    if (s) out.set(c.session, s);
  }
  return out;
}
