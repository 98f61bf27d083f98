/**
 * The registry `<stateDir>/chats.json`: what must outlive the tmux server (executor, argv,
 * model, endpoint, resume id, state). Written atomically under a lock, validated on read.
 * Never holds a secret: only the NAME of the variable holding the API key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { ChatContext } from './context';

import { EXECUTORS, type ExecutorName } from './executor-names';
export { EXECUTORS, type ExecutorName };

/** `starting`: entry written, session being created (a sweep or resume must leave it alone). */
export const CHAT_STATES = ['starting', 'running', 'closed', 'archived'] as const;
export type ChatState = (typeof CHAT_STATES)[number];

export const ChatRecordSchema = z.object({
  ref: z.string().regex(/^chat-[1-9][0-9]*$/),
  name: z.string(),
  role: z.string(),
  parent: z.string().nullable(),
  executor: z.enum(EXECUTORS),
  /** cmd: the whole argv; other executors: extra arguments appended to theirs. */
  argv: z.array(z.string()),
  cwd: z.string(),
  model: z.string().nullable(),
  endpoint: z.string().nullable(),
  apiKeyEnv: z.string().nullable(),
  /** claude session uuid / codex session id / nex transcript marker; null until known. */
  resumeId: z.string().nullable(),
  state: z.enum(CHAT_STATES),
  /** pid of the process creating the session while state is `starting`. */
  starterPid: z.number().int().nullable().default(null),
  session: z.string(),
  created: z.string(),
  /** When the current run started (ISO), used to find a codex rollout. */
  startedAt: z.string().nullable().default(null),
});
export type ChatRecord = z.infer<typeof ChatRecordSchema>;

export const RegistrySchema = z.object({
  version: z.literal(1),
  project: z.string(),
  /** Highest ref number ever handed out: refs are never reused. */
  lastRef: z.number().int().nonnegative(),
  chats: z.array(ChatRecordSchema),
});
export type Registry = z.infer<typeof RegistrySchema>;

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
  try {
    const st = fs.statSync(ctx.stateDir);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(ctx.stateDir, 0o700);
  } catch {
    /* best effort */
  }
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
  const r = RegistrySchema.safeParse(data);
  if (!r.success) return { ok: false, reason: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ') };
  return { ok: true, registry: r.data };
}

/** Read without the lock (a snapshot; writers replace the file atomically). */
export async function readRegistry(ctx: ChatContext, rebuild?: RegistryRebuilder): Promise<Registry> {
  const file = registryPath(ctx);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegistry(ctx);
    throw e;
  }
  const parsed = parseRegistry(text);
  if (parsed.ok) return parsed.registry;
  // Corrupt: keep it for inspection and recover; needs the lock, so go through update().
  return updateRegistry(ctx, (r) => r, rebuild);
}

const LOCK_OPTIONS = {
  realpath: false,
  stale: 15000,
  update: 3000,
  retries: { retries: 200, factor: 1.2, minTimeout: 10, maxTimeout: 150, randomize: true },
};

/**
 * Read-modify-write under the lock. `mutate` may change the registry in place or return a
 * new one; its result is written atomically (0600). Returns the registry as written.
 */
export async function updateRegistry(
  ctx: ChatContext,
  mutate: (reg: Registry) => Registry | void | Promise<Registry | void>,
  rebuild?: RegistryRebuilder,
): Promise<Registry> {
  ensureStateDir(ctx);
  const file = registryPath(ctx);
  const release = await lockfile.lock(file, { ...LOCK_OPTIONS, lockfilePath: file + '.lock' });
  try {
    let reg = emptyRegistry(ctx);
    let text: string | null = null;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== null) {
      const parsed = parseRegistry(text);
      if (parsed.ok) reg = parsed.registry;
      else {
        const kept = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        fs.renameSync(file, kept);
        ctx.warn(`${file} was unreadable (${parsed.reason}); kept as ${path.basename(kept)} and rebuilt the chat list from tmux`);
        if (rebuild) reg = await rebuild(reg);
      }
    }
    const out = (await mutate(reg)) ?? reg;
    const next = JSON.stringify(out, null, 2) + '\n';
    // Unchanged (e.g. a sweep with nothing to do): leave the file alone.
    if (next !== text) await writeFileAtomic(file, next, { mode: 0o600 });
    return out;
  } finally {
    await release();
  }
}

export function findChat(reg: Registry, ref: string): ChatRecord | undefined {
  return reg.chats.find((c) => c.ref === ref);
}
