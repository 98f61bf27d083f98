/**
 * Chats as tmux sessions: create, open, close, archive, rename, send, resume. Every function
 * takes a `TmuxRunner` (one-shot `TmuxCli` in the CLI, the control-mode client in the UI)
 * and a `ChatContext`; nothing here knows which.
 */
import { inputSubmitted, writeInitialState } from './agent-state';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TmuxCli, type TmuxRunner } from '../control/exec';
import {
  cancelMode, killSession, killWindow, listPanes, listWindows, newSession, pasteText, pipePane, sendBytes, sendKeyNames, sendText, setOption, signalChannel,
  type CreatedPane, type PaneInfo, type SessionInfo,
} from '../control/commands';
import { isMissingTarget, isNoServer } from '../control/errors';
import { rebuildFromTmux } from './adopt';
import { reportedResumeId } from './agent-report';
import { highWaterMark, readServerMark, writeServerMark } from './refs';
import { needsRepair, repairInterrupted, type Repair } from './repair';
import { processRunning, processStart } from './state-lock';
import { recordLaunchEnv, sessionEnvArgs, starterEnvFor, wantedEnv } from './chat-env';
import { chatFiles, type ChatContext } from './context';
import { ChatStateError, quoteValue } from './errors';
import { executorFor, type LaunchSpec } from './executors';
import { outputLogCommand, startStderrLog, wrappedCommand, writeResumeBanner } from './logs';
import { findChatSession, liveSessionsByRecord } from './identity';
import { listSessionsWithMeta, writeChatOptions, writeResumeIdOption } from './metadata';
import { chatSessionName, refFor, refNumber } from './naming';
import { checkChatProgram, execGuard } from './resolve-program';
import { findChat, readRegistry, updateRegistry, type ChatRecord, type ExecutorName, type Registry } from './registry';
import { endedText } from './status';
import { cleanGlobalEnvironment } from './tmux-server';
import { ChatInputError, checkArgv, checkEndpoint, checkEnvVarName, checkLabel, checkModel, checkPath } from './validate';

/**
 * Target for set/show-options on a session by exact name: tmux 3.3 answers a bare `=name`
 * there with "no such session"; `=name:` resolves.
 */
export function optionTarget(session: string): string {
  return `=${session}:`;
}

export interface NewChatInput {
  executor: ExecutorName;
  name?: string;
  role?: string;
  parent?: string | null;
  model?: string | null;
  endpoint?: string | null;
  apiKeyEnv?: string | null;
  cwd?: string;
  argv?: readonly string[];
  /** Initial window size (avoids a reflow on first attach); default 120x40. */
  width?: number;
  height?: number;
}

export const DEFAULT_SIZE = { width: 120, height: 40 };

/** Where the key comes from: `process.env` by default (tests may pass their own). */
export type EnvSource = NodeJS.ProcessEnv;

/** The error a user sees for a ref that does not exist. */
export function unknownChat(ref: string): ChatInputError {
  return new ChatInputError(`unknown chat '${ref}' (see chatmux chat list)`);
}

export function apiKeyFor(chat: Pick<ChatRecord, 'apiKeyEnv'>, env: EnvSource): string | null {
  if (!chat.apiKeyEnv) return null;
  const v = env[chat.apiKeyEnv];
  if (v === undefined || v === '') throw new ChatInputError(`--api-key-env ${chat.apiKeyEnv}: the variable is not set in this environment (export ${chat.apiKeyEnv}=… first)`);
  return v;
}

/** Validate a new chat's input into a record (ref and session filled in later). */
function draftRecord(ctx: ChatContext, input: NewChatInput, reg: Registry, env: EnvSource): Omit<ChatRecord, 'ref' | 'session'> {
  const argv = checkArgv(input.argv ?? []);
  if (input.executor === 'cmd' && argv.length === 0) throw new ChatInputError('--executor cmd needs a command after --, e.g. chatmux chat new --executor cmd -- python3 -i');
  if (input.executor === 'nex' && (!input.model || !input.endpoint)) throw new ChatInputError('--executor nex needs -m MODEL and -e URL, e.g. chatmux chat new --executor nex -m qwen3 -e http://127.0.0.1:8000/v1');
  const parent = input.parent ?? null;
  if (parent !== null && !findChat(reg, parent)) throw new ChatInputError(`--parent ${parent}: unknown chat (see chatmux chat list)`);
  // Without --cwd the chat runs in the project folder, which the CLI already checked.
  const cwd = input.cwd === undefined ? ctx.project : path.resolve(ctx.project, checkPath('--cwd', input.cwd));
  if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) throw new ChatInputError(`--cwd ${quoteValue(cwd)}: not a directory`);
  return {
    name: checkLabel('name', input.name ?? ''),
    role: checkLabel('role', input.role ?? ''),
    parent,
    executor: input.executor,
    argv,
    cwd,
    model: input.model ? checkModel(input.model) : null,
    // '' is refused, not taken as "none": a typo'd `--api-key-env "$VAR"` must not go unnoticed.
    endpoint: input.endpoint != null ? checkEndpoint(input.endpoint) : null,
    apiKeyEnv: input.apiKeyEnv != null ? checkEnvVarName('--api-key-env', input.apiKeyEnv) : null,
    resumeId: null,
    state: 'starting',
    starterPid: process.pid,
    pidStart: processStart(process.pid),
    created: new Date().toISOString(),
    startedAt: null,
    launchEnv: recordLaunchEnv(env),
  };
}

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

