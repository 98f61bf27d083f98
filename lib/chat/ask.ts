/**
 * `chatmux ask`: one headless turn in a chat's own conversation, without its tmux pane.
 *   codex: `codex exec resume <the chat's session id>` (or a first `codex exec`, whose thread id
 *          becomes the chat's resume id), with the chat's model / endpoint / key plumbing;
 *   nex:   one request with the chat's transcript as history (askOnce).
 * The completed turn is appended to the chat's transcript.jsonl (for codex as a record; codex's
 * own rollout carries the conversation). A failure is one readable line, also appended to the
 * chat's stderr.log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { askOnce, EndpointError, keyFromEnv, NexError } from '../agents/nex';
import { appendTurn } from '../agents/nex/transcript';
import { chatCodexHome, seedCodexHome } from './agent-homes';
import { runCodexExec, oneLine } from './codex-exec';
import { chatFiles, type ChatContext } from './context';
import { appendLogLine } from './logs';
import { ChatStateError } from './errors';
import { apiKeyFor, type EnvSource } from './chat-env';
import { getChat, setRecord } from './chat-record';
import { starterEnvFor } from './chat-env';
import { reportedResumeId } from './agent-report';
import type { ChatRecord } from './registry';
import { ChatInputError, checkText } from './validate';

/** A turn that failed at runtime (exit 1); `message` is one line. */
export class AskError extends Error {
  override name = 'AskError';
}

/** The executors whose chats answer `askChat` (a headless turn in their own conversation). */
export const ASK_EXECUTORS = ['codex', 'nex'] as const;

export interface AskInput {
  message: string;
  env?: EnvSource;
  timeoutMs?: number;
}

function logAskError(ctx: ChatContext, ref: string, line: string): void {
  const { stderrLog } = chatFiles(ctx, ref);
  try {
    fs.mkdirSync(path.dirname(stderrLog), { recursive: true, mode: 0o700 });
    appendLogLine(stderrLog, `${new Date().toISOString()} chatmux ask: ${line}`);
  } catch {
    /* the log is a convenience */
  }
}

async function askCodex(ctx: ChatContext, chat: ChatRecord, input: AskInput, env: EnvSource): Promise<string> {
  apiKeyFor(chat, env); // a missing key is bad input, reported before anything runs
  const home = chat.endpoint ? chatCodexHome(ctx, chat) : null;
  if (home) seedCodexHome(home, chat.cwd);
  // The pane's codex may have started the conversation already (its notify reported it): continue that one.
  const reported = reportedResumeId(ctx, chat.ref);
  if (reported && reported !== chat.resumeId) chat = await setRecord(ctx, chat.ref, { resumeId: reported });
  const result = await runCodexExec({ chat, message: input.message, codexHome: home, env, timeoutMs: input.timeoutMs });
  // A first exec started this chat's conversation: later asks (and a pane resume) continue it.
  if (!chat.resumeId && result.threadId) await setRecord(ctx, chat.ref, { resumeId: result.threadId });
  if (!result.ok && /already has an active writer/.test(result.error)) {
    // The pane's codex holds this session open; codex allows a single writer per session.
    throw new AskError(`${chat.ref}'s codex session is open in its pane (codex lets one process write a session): type into it with chatmux chat send ${chat.ref}, or chatmux chat close ${chat.ref} and ask again`);
  }
  if (!result.ok) throw new AskError(result.error);
  return result.reply;
}

async function askNex(ctx: ChatContext, chat: ChatRecord, input: AskInput, env: EnvSource): Promise<string> {
  if (!chat.model || !chat.endpoint) throw new ChatInputError(`${chat.ref} has no model or endpoint recorded`);
  const key = chat.apiKeyEnv ? { apiKey: apiKeyFor(chat, env) ?? undefined, keyVar: chat.apiKeyEnv } : keyFromEnv(undefined, env);
  try {
    return await askOnce({
      endpoint: chat.endpoint, model: chat.model, apiKey: key.apiKey, keyVar: key.keyVar,
      transcriptPath: chatFiles(ctx, chat.ref).transcript, message: input.message, timeoutMs: input.timeoutMs,
    });
  } catch (err) {
    if (err instanceof NexError || err instanceof EndpointError) throw new AskError(`nex: ${err.message}`);
    throw err;
  }
}

/** Run one turn and return the reply. Bad input → ChatInputError; runtime failure → AskError. */
export async function askChat(ctx: ChatContext, ref: string, input: AskInput): Promise<string> {
  if (checkText('the message', input.message).trim() === '') throw new ChatInputError('the message is empty');
  if (input.timeoutMs !== undefined && !(Number.isFinite(input.timeoutMs) && input.timeoutMs > 0)) throw new ChatInputError(`timeoutMs ${String(input.timeoutMs)}: use a positive number of milliseconds`);
  const chat = await getChat(ctx, ref);
  // The chat's own PATH and agent homes (its codex sessions live in the CODEX_HOME it was made with).
  const env = starterEnvFor(chat, input.env ?? process.env);
  if (!(ASK_EXECUTORS as readonly string[]).includes(chat.executor)) {
    throw new ChatInputError(`${ref} is a ${chat.executor} chat; chatmux ask works with codex and nex chats (use chatmux chat send to type into it)`);
  }
  if (chat.state === 'archived') throw new ChatStateError(`${ref} is archived`);
  let reply: string;
  try {
    reply = chat.executor === 'codex' ? await askCodex(ctx, chat, input, env) : await askNex(ctx, chat, input, env);
  } catch (err) {
    if (err instanceof AskError) logAskError(ctx, ref, oneLine(err.message));
    throw err;
  }
  // nex: askOnce already recorded the turn in the transcript it reads history from.
  if (chat.executor === 'codex') appendTurn(chatFiles(ctx, ref).transcript, { user: input.message, assistant: reply, model: chat.model ?? '' });
  return reply;
}
