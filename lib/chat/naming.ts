/**
 * Names chatmux gives to things in tmux: the project tag, chat refs and session names
 * (DESIGN.md "Topology"). Two projects with the same folder name get different tags.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

/** Session-name prefix of every chat session. */
export const SESSION_PREFIX = 'wg-chat-';

/** `<folder>-<8 hex of sha256(absolute path)>`; folder sanitised (`:` `.` whitespace → `-`, ≤ 48 chars). */
export function projectTag(projectDir: string): string {
  const abs = path.resolve(projectDir);
  const folder = (path.basename(abs) || 'root').replace(/[:.\s]/g, '-').slice(0, 48);
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 8);
  return `${folder}-${hash}`;
}

/** The prefix shared by every chat session of one project. */
export function projectSessionPrefix(tag: string): string {
  return `${SESSION_PREFIX}${tag}-`;
}

export function chatSessionName(tag: string, ref: string): string {
  return projectSessionPrefix(tag) + ref;
}

const REF_RE = /^chat-([1-9][0-9]{0,8})$/;

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
