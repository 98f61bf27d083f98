/**
 * What an agent itself reports about its conversation, per chat. claude and codex choose or
 * confirm their own session ids; instead of guessing which session file is whose (by time, by
 * which process holds it — a shared codex daemon holds them all), each chat's agent is started
 * with `bin/chatmux-hook` configured for that chat alone (codex `-c notify=[…]`, claude
 * `--settings` hooks). The hook writes the id into the chat's state folder (`resume-id`, kept
 * across a lost tmux server) and into the chat's session option `@chatmux-resume-id`.
 *
 * `resume-id` exists only once the conversation has a turn: a chat that never had one starts
 * fresh on resume. Agent state (issue 13, agent-state.ts) rides on the same hook: same program,
 * same per-chat argv, `@chatmux-state` written per event.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tomlString } from './agent-homes';
import { chatDir, type ChatContext } from './context';
import { packageRoot } from './executors/nex';
import { chatSessionName } from './naming';
import type { ChatRecord } from './registry';

/** The hook program shipped with chatmux. */
export function hookProgram(): string {
  return path.join(packageRoot(), 'bin', 'chatmux-hook');
}

/** Ids as the agents make them (uuids); anything else in a report file is ignored. */
export const REPORTED_ID_RE = /^[0-9A-Za-z-]{1,64}$/;

export function reportFiles(ctx: ChatContext, ref: string): { resumeId: string; sessionId: string } {
  const dir = chatDir(ctx, ref);
  return { resumeId: path.join(dir, 'resume-id'), sessionId: path.join(dir, 'session-id') };
}

function readId(file: string): string | null {
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    return REPORTED_ID_RE.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** The conversation the chat's agent reported (it has at least one turn), or null. */
export function reportedResumeId(ctx: ChatContext, ref: string): string | null {
  return readId(reportFiles(ctx, ref).resumeId);
}

/** claude's live session id as its SessionStart hook reported it (with or without a turn). */
export function reportedSessionId(ctx: ChatContext, ref: string): string | null {
  return readId(reportFiles(ctx, ref).sessionId);
}

/** A fresh conversation: earlier reports belong to the previous one. */
export function clearReports(ctx: ChatContext, ref: string): void {
  const f = reportFiles(ctx, ref);
  for (const file of [f.resumeId, f.sessionId]) fs.rmSync(file, { force: true });
}

/** Who the hook reports for: the chat's state folder, tmux socket and session. */
export function hookTarget(ctx: ChatContext, chat: Pick<ChatRecord, 'ref'>): string[] {
  return [chatDir(ctx, chat.ref), ctx.socket, chatSessionName(ctx.tag, chat.ref)];
}

/** One word for sh: single-quoted unless plainly safe. */
export function shWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The claude events the hook listens to, with their matcher: the session id (SessionStart,
 * UserPromptSubmit, Stop) and the agent state (issue 13: tools → working, a permission
 * request, idle prompt or question → waiting; see bin/chatmux-hook).
 */
const CLAUDE_EVENTS: ReadonlyArray<readonly [string, string | null]> = [
  ['SessionStart', null],
  ['UserPromptSubmit', null],
  ['Stop', null],
  ['PreToolUse', '*'],
  ['PostToolUse', '*'],
  // Shown at once when claude asks; its Notification for the same prompt comes seconds later.
  ['PermissionRequest', '*'],
  ['Notification', 'permission_prompt|idle_prompt|elicitation_dialog'],
];

/**
 * claude's `--settings` value: the hook on the events that carry the session id. Flag
 * settings are merged with the user's own (their hooks still run); nothing is written.
 */
export function claudeHookSettings(ctx: ChatContext, chat: Pick<ChatRecord, 'ref'>): string {
  const hooks: Record<string, unknown> = {};
  for (const [event, matcher] of CLAUDE_EVENTS) {
    const command = [hookProgram(), 'claude', event, ...hookTarget(ctx, chat)].map(shWord).join(' ');
    hooks[event] = [{ ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command }] }];
  }
  return JSON.stringify({ hooks });
}

/**
 * codex's `-c notify=[…]` value (TOML basic strings: a raw DEL in a state dir's path made codex
 * refuse its whole configuration). `userNotify` is
 * the user's own notify program, which this per-chat setting would otherwise replace: the
 * hook runs it afterwards with the same event.
 */
export function codexNotifyConfig(ctx: ChatContext, chat: Pick<ChatRecord, 'ref'>, userNotify: readonly string[] | null): string {
  const argv = [hookProgram(), 'codex', ...hookTarget(ctx, chat), ...(userNotify ?? [])];
  return `notify=[${argv.map(tomlString).join(',')}]`;
}

/**
 * The user's own top-level `notify = [...]` from a codex config.toml (one line, strings only),
 * or null. Read, never written; anything more elaborate is left alone (null).
 */
export function userCodexNotify(configToml: string): string[] | null {
  for (const line of configToml.split('\n')) {
    if (/^\s*\[/.test(line)) return null; // tables start: notify is a top-level key
    const m = /^\s*notify\s*=\s*\[(.*)\]\s*(#.*)?$/.exec(line);
    if (!m) continue;
    const out: string[] = [];
    const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(,|$)/y;
    let rest = m[1]!.trim();
    re.lastIndex = 0;
    while (rest.length > 0) {
      const s = re.exec(rest);
      if (!s) return null;
      if (s[1] !== undefined) {
        try {
          out.push(JSON.parse(`"${s[1]}"`) as string);
        } catch {
          return null;
        }
      } else out.push(s[2]!);
      rest = rest.slice(re.lastIndex);
      re.lastIndex = 0;
    }
    return out.length > 0 ? out : null;
  }
  return null;
}