/**
 * Create and start a chat: the registry entry is written FIRST (state `starting`), so a
 * concurrent sweep never kills a chat being born, then the session.
 */
/**
 * Validate and write the registry entry (state `starting`, owned by this pid); allocates the
 * ref above every high-water mark (refs.ts), so no ref is ever handed out twice.
 */
export async function createDraft(ctx: ChatContext, input: NewChatInput, env: EnvSource = process.env, r?: TmuxRunner): Promise<ChatRecord> {
  // Fail on a missing key before anything is written.
  if (input.apiKeyEnv != null) apiKeyFor({ apiKeyEnv: checkEnvVarName('--api-key-env', input.apiKeyEnv) }, env);
  let chat!: ChatRecord;
  await updateRegistry(ctx, async (reg) => {
    const draft = draftRecord(ctx, input, reg, env);
    const n = highWaterMark(ctx, reg, r ? await readServerMark(r, ctx) : 0) + 1;
    reg.lastRef = n;
    chat = { ...draft, ref: refFor(n), session: chatSessionName(ctx.tag, refFor(n)) };
    reg.chats.push(chat);
  }, r ? rebuildFromTmux(r, ctx) : undefined, { afterWrite: r ? (reg) => markRefs(r, ctx, reg) : undefined });
  return chat;
}

/** Raise the server's ref mark; best effort (before the first session there is no server yet). */
async function markRefs(r: TmuxRunner, ctx: ChatContext, reg: Registry): Promise<void> {
  await writeServerMark(r, ctx, reg.lastRef).catch(() => undefined);
}

/**
 * Refuse bad input, then a program that cannot run (not found, not executable), before a ref,
 * a registry entry or a session exists. createDraft checks the input again under the lock.
 */
export async function checkNewChat(ctx: ChatContext, input: NewChatInput, env: EnvSource = process.env, r?: TmuxRunner): Promise<void> {
  if (input.apiKeyEnv != null) apiKeyFor({ apiKeyEnv: checkEnvVarName('--api-key-env', input.apiKeyEnv) }, env);
  const draft = draftRecord(ctx, input, await readRegistry(ctx, r ? rebuildFromTmux(r, ctx) : undefined), env);
  checkChatProgram(draft.executor, draft.argv, draft.cwd, env);
}

export async function createChat(r: TmuxRunner, ctx: ChatContext, input: NewChatInput, env: EnvSource = process.env): Promise<ChatRecord> {
  await checkNewChat(ctx, input, env, r);
  const chat = await createDraft(ctx, input, env, r);
  try {
    await startChatSession(r, ctx, chat, { mode: 'fresh', env, width: input.width, height: input.height });
  } catch (err) {
    throw await markStartFailed(ctx, chat.ref, `could not start: ${(err as Error).message}`, err as Error);
  }
  let stoppedMeanwhile = false;
  let out!: ChatRecord;
  try {
    await updateRegistry(ctx, (reg) => {
      const c = findChat(reg, chat.ref);
      if (!c) throw unknownChat(chat.ref);
      // Closed or archived while it was starting: that wins, the session goes.
      stoppedMeanwhile = c.state !== 'starting';
      if (!stoppedMeanwhile) Object.assign(c, { state: 'running', starterPid: null, pidStart: null, resumeId: chat.resumeId, startedAt: chat.startedAt, session: chat.session });
      out = { ...c };
    }, undefined, { afterWrite: (reg) => markRefs(r, ctx, reg) });
  } catch (err) {
    // The registry cannot say it runs (full disk?): take the session back so tmux and the
    // registry agree. If the entry cannot say closed either, it stays `starting` with this
    // pid and the first list after this process ends marks it closed (repair.ts).
    await killChatSession(r, chat.session).catch(() => undefined);
    throw await markStartFailed(ctx, chat.ref, `could not record its start: ${(err as Error).message}`, err as Error);
  }
  if (stoppedMeanwhile) await killChatSession(r, chat.session);
  return out;
}

