/**
 * The orphan sweep (UI start and `chatmux sweep`): kill this project's sessions whose chat
 * is archived and stale UI view sessions; adopt unknown sessions that carry valid metadata;
 * report (never kill) sessions with our prefix but no metadata. Other projects' and other
 * programs' sessions are never touched.
 */
import type { TmuxRunner } from '../control/exec';
import type { SessionInfo } from '../control/commands';
import { isNoServer } from '../control/errors';
import { adoptSessions, ownChatSessions } from './adopt';
import type { ChatContext } from './context';
import { killChatSession } from './chat-session';
import { liveSessionsByRecord, OWNER_OPTION } from './identity';
import { listSessionsWithMeta, pathFromOption } from './metadata';
import { projectSessionPrefix } from './naming';
import { repairInterrupted } from './repair';
import { findChat, readRegistry, updateRegistry } from './registry';
import { killSession } from '../control/commands';

/** A view session younger than this is left alone: its UI may not have attached yet. */
export const VIEW_GRACE_SECONDS = 15;

export interface SweepAction {
  session: string;
  ref?: string;
  reason: string;
}

export interface SweepReport {
  dryRun: boolean;
  killed: SweepAction[];
  adopted: SweepAction[];
  /** Sessions with our prefix and no (valid) metadata: reported, never killed. */
  unknown: SweepAction[];
}

function isOurView(ctx: ChatContext, s: SessionInfo): boolean {
  if (s.options['@chatmux-view'] !== '1') return false;
  const owner = s.options[OWNER_OPTION] ?? '';
  // A view from before the owner option: judged by its project alone.
  return owner !== '' ? owner === ctx.owner : pathFromOption(s.options['@chatmux-project'] ?? '') === ctx.project;
}

/** Run the orphan sweep (see the top of this file); `dryRun` only reports what it would do. */
export async function sweep(r: TmuxRunner, ctx: ChatContext, o: { dryRun?: boolean; now?: number } = {}): Promise<SweepReport> {
  const dryRun = o.dryRun ?? false;
  const report: SweepReport = { dryRun, killed: [], adopted: [], unknown: [] };
  const now = o.now ?? Date.now() / 1000;

  // Under the lock, with a listing taken under it too: a close that recorded its state and
  // killed its session in between must not look like "closed but running" (see below).
  // Adopt first, so an adopted chat is known before anything is judged.
  const apply = async (mutate: Parameters<typeof updateRegistry>[1]) => (dryRun ? mutate(await readRegistry(ctx)) : updateRegistry(ctx, mutate));
  let sessions: SessionInfo[] = [];
  let own: Awaited<ReturnType<typeof ownChatSessions>> = [];
  let archived = new Set<string>();
  try {
    await apply(async (reg) => {
      sessions = await listSessionsWithMeta(r);
      own = await ownChatSessions(r, ctx, sessions);
      const before = new Set(reg.chats.map((c) => c.ref));
      const refs = await adoptSessions(r, ctx, reg, sessions, dryRun);
      for (const ref of refs) report.adopted.push({ session: own.find((x) => x.meta.ref === ref)!.session.name, ref, reason: 'valid metadata, missing from the registry' });
      const killedByRepair = new Set<string>();
      if (!dryRun) {
        // Our sessions only (identity.ts), keyed by the names the records hold.
        const live = await liveSessionsByRecord(r, ctx, reg.chats);
        for (const x of await repairInterrupted(r, ctx, reg, live, (s) => killChatSession(r, live.get(s)?.id ?? s))) {
          ctx.warn(`${x.ref}: ${x.what}`);
          if (x.killed) killedByRepair.add(live.get(x.killed)?.name ?? x.killed);
        }
      }
      archived = new Set(own.filter((x) => before.has(x.meta.ref) && findChat(reg, x.meta.ref)?.state === 'archived').map((x) => x.meta.ref));
      // A closed chat whose session runs was opened by someone else: it is running. Not while a
      // close is under way (stopperPid): the session is about to go, and the close must hold.
      for (const x of own) {
        const c = findChat(reg, x.meta.ref);
        if (c && c.state === 'closed' && !c.stopperPid && !killedByRepair.has(x.session.name)) c.state = 'running';
      }
    });
  } catch (err) {
    if (isNoServer(err)) return report;
    throw err;
  }
  const ownNames = new Set(own.map((x) => x.session.name));

  for (const x of own) {
    if (!archived.has(x.meta.ref)) continue;
    report.killed.push({ session: x.session.name, ref: x.meta.ref, reason: 'chat is archived' });
    if (!dryRun) await killChatSession(r, x.session.id);
  }

  const prefix = projectSessionPrefix(ctx.tag);
  for (const s of sessions) {
    if (isOurView(ctx, s)) {
      if (s.attached === 0 && now - s.created >= VIEW_GRACE_SECONDS) {
        report.killed.push({ session: s.name, reason: 'UI view session with no client' });
        // kill-session only: the chat windows linked into it live on in their own sessions.
        if (!dryRun) await killSession(r, s.id).catch(() => undefined);
      }
      continue;
    }
    if (s.name.startsWith(prefix) && !ownNames.has(s.name)) {
      report.unknown.push({ session: s.name, reason: 'our name prefix but no valid chatmux metadata: left alone' });
    }
  }
  return report;
}
