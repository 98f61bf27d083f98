/**
 * The registry `<stateDir>/chats.json`: what must outlive the tmux server (executor, argv,
 * model, endpoint, resume id, state). Written durably under a lock, validated on read.
 * Never holds a secret: only the NAME of the variable holding the API key.
 *
 * Every successful write is followed by the same bytes in `chats.json.bak`, so a file
 * corrupted later (by hand, by another tool) is restored whole — closed and archived chats
 * included — instead of being rebuilt from the chats tmux still runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeErrno, realFs, TEMP_INFIX, writeFileDurably, type FsSeam } from './atomic-write';
import { acquireLock } from './state-lock';
import type { ChatContext } from './context';

import { EXECUTORS, type ExecutorName } from './executor-names';
export { EXECUTORS, type ExecutorName };

import { CHAT_STATES, type ChatState } from './chat-states';
import type { ChatRecord, Registry } from './registry-schema';
import { quickRegistry } from './registry-check';
export { CHAT_STATES, type ChatState, type ChatRecord, type Registry };

/** Where the registry lives: `<state dir>/chats.json`. */
export function registryPath(ctx: ChatContext): string {
  return path.join(ctx.stateDir, 'chats.json');
}

export function emptyRegistry(ctx: ChatContext): Registry {
  return { version: 1, project: ctx.project, lastRef: 0, chats: [] };
}

/**
 * Create the state dir (0700) if needed. A new one gets a `.gitignore` of `*`: it holds every
 * chat's output, which must not show up in (or be committed to) the project's git.
 */
export function ensureStateDir(ctx: ChatContext): void {
  // mkdirSync returns the first folder it made, undefined when the state dir existed.
  if (fs.mkdirSync(ctx.stateDir, { recursive: true, mode: 0o700 }) !== undefined) fs.writeFileSync(path.join(ctx.stateDir, '.gitignore'), '# written by chatmux: chat logs and state stay out of git\n*\n', { mode: 0o600, flag: 'wx' });
  // Tighten an existing folder only when it holds nothing but chatmux's own files: a
  // `--state-dir ~` or `..` must never make the user's home or project private.
  try {
    const st = fs.statSync(ctx.stateDir);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.() && holdsOnlyOurFiles(ctx.stateDir)) fs.chmodSync(ctx.stateDir, 0o700);
  } catch {
    /* best effort */
  }
}

/** chats.json and its backup, lock and temps, chats/, tmux.conf, ui.log, .gitignore. */
const OUR_FILE = /^(chats\.json(\..*)?|chats|tmux\.conf|ui\.log(\..*)?|\.gitignore)$/;

function holdsOnlyOurFiles(dir: string): boolean {
  return fs.readdirSync(dir).every((name) => OUR_FILE.test(name));
}

/** Called when the file is corrupt: returns chats recovered from elsewhere (tmux user options). */
export type RegistryRebuilder = (reg: Registry) => Promise<Registry>;

type ReadResult = { ok: true; registry: Registry } | { ok: false; reason: string };

function parseRegistry(text: string): ReadResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
  // The usual case, a valid file, without loading zod; anything else gets zod's verdict and messages.
  const quick = quickRegistry(data);
  if (quick) return { ok: true, registry: quick };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RegistrySchema } = require('./registry-schema') as typeof import('./registry-schema');
  const r = RegistrySchema.safeParse(data);
  if (!r.success) return { ok: false, reason: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ') };
  return { ok: true, registry: r.data };
}

