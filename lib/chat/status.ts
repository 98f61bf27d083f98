/** One word for a chat's condition (light: the UI paints it before loading the chat layer). */
export interface ChatCondition {
  state: string;
  /** The session exists; null when tmux was not asked. */
  live: boolean | null;
  exited: boolean;
  exitStatus: number | null;
}

export function statusWord(c: ChatCondition): string {
  if (c.state !== 'running' || c.live === null) return c.state;
  if (!c.live) return 'lost';
  if (c.exited) return `exited(${c.exitStatus ?? '?'})`;
  return 'running';
}
