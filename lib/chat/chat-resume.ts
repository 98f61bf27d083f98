/**
 * Bringing chats back after tmux lost their sessions (server killed, reboot), and keeping
 * what that needs: the conversation ids agents report, the output pipe of every live chat.
 */
import type { TmuxRunner } from '../control/exec';
import { pipePane, type SessionInfo } from '../control/commands';
import { rebuildFromTmux } from './adopt';
import { reportedResumeId } from './agent-report';
import type { EnvSource } from './chat-env';
import { setRecord } from './chat-record';
import { killChatSession } from './chat-session';
import { startChatSession } from './chat-start';
import { chatFiles, type ChatContext } from './context';
import { findChatSession, liveSessionsByRecord } from './identity';
import { outputLogCommand, writeResumeBanner } from './logs';
import { writeResumeIdOption } from './metadata';
import { readRegistry, updateRegistry, type ChatRecord } from './registry';
import { needsRepair, repairInterrupted, type Repair } from './repair';

export interface ResumeReport {
  resumed: string[];
  /** Chats that could not be brought back, with the reason. */
  skipped: { ref: string; reason: string }[];
  /** Work of killed chatmux processes finished here (repair.ts). */
  repaired: Repair[];
}

/**
 * Bring back every `running` chat whose session is gone (tmux server died, reboot) with its
 * executor's resume argv, the saved output tail shown above the new screen. Runs under the
 * registry lock so two processes never resume the same chat twice. Closed and archived chats
 * are never resumed (close/archive record their state before killing the session); the work
 * of killed `chat new`/`close`/`archive` processes is finished first (repair.ts).
 */
export async function resumeLost(r: TmuxRunner, ctx: ChatContext, env: EnvSource = process.env): Promise<ResumeReport> {
  const report: ResumeReport = { resumed: [], skipped: [], repaired: [] };
  const snapshot = await readRegistry(ctx, rebuildFromTmux(r, ctx));
  // Nothing lost and nothing half done (the usual case): no lock, no write (a read-only state
  // dir still lists). Whatever changes after this look is the next listing's.
  const seen = await liveSessionsByRecord(r, ctx, snapshot.chats);
  if (!snapshot.chats.some((c) => needsRepair(c) || (c.state === 'running' && !seen.has(c.session)))) return report;
  await updateRegistry(ctx, async (reg) => {
    const live = await liveSessionsByRecord(r, ctx, reg.chats);
    report.repaired = await repairInterrupted(r, ctx, reg, live, (s) => killChatSession(r, live.get(s)?.id ?? s));
    for (const chat of reg.chats) {
      if (chat.state === 'running') await repipeIfUnpiped(r, ctx, chat, live.get(chat.session));
      if (chat.state !== 'running' || live.has(chat.session)) continue;
      try {
        learnResumeIdOffline(ctx, chat);
        const banner = writeResumeBanner(ctx, chat.ref, 'tmux lost its session');
        await startChatSession(r, ctx, chat, { mode: 'resume', env, banner });
        report.resumed.push(chat.ref);
      } catch (err) {
        report.skipped.push({ ref: chat.ref, reason: (err as Error).message });
        ctx.warn(`${chat.ref} could not be resumed: ${(err as Error).message}`);
      }
    }
  }, rebuildFromTmux(r, ctx));
  for (const x of report.repaired) ctx.warn(`${x.ref}: ${x.what}`);
  return report;
}

/**
 * A live chat pane without its output pipe: the process that started or resumed it died
 * between new-session and pipe-pane (kill -9 of a resuming `chat list` left one chat logging
 * nothing for as long as it ran). The listing carries pane_pipe, so this costs no tmux call.
 */
async function repipeIfUnpiped(r: TmuxRunner, ctx: ChatContext, chat: ChatRecord, s: SessionInfo | undefined): Promise<void> {
  if (!s || s.options.pane_pipe !== '0' || s.options.pane_dead !== '0') return;
  await pipePane(r, s.id, outputLogCommand(chatFiles(ctx, chat.ref).outputLog), false).catch(() => undefined);
}

/**
 * Before resuming a chat whose process is gone: the conversation id its agent reported while
 * it ran (agent-report.ts), exactly; never a guess from session files.
 */
export function learnResumeIdOffline(ctx: ChatContext, chat: ChatRecord): void {
  const id = reportedResumeId(ctx, chat.ref);
  if (id) chat.resumeId = id;
}

/** Record in the registry (and the session option) the ids running agents reported. */
export async function captureResumeIds(r: TmuxRunner, ctx: ChatContext): Promise<void> {
  const reg = await readRegistry(ctx);
  for (const chat of reg.chats) {
    if (chat.state !== 'running') continue;
    const id = reportedResumeId(ctx, chat.ref);
    if (!id || id === chat.resumeId) continue;
    await setRecord(ctx, chat.ref, { resumeId: id });
    const s = await findChatSession(r, ctx, chat.ref).catch(() => null);
    if (s) await writeResumeIdOption(r, s.id, id).catch(() => undefined);
  }
}