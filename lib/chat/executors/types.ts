/** What an executor module returns: how to start (or resume) one chat's agent. */
import type { ChatContext } from '../context';
import type { ChatRecord } from '../registry';

export interface LaunchSpec {
  argv: string[];
  /** Extra environment for the session (`new-session -e`); may hold the API key. */
  env: Record<string, string>;
  /**
   * Whether the agent's stderr is a pipe into the capped writer that copies it to the pane and
   * stderr.log (claude, codex). false: the agent has the pane's terminal on stdin, stdout and
   * stderr (shell, cmd, nex), and its stderr is in output.log with the rest of the screen.
   */
  teeStderr: boolean;
  /** First line of stderr.log, saying what it holds. */
  logNote: string;
  /** Files the agent needs before it starts (per-chat config homes); run by the starter, not by fresh()/resume(). */
  prepare?: () => void;
}

export interface LaunchInput {
  chat: ChatRecord;
  ctx: ChatContext;
  /** The key's value, read from `process.env[chat.apiKeyEnv]`; only ever placed in `env`. */
  apiKey: string | null;
  /** The creator's environment (binary overrides such as CHATMUX_CLAUDE_BIN). */
  env: NodeJS.ProcessEnv;
}

export interface Executor {
  name: ChatRecord['executor'];
  /** A fresh conversation. May set `chat.resumeId` (e.g. claude's session uuid) before the start. */
  fresh(input: LaunchInput): LaunchSpec;
  /**
   * Continue this chat's conversation, or null when nothing can be resumed (start fresh). May
   * set `chat.resumeId` from what the agent reported (agent-report.ts).
   */
  resume(input: LaunchInput): LaunchSpec | null;
}

/** The binary for a vendor CLI; CHATMUX_<NAME>_BIN overrides it (tests use a fake agent). */
export function vendorBinary(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env[`CHATMUX_${name.toUpperCase()}_BIN`];
  return override ? [override] : [name];
}

/** The chat's `--api-key-env` variable under its own name (shell, cmd, nex, codex read it so). */
export function keyEnv(input: Pick<LaunchInput, 'chat' | 'apiKey'>): Record<string, string> {
  return input.chat.apiKeyEnv && input.apiKey !== null ? { [input.chat.apiKeyEnv]: input.apiKey } : {};
}
