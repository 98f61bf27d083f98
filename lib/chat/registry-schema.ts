/**
 * The registry's zod schema: the one definition of what `chats.json` may hold, and the source
 * of its error messages. Loaded only when a file fails the quick check in registry-check.ts
 * (zod takes 50–100 ms to load, on the UI's start path), and by tests comparing the two.
 */
import { z } from 'zod';
import { EXECUTORS } from './executor-names';
import { CHAT_STATES } from './chat-states';

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
  /**
   * pid of the process stopping the chat: set together with state closed/archived BEFORE
   * the session is killed, cleared after. A sweep leaves such a chat alone while that pid
   * lives, and finishes the kill when it died half-way.
   */
  stopperPid: z.number().int().nullable().optional(),
  /** When the process named by starterPid/stopperPid started (kernel ticks): a reused pid is not it. */
  pidStart: z.string().nullable().optional(),
  /** Why the chat is in its state when chatmux put it there on its own (e.g. an interrupted start). */
  stateReason: z.string().nullable().optional(),
  session: z.string(),
  created: z.string(),
  /** When the current run started (ISO), used to find a codex rollout. */
  startedAt: z.string().nullable().default(null),
  /**
   * PATH, HOME and the agents' home variables (CODEX_HOME, CLAUDE_CONFIG_DIR, XDG_CONFIG_HOME)
   * of the process that created the chat (never a secret): resume and restart use them
   * (chat-env.ts). Absent for chats created before this was recorded.
   */
  launchEnv: z.record(z.string(), z.string()).nullable().optional(),
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
