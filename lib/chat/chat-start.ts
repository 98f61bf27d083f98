/**
 * Start a chat's tmux session, fresh or resuming its conversation: the executor's argv behind
 * the exec guard, its environment, the output log piped before the program may start, the
 * chat's options on the session.
 */
import { randomBytes } from 'node:crypto';
import { TmuxCli, type TmuxRunner } from '../control/exec';
import { newSession, pipePane, setOption, signalChannel, type CreatedPane } from '../control/commands';
import { isNoServer } from '../control/errors';
import { writeInitialState } from './agent-state';
import { apiKeyFor, sessionEnvArgs, starterEnvFor, wantedEnv, type EnvSource } from './chat-env';
import { chatFiles, type ChatContext } from './context';
import { executorFor, type LaunchSpec } from './executors';
import { outputLogCommand, startStderrLog, wrappedCommand } from './logs';
import { writeChatOptions, writeResumeIdOption } from './metadata';
import { chatSessionName } from './naming';
import { execGuard } from './resolve-program';
import type { ChatRecord } from './registry';
import { cleanGlobalEnvironment } from './tmux-server';

/** The size a chat starts at when no terminal size is given. */
export const DEFAULT_SIZE = { width: 120, height: 40 };

/**
 * The chat's `new-session -e` variables: the starter's environment (chat-env.ts), the
 * executor's (which may hold the key) and the CHATMUX_* every chat carries, minus what
 * tmux's global environment already holds with the same value.
 */
async function sessionEnv(r: TmuxRunner, ctx: ChatContext, chat: ChatRecord, spec: LaunchSpec, env: EnvSource): Promise<Record<string, string>> {
  const own = { ...spec.env, CHATMUX_CHAT_REF: chat.ref, CHATMUX_PROJECT: ctx.project, CHATMUX_SOCKET: ctx.socket, CHATMUX_STATE_DIR: ctx.stateDir };
  const global = await cleanGlobalEnvironment(r, ctx);
  return sessionEnvArgs(chat, wantedEnv(chat, env, own), global);
}

/** The runner to create the chat's session with: a one-shot tmux client's PATH becomes the pane's (see TmuxCli). */
function runnerWithPath(r: TmuxRunner, env: EnvSource): TmuxRunner {
  return r instanceof TmuxCli && env.PATH ? r.withClientEnv({ ...process.env, PATH: env.PATH }) : r;
}

export interface StartOptions {
  mode: 'fresh' | 'resume';
  env?: EnvSource;
  width?: number;
  height?: number;
  /** Printed above the new screen (resume after the server was lost). */
  banner?: string | null;
}

/**
 * Run `fn` again (up to 3 times) when the server was exiting as we connected: right after a
 * kill-server or crash, a new command can reach the dying server ("server exited
 * unexpectedly") before a fresh one starts on the socket.
 */
async function retryWhileServerExits<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 3 || !isNoServer(err)) throw err;
      await new Promise((res) => setTimeout(res, 150 * attempt));
    }
  }
}

/**
 * Start the chat's session. Mutates `chat` (resumeId, startedAt, session) — the caller
 * writes it back to the registry.
 */
export async function startChatSession(r: TmuxRunner, ctx: ChatContext, chat: ChatRecord, o: StartOptions): Promise<CreatedPane> {
  const executor = executorFor(chat.executor);
  // PATH and the agents' homes as they were when the chat was created (chat-env.ts).
  const env = starterEnvFor(chat, o.env ?? process.env);
  const apiKey = apiKeyFor(chat, env);
  let mode = o.mode;
  let spec = mode === 'resume' ? executor.resume({ chat, ctx, apiKey, env }) : null;
  if (!spec) {
    if (mode === 'resume') ctx.warn(`${chat.ref}: nothing to resume (no ${chat.executor} session id recorded); starting a fresh conversation`);
    mode = 'fresh';
    spec = executor.fresh({ chat, ctx, apiKey, env });
  }
  const files = chatFiles(ctx, chat.ref);
  spec.prepare?.();
  startStderrLog(ctx, chat.ref, mode === 'fresh' ? 'start' : 'resume', spec.logNote);
  chat.session = chatSessionName(ctx.tag, chat.ref);
  chat.startedAt = new Date().toISOString();
  const goChannel = `chatmux-go-${process.pid}-${randomBytes(6).toString('hex')}`;
  const pane = await retryWhileServerExits(async () => newSession(runnerWithPath(r, env), {
    name: chat.session,
    windowName: chat.ref,
    cwd: chat.cwd,
    env: await sessionEnv(r, ctx, chat, spec, env),
    width: o.width ?? DEFAULT_SIZE.width,
    height: o.height ?? DEFAULT_SIZE.height,
    command: wrappedCommand(execGuard(spec.argv, { stderrLog: files.stderrLog, ref: chat.ref }), { stderrLog: spec.teeStderr ? files.stderrLog : null, banner: o.banner ?? null, goChannel }),
  }));
  try {
    // Our config sets this globally; on the user's own server (--socket default) set it here.
    await setOption(r, { window: pane.windowId }, 'remain-on-exit', 'on');
    // Not -o (a toggle): a concurrent list may have piped this new pane already (repipeIfUnpiped).
    await pipePane(r, pane.paneId, outputLogCommand(files.outputLog), false);
    // Before the agent starts: its first report must not be overwritten.
    await writeInitialState(r, pane.sessionId, chat.executor, spec.argv);
  } finally {
    // Let the agent start even if the log could not be attached.
    await signalChannel(r, goChannel);
  }
  await writeChatOptions(r, pane.sessionId, chat, ctx);
  await writeResumeIdOption(r, pane.sessionId, chat.resumeId);
  return pane;
}