export function backupPath(ctx: ChatContext): string {
  return registryPath(ctx) + '.bak';
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The state dir has chat log folders: it had a registry. With chats.json and its backup both
 * gone, `chat list` said "no chats" while tmux ran them (only a sweep adopted them back).
 */
function hadChats(ctx: ChatContext): boolean {
  try {
    return fs.readdirSync(path.join(ctx.stateDir, 'chats')).length > 0;
  } catch {
    return false;
  }
}

/** The last good copy, or null when there is none (or it is unreadable too). */
export function readBackup(ctx: ChatContext): Registry | null {
  let text: string | null;
  try {
    text = readText(backupPath(ctx));
  } catch {
    return null;
  }
  if (text === null) return null;
  const parsed = parseRegistry(text);
  return parsed.ok ? parsed.registry : null;
}

/** Read without the lock (a snapshot; writers replace the file atomically). */
export async function readRegistry(ctx: ChatContext, rebuild?: RegistryRebuilder): Promise<Registry> {
  const text = readText(registryPath(ctx));
  if (text === null) {
    // Gone, but a backup is there (or log folders say chats existed): restore or rebuild it
    // (under the lock, through update()). A new state dir has neither: nothing is written.
    if (readText(backupPath(ctx)) === null && !(rebuild && hadChats(ctx))) return emptyRegistry(ctx);
    return updateRegistry(ctx, (r) => r, rebuild);
  }
  const parsed = parseRegistry(text);
  if (parsed.ok) return parsed.registry;
  // Corrupt: keep it for inspection and recover; needs the lock, so go through update().
  return updateRegistry(ctx, (r) => r, rebuild);
}

/** The file system the registry writes through (tests inject faults here). */
let registryFs: FsSeam = realFs;

/** Run `fn` with the registry writing through `seam`; for fault-injection tests. */
export async function withRegistryFs<T>(seam: FsSeam, fn: () => Promise<T>): Promise<T> {
  const before = registryFs;
  registryFs = seam;
  try {
    return await fn();
  } finally {
    registryFs = before;
  }
}

/**
 * Temp files of writes killed half-way (`chats.json.tmp-<pid>-…`, and write-file-atomic's
 * `chats.json.<n>` from older versions). Called under the lock: no other writer is active,
 * so any temp that is not ours is garbage.
 */
function removeStaleTemps(ctx: ChatContext): void {
  const base = path.basename(registryPath(ctx));
  let names: string[];
  try {
    names = fs.readdirSync(ctx.stateDir);
  } catch {
    return;
  }
  const ours = `${TEMP_INFIX}${process.pid}-`;
  for (const n of names) {
    if (!n.startsWith(base + '.')) continue;
    const whole = n.slice(base.length);
    // The backup's temps too (`chats.json.bak.tmp-…`): a write killed there was never cleaned.
    const rest = whole.startsWith('.bak.') ? whole.slice('.bak'.length) : whole;
    const legacy = /^\.\d+$/.test(whole);
    const temp = rest.startsWith(TEMP_INFIX) && !rest.startsWith(ours);
    if (legacy || temp) fs.rmSync(path.join(ctx.stateDir, n), { force: true });
  }
}

/** Load the registry under the lock, restoring the backup (or rebuilding) when the file is bad. */
async function loadLocked(ctx: ChatContext, rebuild?: RegistryRebuilder): Promise<{ reg: Registry; text: string | null }> {
  const file = registryPath(ctx);
  const text = readText(file);
  if (text !== null) {
    const parsed = parseRegistry(text);
    if (parsed.ok) return { reg: parsed.registry, text };
  }
  const backup = readBackup(ctx);
  // A backup that is there but unreadable is no reason to start empty: the chats tmux still
  // runs must be rebuilt (a missing chats.json + a corrupt backup listed "no chats" and wrote
  // an empty registry over both, leaving every running chat's session an orphan).
  const badBackup = backup === null && fs.existsSync(backupPath(ctx));
  if (text === null && backup === null && !badBackup && !(rebuild && hadChats(ctx))) return { reg: emptyRegistry(ctx), text };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let what: string;
  if (text === null) {
    what = `${file} was missing`;
  } else {
    const kept = `${file}.corrupt-${stamp}`;
    fs.renameSync(file, kept);
    what = `${file} was unreadable (${(parseRegistry(text) as { reason: string }).reason}); kept as ${path.basename(kept)}`;
  }
  if (badBackup) {
    const kept = `${backupPath(ctx)}.corrupt-${stamp}`;
    fs.renameSync(backupPath(ctx), kept);
    what += `; its backup was unreadable too (kept as ${path.basename(kept)})`;
  }
  let reg = emptyRegistry(ctx);
  if (backup) {
    reg = backup;
    ctx.warn(`${what}; restored the last good copy (${backup.chats.length} chat(s)) from ${path.basename(backupPath(ctx))}`);
  } else {
    ctx.warn(`${what} and rebuilt the chat list from tmux`);
  }
  // Chats created after the backup (if any) still run in tmux.
  if (rebuild) reg = await rebuild(reg);
  // Written back even when unchanged: the file on disk is not this registry.
  return { reg, text: null };
}

/**
 * Read-modify-write under the lock. `mutate` may change the registry in place or return a
 * new one; its result is written durably (0600), then copied to the backup. Returns the
 * registry as written. A failed write throws (DurableWriteError) and leaves the file as it was;
 * `afterWrite` runs only after a successful write, `onFailure` after a failed one, both under the lock.
 */
export async function updateRegistry(
  ctx: ChatContext,
  mutate: (reg: Registry) => Registry | void | Promise<Registry | void>,
  rebuild?: RegistryRebuilder,
  o: { afterWrite?: (reg: Registry) => Promise<void>; onFailure?: () => Promise<void> } = {},
): Promise<Registry> {
  ensureStateDir(ctx);
  const file = registryPath(ctx);
  const release = await acquireLock(file + '.lock', {
    onBreak: (why) => ctx.warn(`removed a stale lock ${path.basename(file)}.lock (${why})`),
  }).catch((err: NodeJS.ErrnoException) => {
    // A full or read-only disk fails here already: say so plainly.
    throw err.code ? new Error(`could not lock ${file}: ${describeErrno(err.code, err)}; nothing was changed`) : err;
  });
  try {
    removeStaleTemps(ctx);
    const { reg, text } = await loadLocked(ctx, rebuild);
    const out = (await mutate(reg)) ?? reg;
    const next = JSON.stringify(out, null, 2) + '\n';
    // Never write what the next read would call corrupt (a record a caller filled wrongly):
    // that read would set the whole file aside, every other chat with it.
    const check = parseRegistry(next);
    if (!check.ok) throw new RegistryWriteRefused(`refused to write ${file}: the result would not be a valid registry (${check.reason}); nothing was changed`);
    // Unchanged (e.g. a sweep with nothing to do): leave the file alone.
    if (next !== text) {
      writeFileDurably(file, next, { mode: 0o600, fs: registryFs });
      writeBackup(ctx, next);
    }
    // Still under the lock: e.g. a counter kept elsewhere that must only grow.
    await o.afterWrite?.(out);
    return out;
  } catch (err) {
    // Still under the lock: undo what `mutate` did outside the file (a session it started).
    await o.onFailure?.().catch(() => undefined);
    throw err;
  } finally {
    release();
  }
}

/** A change that would have left `chats.json` unreadable: a bug in its caller; nothing was written. */
export class RegistryWriteRefused extends Error {
  override name = 'RegistryWriteRefused';
}

/** The backup trails the registry by one write at most; failing to write it is only a warning. */
function writeBackup(ctx: ChatContext, text: string): void {
  try {
    writeFileDurably(backupPath(ctx), text, { mode: 0o600, fs: registryFs });
  } catch (err) {
    ctx.warn(`${(err as Error).message} (the registry itself was written)`);
  }
}

/** The chat `ref` in a registry read with readRegistry, if any. */
export function findChat(reg: Registry, ref: string): ChatRecord | undefined {
  return reg.chats.find((c) => c.ref === ref);
}