/**
 * chat new failed: the entry says closed and why (best effort: a full disk may refuse even
 * that; repair.ts then finishes it). A close or archive that landed while the chat was
 * starting wins: an archived chat was put back to closed ("could not start") before.
 */
async function markStartFailed(ctx: ChatContext, ref: string, reason: string, err: Error): Promise<Error> {
  try {
    await updateRegistry(ctx, (reg) => {
      const c = findChat(reg, ref);
      if (!c) return;
      c.starterPid = null;
      if (c.state === 'starting') Object.assign(c, { state: 'closed', stateReason: reason });
    });
    return err;
  } catch {
    // The entry stays as the draft wrote it: "nothing was changed" (the lock's or writer's
    // words for this last step) would be untrue for the command as a whole.
    return new Error(`${err.message.replace(/; (nothing was changed|the previous contents were kept)$/, '')}; ${ref} stays recorded as starting until the next chat list marks it closed`);
  }
}

/** Update fields of one record under the lock; returns the updated record. */
export async function setRecord(ctx: ChatContext, ref: string, patch: Partial<ChatRecord>): Promise<ChatRecord> {
  let out: ChatRecord | undefined;
  await updateRegistry(ctx, (reg) => {
    const c = findChat(reg, ref);
    if (!c) throw unknownChat(ref);
    Object.assign(c, patch);
    if (patch.state === 'running' && !('stateReason' in patch)) c.stateReason = null;
    out = c;
  });
  return out!;
}

export async function getChat(ctx: ChatContext, ref: string, r?: TmuxRunner): Promise<ChatRecord> {
  const reg = await readRegistry(ctx, r ? rebuildFromTmux(r, ctx) : undefined);
  const c = findChat(reg, ref);
  if (!c) throw unknownChat(ref);
  return c;
}

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

/**
 * Close or archive: the new state is recorded FIRST (with this pid as the stopper), then the
 * session is killed. A `chat list` or UI start racing with us reads closed/archived and never
 * resumes the chat; a failing registry write (full or read-only disk) fails before anything
 * is killed; a stopper killed half-way is finished by the next list or sweep (repair.ts).
 */
async function stopChat(r: TmuxRunner, ctx: ChatContext, ref: string, state: 'closed' | 'archived'): Promise<ChatRecord> {
  let chat!: ChatRecord;
  await updateRegistry(ctx, (reg) => {
    const c = findChat(reg, ref);
    if (!c) throw unknownChat(ref);
    if (state === 'closed' && c.state === 'archived') throw new ChatStateError(`${ref} is archived`);
    Object.assign(c, { state, starterPid: null, stopperPid: process.pid, pidStart: processStart(process.pid), stateReason: null });
    chat = { ...c };
  }, rebuildFromTmux(r, ctx));
  await killOwnChatSession(r, ctx, ref);
  let out = chat;
  // Best effort: the chat is stopped either way; a stopperPid left behind is cleared by repair.
  await updateRegistry(ctx, (reg) => {
    const c = findChat(reg, ref);
    if (c?.stopperPid === process.pid) Object.assign(c, { stopperPid: null, pidStart: null });
    if (c) out = { ...c };
  }).catch(() => undefined);
  return out;
}

/** Stop the process, keep the chat: it starts fresh next time it is opened. */
export async function closeChat(r: TmuxRunner, ctx: ChatContext, ref: string): Promise<ChatRecord> {
  return stopChat(r, ctx, ref, 'closed');
}

/** Stop it and hide it for good (refs are never reused). */
export async function archiveChat(r: TmuxRunner, ctx: ChatContext, ref: string): Promise<ChatRecord> {
  return stopChat(r, ctx, ref, 'archived');
}

