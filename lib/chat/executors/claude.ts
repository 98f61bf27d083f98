/**
 * claude: a fresh start gets a new session uuid (`--session-id`, so the id is known from the
 * start), and hooks for this chat alone (`--settings`, agent-report.ts) through which claude
 * reports its session id itself: SessionStart (also after /clear), UserPromptSubmit and Stop.
 * Resume continues exactly the conversation claude reported as having a turn
 * (`--resume <uuid>`); a chat that never had one starts fresh with a new uuid (claude cannot
 * resume a session without messages: "No conversation found with session ID …").
 *
 * With `-e` the chat runs with its own CLAUDE_CONFIG_DIR (agent-homes.ts: onboarding done,
 * folder trusted) and the key as ANTHROPIC_AUTH_TOKEN (sent as `Authorization: Bearer`):
 * ANTHROPIC_API_KEY would stop at "Detected a custom API key… use it?", whose answer claude
 * stores as the key's tail in .claude.json. Without `-e` it is the user's own claude:
 * their config dir, ANTHROPIC_API_KEY for the vendor API, prompts answered by them.
 */
import { randomUUID } from 'node:crypto';
import { chatClaudeConfigDir, seedClaudeConfig } from '../agent-homes';
import { claudeHookSettings, clearReports, reportedResumeId, reportedSessionId } from '../agent-report';
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { vendorBinary } from './types';

/** claude appends `/v1/messages` itself: drop a trailing `/v1` users paste from OpenAI-style URLs. */
export function anthropicBaseUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
}

function base(input: LaunchInput): { argv: string[]; env: Record<string, string>; prepare?: () => void } {
  const { chat, apiKey } = input;
  const argv = [...vendorBinary('claude', input.env)];
  if (chat.model) argv.push('--model', chat.model);
  const env: Record<string, string> = {};
  if (!chat.endpoint) {
    if (apiKey !== null) env.ANTHROPIC_API_KEY = apiKey;
    return { argv, env };
  }
  const dir = chatClaudeConfigDir(input.ctx, chat);
  env.ANTHROPIC_BASE_URL = anthropicBaseUrl(chat.endpoint);
  env.CLAUDE_CONFIG_DIR = dir;
  // No auto-update, telemetry or error reports to Anthropic from a chat on someone else's server.
  env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = '1';
  if (apiKey !== null) env.ANTHROPIC_AUTH_TOKEN = apiKey;
  return { argv, env, prepare: () => seedClaudeConfig(dir, chat.cwd) };
}

const NOTE = 'stderr of claude, tee\'d through a pipe (checked with claude 2.1.328: its screen is drawn on stdout and renders unchanged)';

function launch(input: LaunchInput, session: string[], fresh: boolean): LaunchSpec {
  const { argv, env, prepare } = base(input);
  argv.push(...session, '--settings', claudeHookSettings(input.ctx, input.chat), ...input.chat.argv);
  const run = (): void => {
    if (fresh) clearReports(input.ctx, input.chat.ref);
    prepare?.();
  };
  return { argv, env, teeStderr: true, logNote: NOTE, prepare: run };
}

export const claude: Executor = {
  name: 'claude',
  fresh(input): LaunchSpec {
    // Nothing to resume until claude reports a turn; "close" means the next start is fresh.
    input.chat.resumeId = null;
    return launch(input, ['--session-id', randomUUID()], true);
  },
  resume(input): LaunchSpec | null {
    // A chat started before hooks existed (no report at all) keeps its recorded uuid.
    const legacy = reportedSessionId(input.ctx, input.chat.ref) === null ? input.chat.resumeId : null;
    const id = reportedResumeId(input.ctx, input.chat.ref) ?? legacy;
    if (!id) return null;
    input.chat.resumeId = id;
    return launch(input, ['--resume', id], false);
  },
};
