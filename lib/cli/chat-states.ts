/**
 * Agent state in `chatmux chat list` (issue 13): the STATE and SINCE columns, and in --json
 * `state` (what the STATE column says, without the exit status: working, waiting, idle, stalled,
 * exited for a running chat; closed, archived, lost, starting otherwise), `stateSince`, and
 * `lifecycle` (the registry's word: running, closed, archived, starting).
 */
import type { TmuxRunner } from '../api/control';
import { readStates, stateAt, stateWord, statusWord, type AgentStateWord, type ChatView } from '../api/chats';

export interface ListedChat extends ChatView {
  /** working, waiting, idle, stalled, exited, closed; null when tmux was not asked (--no-tmux). */
  agentState: AgentStateWord | null;
  /** ISO time the agent state was entered; null when unknown. */
  stateSince: string | null;
}

/** Each chat with its agent state, read from tmux in one call. */
export async function withAgentStates(r: TmuxRunner | null, chats: ChatView[]): Promise<ListedChat[]> {
  const raw = r && chats.some((c) => c.live) ? await readStates(r).catch(() => null) : null;
  const now = Date.now();
  return chats.map((c) => {
    if (c.live === null) return { ...c, agentState: null, stateSince: null };
    const s = stateAt(c.live ? raw?.get(c.session) : undefined, now);
    return { ...c, agentState: s.state, stateSince: s.since === null ? null : new Date(s.since).toISOString() };
  });
}

/** A chat as `chat list --json` prints it. */
export function listedJson(c: ListedChat): Record<string, unknown> {
  const { agentState, state, ...rest } = c;
  const word = statusWord(c);
  const shown = word === 'running' && agentState !== null ? agentState : word.replace(/\(.*\)$/, '');
  return { ...rest, state: shown, stateSince: c.stateSince, lifecycle: state };
}

/** The STATE column: the agent's state for a running chat, else what the chat is (closed, lost, …). */
export function listedState(c: ListedChat): string {
  const word = statusWord(c);
  if (word !== 'running' || c.agentState === null) return word;
  return stateWord({ state: c.agentState, exitStatus: c.exitStatus });
}

/** A short age: 42s, 3m, 2h, 5d; '-' when unknown. */
export function ageText(since: number | null, now = Date.now()): string {
  if (since === null) return '-';
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** The SINCE column: how long a running chat has been in its state. */
export function sinceText(c: ListedChat): string {
  return statusWord(c) === 'running' ? ageText(c.stateSince === null ? null : Date.parse(c.stateSince)) : '-';
}
