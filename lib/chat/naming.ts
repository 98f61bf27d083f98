/**
 * Names chatmux gives to things in tmux: the project tag, chat refs and session names
 * (DESIGN.md "Topology"). Two projects with the same folder name, or one project with two
 * state dirs, get different tags.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

/** Session-name prefix of every chat session. */
export const SESSION_PREFIX = 'wg-chat-';

/** At most this many characters of the folder name go into a session name. */
export const MAX_SLUG_CHARS = 32;

/**
 * The folder name as `[A-Za-z0-9_-]` only: tmux rewrites a session name it finds unprintable
 * (`\` → `\\`, unassigned code points → octal), after which the name we recorded no longer
 * finds the session; a name made of these characters is stored as given. Accents are dropped
 * (`café` → `cafe`), every other run of characters becomes one `-`.
 */
export function folderSlug(name: string): string {
  const ascii = name.normalize('NFKD').replace(/\p{M}+/gu, '');
  const slug = ascii.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+/, '').slice(0, MAX_SLUG_CHARS).replace(/-+$/, '');
  return slug || 'project';
}

/**
 * Who owns a chat session: 16 hex of sha256(project, state dir). Stored in the session's
 * `@chatmux-owner` option; a session whose owner differs is never listed, sent to or killed.
 */
export function instanceId(projectDir: string, stateDir: string): string {
  return createHash('sha256').update(`${path.resolve(projectDir)}\0${path.resolve(stateDir)}`).digest('hex').slice(0, 16);
}

/** `<slug of the folder>-<8 hex of the instance id>`: plain ASCII, at most 41 characters. */
export function projectTag(projectDir: string, stateDir: string): string {
  return `${folderSlug(path.basename(path.resolve(projectDir)))}-${instanceId(projectDir, stateDir).slice(0, 8)}`;
}

/** The prefix shared by every chat session of one project. */
export function projectSessionPrefix(tag: string): string {
  return `${SESSION_PREFIX}${tag}-`;
}

/** The tmux session name of chat `ref` of the project tagged `tag` (ChatContext.tag). */
export function chatSessionName(tag: string, ref: string): string {
  return projectSessionPrefix(tag) + ref;
}

const REF_RE = /^chat-([1-9][0-9]{0,8})$/;

/** Whether `s` is a chat ref (`chat-1`, `chat-42`). */
export function isChatRef(s: string): boolean {
  return REF_RE.test(s);
}

export function refNumber(ref: string): number {
  const m = REF_RE.exec(ref);
  return m ? Number(m[1]) : 0;
}

export function refFor(n: number): string {
  return `chat-${n}`;
}

/** The ref at the end of one of this project's session names, or null. */
export function refFromSessionName(tag: string, name: string): string | null {
  const prefix = projectSessionPrefix(tag);
  if (!name.startsWith(prefix)) return null;
  const ref = name.slice(prefix.length);
  return isChatRef(ref) ? ref : null;
}
