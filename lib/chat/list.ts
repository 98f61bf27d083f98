/** The chat list: registry records joined with what tmux says about each session. */
import type { TmuxRunner } from '../control/exec';
import { listPanes, type PaneInfo } from '../control/commands';
import { isMissingTarget, isNoServer } from '../control/errors';
import { adoptSessions, rebuildFromTmux } from './adopt';
import type { ChatContext } from './context';
import { listOwnSessions } from './identity';
import { emptyRegistry, readRegistry, type ChatRecord, type Registry } from './registry';
import { listSessionsWithMeta } from './metadata';

export interface ChatView extends ChatRecord {
  /** The session exists on the server (null: tmux was not asked, e.g. --no-tmux). */
  live: boolean | null;
  /** The agent exited (the pane is kept by remain-on-exit). */
  exited: boolean;
  exitStatus: number | null;
  exitSignal: number | null;
  pid: number | null;
  attachedClients: number;
}

/** The project's chats (archived ones with `all`), each with whether its tmux session is alive; `r` null: from the registry alone. */
export async function listChats(r: TmuxRunner | null, ctx: ChatContext, o: { all?: boolean } = {}): Promise<ChatView[]> {
  return (await listChatsWithPanes(r, ctx, o)).map((c) => c.view);
}

/** The chat list with each live chat's (active) pane, for callers that need its ids and size. */
export async function listChatsWithPanes(
  r: TmuxRunner | null,
  ctx: ChatContext,
  o: { all?: boolean; fromTmux?: boolean } = {},
): Promise<Array<{ view: ChatView; pane: PaneInfo | null }>> {
  const reg = o.fromTmux && r ? await registryFromTmux(r, ctx) : await readRegistry(ctx, r ? rebuildFromTmux(r, ctx) : undefined);
  // By ref, of this context's sessions only (identity.ts): never another state dir's chat-1.
  const sessions = new Map<string, { id: string; name: string; attached: number }>();
  const panes = new Map<string, PaneInfo>();
  if (r) {
    try {
      const { all, own } = await listOwnSessions(r, ctx);
      for (const x of own) sessions.set(x.ref, { id: x.session.id, name: x.session.name, attached: x.session.attached });
      // list-panes -a on a server without sessions fails with "no current target".
      // The last session may go between the two calls (a close racing with us): same answer.
      if (all.length > 0) for (const p of await listPanes(r, { all: true })) if (!panes.has(p.sessionId) || p.active) panes.set(p.sessionId, p);
    } catch (err) {
      if (!isNoServer(err) && !isMissingTarget(err)) throw err;
    }
  }
  return reg.chats
    .filter((c) => o.all || c.state !== 'archived')
    .map((c) => {
      const s = sessions.get(c.ref);
      const p = s ? panes.get(s.id) : undefined;
      const view: ChatView = {
        ...c,
        // The live session's own name (a chat made by an older chatmux may differ from the record).
        session: s?.name ?? c.session,
        live: r ? !!s : null,
        exited: !!p?.dead,
        exitStatus: p?.dead ? p.deadStatus : null,
        exitSignal: p?.dead ? p.deadSignal : null,
        pid: p && !p.dead ? p.pid : null,
        attachedClients: s?.attached ?? 0,
      };
      return { view, pane: p ?? null };
    });
}

/**
 * The running chats as tmux describes them (their `@chatmux-*` options), with no registry
 * file: a remote host's registry is on the remote (issue 14.3); closed chats are not shown.
 */
async function registryFromTmux(r: TmuxRunner, ctx: ChatContext): Promise<Registry> {
  const reg = emptyRegistry(ctx);
  try {
    await adoptSessions(r, ctx, reg, await listSessionsWithMeta(r));
  } catch (err) {
    if (!isNoServer(err)) throw err;
  }
  return reg;
}

export { statusWord } from './status';