export async function renameChat(r: TmuxRunner, ctx: ChatContext, ref: string, name: string, role?: string): Promise<ChatRecord> {
  checkLabel('name', name);
  if (role !== undefined) checkLabel('role', role);
  const chat = await getChat(ctx, ref, r);
  if (chat.state === 'archived') throw new ChatStateError(`${ref} is archived`);
  const patch: Partial<ChatRecord> = { name };
  if (role !== undefined) patch.role = role;
  const updated = await setRecord(ctx, ref, patch);
  try {
    const s = await findChatSession(r, ctx, ref);
    if (s) await setOption(r, { session: s.id }, '@chatmux-name', name);
    if (s && role !== undefined) await setOption(r, { session: s.id }, '@chatmux-role', role);
  } catch (err) {
    if (!isMissingTarget(err) && !isNoServer(err)) throw err;
  }
  return updated;
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

/** Make sure the chat runs: closed → fresh start; running but session lost → resume. */
export async function openChat(r: TmuxRunner, ctx: ChatContext, ref: string, o: { env?: EnvSource; width?: number; height?: number } = {}): Promise<ChatRecord> {
  const chat = await getChat(ctx, ref, r);
  if (chat.state === 'archived') throw new ChatStateError(`${ref} is archived; archived chats cannot be opened`);
  if (chat.state === 'starting' && pidAlive(chat.starterPid)) throw new ChatStateError(`${ref} is still starting; try again in a moment`);
  if (await chatPane(r, ctx, chat)) return chat;
  const mode = chat.state === 'running' ? 'resume' : 'fresh';
  if (mode === 'resume') learnResumeIdOffline(ctx, chat);
  const banner = mode === 'resume' ? writeResumeBanner(ctx, ref, 'its tmux session was lost') : null;
  await startChatSession(r, ctx, chat, { mode, env: o.env, width: o.width, height: o.height, banner });
  return setRecord(ctx, ref, { state: 'running', starterPid: null, resumeId: chat.resumeId, startedAt: chat.startedAt, session: chat.session });
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Delay between the text and its Enter: Ink apps read a CR arriving with the text as a newline. */
export const ENTER_DELAY_MS = 100;

function isValidUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Type text into the chat, then Enter. Single-line text is typed literally (`send-keys -l`);
 * multi-line text is pasted (bracketed when the app asked for it) so newlines do not submit;
 * bytes that are not UTF-8 are sent exactly (`send-keys -H`).
 */
export async function sendToChat(r: TmuxRunner, ctx: ChatContext, ref: string, input: string | Buffer, o: { enter?: boolean } = {}): Promise<void> {
  const chat = await getChat(ctx, ref, r);
  if (chat.state !== 'running') throw new ChatStateError(`${ref} is ${chat.state}; start it with: chatmux chat attach ${ref}`);
  const pane = await chatPane(r, ctx, chat);
  if (!pane) throw new ChatStateError(`${ref} has no tmux session (the server was stopped?); run chatmux chat list to bring it back`);
  if (pane.dead) throw new ChatStateError(`${ref}'s program ended (${endedText(pane.deadStatus, pane.deadSignal)}); chatmux chat close ${ref} and open it again`);
  // In copy mode the keys would be copy-mode commands, not text for the agent.
  if (pane.inMode) await cancelMode(r, pane.id);
  if (Buffer.isBuffer(input) && !isValidUtf8(input)) {
    let bytes = input;
    if (bytes[bytes.length - 1] === 0x0a) bytes = bytes.subarray(0, bytes.length - 1);
    await sendBytes(r, pane.id, bytes);
  } else {
    const text = (Buffer.isBuffer(input) ? input.toString('utf8') : input).replace(/\r?\n$/, '');
    if (text.includes('\n')) await pasteText(r, pane.id, text);
    else if (text !== '') await sendText(r, pane.id, text);
  }
  if (o.enter !== false) {
    await sleep(ENTER_DELAY_MS);
    await sendKeyNames(r, pane.id, ['Enter']);
    await inputSubmitted(r, chat).catch(() => undefined);
  }
}

/** The process runs (a killed, unreaped zombie does not). */
export function pidAlive(pid: number | null): boolean {
  return processRunning(pid);
}

/** Live sessions on the server by name (empty when no server runs). */
export async function liveSessions(r: TmuxRunner): Promise<Map<string, SessionInfo>> {
  try {
    return new Map((await listSessionsWithMeta(r)).map((s) => [s.name, s]));
  } catch (err) {
    if (isNoServer(err)) return new Map();
    throw err;
  }
}

/** Names of live sessions on the server ([] when no server runs). */
export async function liveSessionNames(r: TmuxRunner): Promise<Set<string>> {
  return new Set((await liveSessions(r)).keys());
}

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
function learnResumeIdOffline(ctx: ChatContext, chat: ChatRecord): void {
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
