/**
 * Adoption: a session of this project and state dir (identity.ts) with valid `@chatmux-*`
 * metadata that the registry does not know (created by another process, or the registry was lost)
 * is taken into the registry, never killed.
 */
import type { TmuxRunner } from '../control/exec';
import type { SessionInfo } from '../control/commands';
import { isNoServer } from '../control/errors';
import type { ChatContext } from './context';
import { ownSessions } from './identity';
import { listSessionsWithMeta, recordFromSession, type SessionMeta } from './metadata';
import { refNumber } from './naming';
import { findChat, type Registry, type RegistryRebuilder } from './registry';
import { highWaterMark, readServerMark } from './refs';

/** This context's chat sessions (identity.ts) whose metadata is complete. */
export async function ownChatSessions(r: TmuxRunner, ctx: ChatContext, sessions: SessionInfo[]): Promise<{ session: SessionInfo; meta: SessionMeta }[]> {
  const out: { session: SessionInfo; meta: SessionMeta }[] = [];
  for (const { session, meta } of await ownSessions(r, ctx, sessions)) if (meta) out.push({ session, meta });
  return out;
}

/** Add records for sessions the registry lacks; returns the refs adopted. Mutates `reg`. */
export async function adoptSessions(r: TmuxRunner, ctx: ChatContext, reg: Registry, sessions: SessionInfo[], dryRun = false): Promise<string[]> {
  const adopted: string[] = [];
  for (const { session, meta } of await ownChatSessions(r, ctx, sessions)) {
    if (findChat(reg, meta.ref)) continue;
    adopted.push(meta.ref);
    if (dryRun) continue;
    reg.chats.push(await recordFromSession(r, session, meta));
    reg.lastRef = Math.max(reg.lastRef, refNumber(meta.ref));
  }
  reg.chats.sort((a, b) => refNumber(a.ref) - refNumber(b.ref));
  return adopted;
}

/** For a corrupt registry: recover every chat tmux still knows. */
export function rebuildFromTmux(r: TmuxRunner, ctx: ChatContext): RegistryRebuilder {
  return async (reg) => {
    let sessions: SessionInfo[] = [];
    try {
      sessions = await listSessionsWithMeta(r);
    } catch (err) {
      if (!isNoServer(err)) ctx.warn(`could not list tmux sessions to rebuild the chat list: ${(err as Error).message}`);
    }
    const adopted = await adoptSessions(r, ctx, reg, sessions);
    // Refs handed out before the loss stay taken, even those of chats tmux no longer runs.
    // (tmux out of reach: the marks on disk still count.)
    reg.lastRef = highWaterMark(ctx, reg, await readServerMark(r, ctx).catch(() => 0));
    ctx.warn(`recovered ${adopted.length} chat(s) from tmux${adopted.length ? ': ' + adopted.join(', ') : ''}`);
    return reg;
  };
}
