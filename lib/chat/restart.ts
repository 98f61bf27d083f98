/**
 * Starting a chat that does not run, wherever the request comes from (a UI here, or a UI on
 * another machine through `chatmux chat start` here): a dead agent is started again in a new
 * session with its executor's resume argv; a closed chat fresh, a lost one resumed (openChat).
 */
import type { TmuxRunner } from '../control/exec';
import type { ChatContext } from './context';
import type { EnvSource } from './chat-env';
import { getChat } from './chat-record';
import { chatPane, killOwnChatSession } from './chat-session';
import { startChatSession } from './chat-start';
import { openChat, startLocked } from './lifecycle';
import type { ChatRecord } from './registry';
import { checkStartSize } from './validate';

export interface StartSize {
  env?: EnvSource;
  width?: number;
  height?: number;
}

/** A dead agent: its session killed, then started again resuming (fresh when nothing to resume); under the lock (openChat says why). */
export async function restartChat(r: TmuxRunner, ctx: ChatContext, ref: string, o: StartSize = {}): Promise<ChatRecord> {
  checkStartSize(o);
  await getChat(ctx, ref, r);
  return startLocked(r, ctx, ref, async (chat) => {
    await killOwnChatSession(r, ctx, chat.ref);
    // The resume id may change (what the agent reported) or go (nothing to resume: fresh); chat is the record.
    await startChatSession(r, ctx, chat, { mode: 'resume', env: o.env, width: o.width, height: o.height });
    return true;
  });
}

/** Whatever makes the chat run: restart a dead agent, else open it (closed, lost); a running one is left. */
export async function startChat(r: TmuxRunner, ctx: ChatContext, ref: string, o: StartSize = {}): Promise<ChatRecord> {
  checkStartSize(o);
  const chat = await getChat(ctx, ref, r);
  const pane = chat.state === 'running' ? await chatPane(r, ctx, chat) : null;
  return pane?.dead ? restartChat(r, ctx, ref, o) : openChat(r, ctx, ref, o);
}
