/**
 * claude: every chat owns a session uuid (`--session-id`), so resume continues exactly that
 * conversation (`--resume <uuid>`). Endpoint and key go through ANTHROPIC_BASE_URL /
 * ANTHROPIC_API_KEY in the session environment.
 */
import { randomUUID } from 'node:crypto';
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { vendorBinary } from './types';

function base(input: LaunchInput): { argv: string[]; env: Record<string, string> } {
  const { chat, apiKey } = input;
  const argv = [...vendorBinary('claude', input.env)];
  if (chat.model) argv.push('--model', chat.model);
  const env: Record<string, string> = {};
  if (chat.endpoint) env.ANTHROPIC_BASE_URL = chat.endpoint;
  if (apiKey !== null) env.ANTHROPIC_API_KEY = apiKey;
  return { argv, env };
}

const NOTE = 'stderr of claude, tee\'d through a pipe (checked with claude 2.1.328: its screen is drawn on stdout and renders unchanged)';

export const claude: Executor = {
  name: 'claude',
  fresh(input): LaunchSpec {
    // A fresh conversation gets a new uuid: "close" means the next start is fresh.
    input.chat.resumeId = randomUUID();
    const { argv, env } = base(input);
    argv.push('--session-id', input.chat.resumeId, ...input.chat.argv);
    return { argv, env, teeStderr: true, logNote: NOTE };
  },
  resume(input): LaunchSpec | null {
    if (!input.chat.resumeId) return null;
    const { argv, env } = base(input);
    argv.push('--resume', input.chat.resumeId, ...input.chat.argv);
    return { argv, env, teeStderr: true, logNote: NOTE };
  },
};
