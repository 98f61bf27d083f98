/**
 * Chat metadata in tmux session user options (`@chatmux-*`), so any client can rebuild
 * the chat list without our files. Values are stored literally (set-option does not
 * format-expand); names and roles never contain control characters (validate.ts), argv is
 * stored as one-line JSON, and a path with control characters as a JSON string (tmux lists
 * options one session per line: a folder name with a newline would split the row).
 */
import type { TmuxRunner } from '../control/exec';
import { listSessions, setOption, setOptions, showOptionValue, type SessionInfo } from '../control/commands';
import type { ChatContext } from './context';
import { isChatRef } from './naming';
import { EXECUTORS, type ChatRecord, type ExecutorName } from './registry';

/** Listed with every session (one line each: no control characters). */
export const LISTED_OPTIONS = ['@chatmux-owner', '@chatmux-ref', '@chatmux-name', '@chatmux-role', '@chatmux-parent', '@chatmux-executor', '@chatmux-view', '@chatmux-project'] as const;

/** A path as an option value: as is when printable (every value before this encoding was), else JSON. */
export function pathOptionValue(p: string): string {
  return /[\u0000-\u001f\u007f]/.test(p) ? JSON.stringify(p) : p;
}

/** Inverse of `pathOptionValue` ('' for a value that is neither). */
export function pathFromOption(v: string): string {
  if (!v.startsWith('"')) return v;
  try {
    const p: unknown = JSON.parse(v);
    return typeof p === 'string' ? p : '';
  } catch {
    return '';
  }
}

export interface SessionMeta {
  ref: string;
  name: string;
  role: string;
  parent: string | null;
  executor: ExecutorName;
  project: string;
}

export async function writeChatOptions(r: TmuxRunner, sessionId: string, chat: ChatRecord, ctx: ChatContext): Promise<void> {
  const scope = { session: sessionId };
  const values: [string, string][] = [
    // First: from here on the session is known as this project + state dir's (identity.ts).
    ['@chatmux-owner', ctx.owner],
    ['@chatmux-ref', chat.ref],
    ['@chatmux-name', chat.name],
    ['@chatmux-role', chat.role],
    ['@chatmux-parent', chat.parent ?? ''],
    ['@chatmux-executor', chat.executor],
    ['@chatmux-cwd', pathOptionValue(chat.cwd)],
    ['@chatmux-model', chat.model ?? ''],
    ['@chatmux-endpoint', chat.endpoint ?? ''],
    ['@chatmux-api-key-env', chat.apiKeyEnv ?? ''],
    ['@chatmux-argv', JSON.stringify(chat.argv)],
    ['@chatmux-created', chat.created],
    // Last: a session with a project option has all the others.
    ['@chatmux-project', pathOptionValue(ctx.project)],
  ];
  await setOptions(r, scope, values);
}

export async function writeResumeIdOption(r: TmuxRunner, session: string, resumeId: string | null): Promise<void> {
  await setOption(r, { session }, '@chatmux-resume-id', resumeId ?? '');
}

/** Valid chat metadata from a listed session, or null. */
export function metaOf(s: SessionInfo): SessionMeta | null {
  const o = s.options;
  const ref = o['@chatmux-ref'] ?? '';
  const executor = o['@chatmux-executor'] ?? '';
  const project = pathFromOption(o['@chatmux-project'] ?? '');
  if (!isChatRef(ref) || !(EXECUTORS as readonly string[]).includes(executor) || !project.startsWith('/')) return null;
  const parent = o['@chatmux-parent'] ?? '';
  return { ref, name: o['@chatmux-name'] ?? '', role: o['@chatmux-role'] ?? '', parent: isChatRef(parent) ? parent : null, executor: executor as ExecutorName, project };
}

export async function listSessionsWithMeta(r: TmuxRunner): Promise<SessionInfo[]> {
  // With the session's (single) pane's pipe and death: resumeLost re-pipes an unpiped chat.
  return listSessions(r, [...LISTED_OPTIONS, 'pane_pipe', 'pane_dead']);
}

/** Rebuild a full registry record from a session's options (adoption / corrupt registry). */
export async function recordFromSession(r: TmuxRunner, s: SessionInfo, meta: SessionMeta): Promise<ChatRecord> {
  const opt = async (name: string): Promise<string> => (await showOptionValue(r, { session: s.id }, name).catch(() => null)) ?? '';
  let argv: string[] = [];
  try {
    const parsed: unknown = JSON.parse((await opt('@chatmux-argv')) || '[]');
    if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')) argv = parsed;
  } catch {
    /* unknown argv */
  }
  const orNull = (v: string): string | null => (v === '' ? null : v);
  const created = (await opt('@chatmux-created')) || new Date(s.created * 1000).toISOString();
  return {
    ref: meta.ref,
    name: meta.name,
    role: meta.role,
    parent: meta.parent,
    executor: meta.executor,
    argv,
    cwd: pathFromOption(await opt('@chatmux-cwd')) || meta.project,
    model: orNull(await opt('@chatmux-model')),
    endpoint: orNull(await opt('@chatmux-endpoint')),
    apiKeyEnv: orNull(await opt('@chatmux-api-key-env')),
    resumeId: orNull(await opt('@chatmux-resume-id')),
    state: 'running',
    starterPid: null,
    session: s.name,
    created,
    startedAt: new Date(s.created * 1000).toISOString(),
    // Not kept in tmux: an adopted chat starts again with its starter's environment.
    launchEnv: null,
  };
}
