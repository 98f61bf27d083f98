/**
 * A chat's life as the user drives it: create (checked, then registered, then started), open
 * again, close, archive, rename. Every function takes a `TmuxRunner` (one-shot `TmuxCli` in
 * the CLI, the control-mode client in the UI) and a `ChatContext`; nothing here knows which.
 * Starting a session is chat-start.ts, its pane and killing it chat-session.ts, typing into
 * it chat-send.ts, bringing lost ones back chat-resume.ts, one registry entry chat-record.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TmuxRunner } from '../control/exec';
import { setOption } from '../control/commands';
import { isMissingTarget, isNoServer } from '../control/errors';
import { rebuildFromTmux } from './adopt';
import { apiKeyFor, recordLaunchEnv, type EnvSource } from './chat-env';
import { getChat, setRecord, unknownChat } from './chat-record';
import { learnResumeIdOffline } from './chat-resume';
import { chatPane, killChatSession, killOwnChatSession } from './chat-session';
import { startChatSession } from './chat-start';
import type { ChatContext } from './context';
import { ChatStateError, quoteValue } from './errors';
import { findChatSession } from './identity';
import { writeResumeBanner } from './logs';
import { chatSessionName, refFor } from './naming';
import { highWaterMark, readServerMark, writeServerMark } from './refs';
import { checkChatProgram } from './resolve-program';
import { findChat, readRegistry, updateRegistry, type ChatRecord, type ExecutorName, type Registry } from './registry';
import { processRunning, processStart } from './state-lock';
import { ChatInputError, checkArgv, checkEndpoint, checkEnvVarName, checkExecutor, checkLabel, checkModel, checkPath, checkSize, checkStartSize, checkText } from './validate';

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

/** Validate a new chat's input into a record (ref and session filled in later). */
function draftRecord(ctx: ChatContext, input: NewChatInput, reg: Registry, env: EnvSource): Omit<ChatRecord, 'ref' | 'session'> {
  // A library caller's input is checked here, not only by the CLI: whatever reaches the
  // registry must read back (a wrong type made chats.json unreadable) and start in tmux.
  const executor = checkExecutor(input.executor);
  checkSize('width', input.width);
  checkSize('height', input.height);
  const argv = checkArgv(input.argv ?? []);
  if (input.executor === 'cmd' && argv.length === 0) throw new ChatInputError('--executor cmd needs a command after --, e.g. chatmux chat new --executor cmd -- python3 -i');
  if (input.executor === 'nex' && (!input.model || !input.endpoint)) throw new ChatInputError('--executor nex needs -m MODEL and -e URL, e.g. chatmux chat new --executor nex -m qwen3 -e http://127.0.0.1:8000/v1');
  const parent = input.parent == null ? null : checkText('--parent', input.parent);
  if (parent !== null && !findChat(reg, parent)) throw new ChatInputError(`--parent ${parent}: unknown chat (see chatmux chat list)`);
  // Without --cwd the chat runs in the project folder, which the CLI already checked.
  const cwd = input.cwd === undefined ? ctx.project : path.resolve(ctx.project, checkPath('--cwd', input.cwd));
  if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) throw new ChatInputError(`--cwd ${quoteValue(cwd)}: not a directory`);
  return {
    name: checkLabel('name', input.name ?? ''),
    role: checkLabel('role', input.role ?? ''),
    parent,
    executor,
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

/**
 * Create and start a chat: the registry entry is written FIRST (state `starting`), so a
 * concurrent sweep never kills a chat being born, then the session.
 */
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

/** Give a chat a new name (and role), in the registry and on its tmux session. */
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

/**
 * Make sure the chat runs: closed → fresh start; running but session lost → resume. The start
 * runs under the registry lock (as resumeLost does): started outside it, an archive or close
 * landing meanwhile was undone — the session it killed or never saw came up, and `running`
 * was written over `archived` (8 of 12 `chat start` racing `chat archive`, both exit 0).
 */
export async function openChat(r: TmuxRunner, ctx: ChatContext, ref: string, o: { env?: EnvSource; width?: number; height?: number } = {}): Promise<ChatRecord> {
  checkStartSize(o);
  const chat = await getChat(ctx, ref, r);
  // Running with its session (attach's usual case): nothing to start, nothing to write.
  if (chat.state === 'running' && (await chatPane(r, ctx, chat))) return chat;
  return startLocked(r, ctx, ref, async (c) => {
    if (c.state === 'starting' && processRunning(c.starterPid)) throw new ChatStateError(`${ref} is still starting; try again in a moment`);
    if (await chatPane(r, ctx, c)) return false;
    const mode = c.state === 'running' ? 'resume' : 'fresh';
    if (mode === 'resume') learnResumeIdOffline(ctx, c);
    const banner = mode === 'resume' ? writeResumeBanner(ctx, ref, 'its tmux session was lost') : null;
    await startChatSession(r, ctx, c, { mode, env: o.env, width: o.width, height: o.height, banner });
    return true;
  }, rebuildFromTmux(r, ctx));
}

/**
 * Run `start` on chat `ref`'s record under the registry lock; when it started a session
 * (true), the record says running. A close or archive waits for the lock, so it sees the
 * session and kills it, and its state is never overwritten. Before, this pid is recorded as
 * the starter: killed between the session and the record (kill -9 of `chat start` left a
 * closed chat running in 1 of 16 tries), the next list or sweep finishes it (repair.ts); a
 * close or archive in between clears it, and then nothing starts.
 */
export async function startLocked(r: TmuxRunner, ctx: ChatContext, ref: string, start: (chat: ChatRecord) => Promise<boolean>, rebuild?: Parameters<typeof updateRegistry>[2]): Promise<ChatRecord> {
  await updateRegistry(ctx, (reg) => {
    const c = findChat(reg, ref);
    if (!c) throw unknownChat(ref);
    if (c.state === 'archived') throw new ChatStateError(`${ref} is archived; archived chats cannot be opened`);
    if (c.state !== 'starting') Object.assign(c, { starterPid: process.pid, pidStart: processStart(process.pid) });
  }, rebuild);
  let out!: ChatRecord;
  let started: string | null = null;
  try {
    await updateRegistry(ctx, async (reg) => {
      const c = findChat(reg, ref);
      if (!c) throw unknownChat(ref);
      if (c.state === 'archived') throw new ChatStateError(`${ref} was archived while it was starting`);
      const ours = c.starterPid === process.pid;
      if (ours) Object.assign(c, { starterPid: null, pidStart: null });
      // A close clears the starter; another start racing ours (it took over the mark, or it has
      // finished: the pane check below sees its session) is no reason to refuse.
      else if (c.state === 'closed' && !c.starterPid) throw new ChatStateError(`${ref} was closed while it was starting`);
      if (await start(c)) {
        started = c.session;
        Object.assign(c, { state: 'running', starterPid: null, pidStart: null, stateReason: null });
      }
      out = { ...c };
    }, undefined, {
      // The registry cannot say it runs (a full disk): take the session back so the two agree
      // (a closed chat ran on with its start reported failed; a lost one is resumed next list).
      onFailure: async () => {
        if (started) await killChatSession(r, started);
      },
    });
  } catch (err) {
    // Nothing started (or it was taken back): this pid is no starter any more (best effort;
    // left behind, it is cleared once this process has ended).
    await updateRegistry(ctx, (reg) => {
      const c = findChat(reg, ref);
      if (c?.starterPid === process.pid && c.state !== 'starting') Object.assign(c, { starterPid: null, pidStart: null });
    }).catch(() => undefined);
    throw err;
  }
  return out;
}
