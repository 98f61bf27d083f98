/** One word for a chat's condition (light: the UI paints it before loading the chat layer). */
export interface ChatCondition {
  state: string;
  /** The session exists; null when tmux was not asked. */
  live: boolean | null;
  exited: boolean;
  exitStatus: number | null;
  exitSignal?: number | null;
}

/** What a chat is, as one word: its registry state, `lost` (no session), `exited(N)` or `running`. */
export function statusWord(c: ChatCondition): string {
  if (c.state !== 'running' || c.live === null) return c.state;
  if (!c.live) return 'lost';
  if (c.exited) return endedWord('exited', c.exitStatus, c.exitSignal);
  return 'running';
}

/**
 * How a pane's program ended, as far as tmux knows: the exit status, else the signal (tmux ≥ 3.3),
 * else just "exited" — tmux < 3.4 sometimes never records the status, and 3.2 has no signal.
 */
export function endedText(status: number | null, signal?: number | null): string {
  if (status !== null) return `exited with status ${status}`;
  if (signal) return `killed by signal ${signal}${signalName(signal)}`;
  return 'exited';
}

/** `word(0)`, `word(SIGTERM)` or the bare word when neither is known. */
export function endedWord(word: string, status: number | null, signal?: number | null): string {
  if (status !== null) return `${word}(${status})`;
  if (signal) return `${word}(${signalName(signal).replace(/[ ()]/g, '') || signal})`;
  return word;
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };

function signalName(n: number): string {
  const name = SIGNAL_NAMES[n];
  return name ? ` (${name})` : '';
}
