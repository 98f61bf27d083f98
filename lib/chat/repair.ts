/**
 * Finishing what a killed chatmux process left half done (runs under the registry lock, from
 * `chat list`, a UI start and `sweep`):
 * - `chat new` killed after writing its `starting` entry: when its tmux session exists, the
 *   setup the creator did not get to (output log, remain-on-exit, metadata) is done and the
 *   chat is marked running; when it does not, the chat is marked closed with the reason.
 * - `chat close`/`archive` killed between recording the new state and killing the session:
 *   the kill is finished (the user asked for it; the state was recorded first).
 * A process still alive is left alone: it is not interrupted, only slow.
 */
import type { TmuxRunner } from '../control/exec';
import { displayMessage, listPanes, pipePane, setOption, showOptionValue, type SessionInfo } from '../control/commands';
import { isMissingTarget, isNoServer } from '../control/errors';
import { chatFiles, type ChatContext } from './context';
import { outputLogCommand } from './logs';
import { writeChatOptions } from './metadata';
import type { ChatRecord, Registry } from './registry';
import { ownerAlive } from './state-lock';

export interface Repair {
  ref: string;
  /** What was done, for a warning line. */
  what: string;
  /** The session this repair killed (gone now, whatever a listing taken before says). */
  killed?: string;
}

/** Set up a session whose creator died before it could; false when the session vanished meanwhile. */
async function finishSetup(r: TmuxRunner, ctx: ChatContext, chat: ChatRecord, s: SessionInfo): Promise<boolean> {
  try {
    const panes = await listPanes(r, { session: s.id });
    const pane = panes[0];
    if (!pane) return false;
    await setOption(r, { window: pane.windowId }, 'remain-on-exit', 'on');
    // pipe-pane -o on a piped pane closes the pipe (a toggle): ask first.
    if ((await displayMessage(r, '#{pane_pipe}', pane.id)) !== '1') await pipePane(r, pane.id, outputLogCommand(chatFiles(ctx, chat.ref).outputLog));
    await writeChatOptions(r, s.id, chat, ctx);
    // Written by the creator as its very last step, if it got there.
    const resumeId = await showOptionValue(r, { session: s.id }, '@chatmux-resume-id').catch(() => null);
    if (resumeId && !chat.resumeId) chat.resumeId = resumeId;
    return true;
  } catch (err) {
    if (isMissingTarget(err) || isNoServer(err)) return false;
    throw err;
  }
}

/** The process that was starting or stopping this chat is gone (or its pid now names another). */
export function needsRepair(chat: ChatRecord): boolean {
  const gone = (pid: number | null | undefined) => !!pid && !ownerAlive(pid, chat.pidStart ?? null);
  if (chat.state === 'starting') return !chat.starterPid || gone(chat.starterPid);
  // A `chat start`/attach of an existing chat killed under way (lifecycle's startLocked).
  if ((chat.state === 'closed' || chat.state === 'running') && !chat.stopperPid && gone(chat.starterPid)) return true;
  return (chat.state === 'closed' || chat.state === 'archived') && gone(chat.stopperPid);
}

/**
 * Repair `reg` in place. `sessions`: the server's sessions by name. `kill`: how to end a
 * chat's session (lifecycle's killChatSession: it also unlinks it from UI views).
 */
export async function repairInterrupted(
  r: TmuxRunner,
  ctx: ChatContext,
  reg: Registry,
  sessions: ReadonlyMap<string, SessionInfo>,
  kill: (session: string) => Promise<unknown>,
): Promise<Repair[]> {
  const done: Repair[] = [];
  for (const chat of reg.chats) {
    if (!needsRepair(chat)) continue;
    if (chat.state === 'starting') {
      const who = `chat new (pid ${chat.starterPid ?? '?'})`;
      const s = sessions.get(chat.session);
      if (s && (await finishSetup(r, ctx, chat, s))) {
        Object.assign(chat, { state: 'running', starterPid: null, pidStart: null, stateReason: null, startedAt: chat.startedAt ?? new Date(s.created * 1000).toISOString() });
        done.push({ ref: chat.ref, what: `${who} was interrupted after starting its session; finished its setup` });
      } else {
        const reason = `${who} was interrupted before its tmux session started`;
        Object.assign(chat, { state: 'closed', starterPid: null, pidStart: null, stateReason: reason });
        done.push({ ref: chat.ref, what: `${reason}; marked closed` });
      }
    } else if (chat.starterPid && !chat.stopperPid) {
      const who = `chat start (pid ${chat.starterPid})`;
      const s = sessions.get(chat.session);
      const was = chat.state;
      Object.assign(chat, { starterPid: null, pidStart: null });
      if (s && (await finishSetup(r, ctx, chat, s))) {
        Object.assign(chat, { state: 'running', stateReason: null });
        done.push({ ref: chat.ref, what: `${who} was interrupted after starting its session; finished its setup` });
      } else if (was === 'closed') {
        done.push({ ref: chat.ref, what: `${who} was interrupted before its session started; still closed` });
      }
    } else {
      const verb = chat.state === 'closed' ? 'close' : 'archive';
      if (sessions.has(chat.session)) {
        await kill(chat.session);
        done.push({ ref: chat.ref, what: `chat ${verb} (pid ${chat.stopperPid}) was interrupted before it stopped the session; stopped it`, killed: chat.session });
      }
      chat.stopperPid = null;
      chat.pidStart = null;
    }
  }
  return done;
}
