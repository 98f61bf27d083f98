/**
 * A chat's environment. A chat gets the environment of the process that created it (the CLI
 * or the UI), as a terminal would — not the stale one tmux's global environment holds (see
 * tmux-server.ts: that one is kept free of secrets). Every value travels as `new-session -e`
 * through the quoting function, on the runner's stdin (control mode or `source-file -`),
 * so no value reaches a process's argv.
 *
 * A chat talking to its own endpoint (`-e`) gets no credential-looking variable of its
 * creator: only its own `--api-key-env` key, under the name its executor chooses. A user's
 * ANTHROPIC_API_KEY must not reach a claude that talks to someone else's server.
 *
 * What a chat needs to start again later — PATH and the agents' home variables, never a
 * secret — is recorded at creation (`launchEnv`) and wins over the environment of whoever
 * resumes or restarts it (a UI started from a shell without codex on PATH).
 */
import { hasUrlCredentials, isSecretName } from '../control/secret-env';
import type { ChatRecord } from './registry';
import { AGENT_HOME_VARS } from './tmux-server';
import { ChatInputError } from './validate';

/** Variables tmux sets itself for every pane, or that describe the creator's own terminal. */
const NOT_INHERITED = new Set(['TMUX', 'TMUX_PANE', 'TERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLUMNS', 'LINES', '_']);

/** What is recorded at creation: PATH, HOME and the agents' homes (never a secret). */
export const RECORDED_VARS = ['PATH', 'HOME', ...AGENT_HOME_VARS] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables to record for a chat created from `env`. */
export function recordLaunchEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RECORDED_VARS) {
    const v = env[name];
    if (v !== undefined && v !== '' && !hasUrlCredentials(v)) out[name] = v;
  }
  return out;
}

/**
 * The environment a chat starts from: the starter's, with the recorded variables put back
 * as they were at creation (one the creator did not have is removed). Old records (null)
 * use the starter's as is.
 */
export function starterEnvFor(chat: Pick<ChatRecord, 'launchEnv'>, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!chat.launchEnv) return env;
  const out = { ...env };
  for (const name of RECORDED_VARS) {
    if (chat.launchEnv[name] !== undefined) out[name] = chat.launchEnv[name];
    else delete out[name];
  }
  return out;
}

/** Proxy settings are meant for the proxy every request goes through: kept even with an endpoint. */
const isProxyVar = (name: string): boolean => /_proxy$/i.test(name);

/** A variable a chat with its own endpoint must not get from its creator. */
function withheldWithEndpoint(name: string, value: string | undefined): boolean {
  return !isProxyVar(name) && (isSecretName(name) || (value !== undefined && hasUrlCredentials(value)));
}

/**
 * The whole environment the chat's process should see: the starter's (see starterEnvFor),
 * then `own` (the executor's variables and chatmux's CHATMUX_*), which win.
 */
export function wantedEnv(chat: Pick<ChatRecord, 'endpoint'>, starter: NodeJS.ProcessEnv, own: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(starter)) {
    if (value === undefined || NOT_INHERITED.has(name) || !ENV_NAME.test(name)) continue;
    if (chat.endpoint && withheldWithEndpoint(name, value)) continue;
    out[name] = value;
  }
  return { ...out, ...own };
}

/**
 * What to pass with `new-session -e`: every wanted variable that tmux's global environment
 * lacks or holds with another value. A chat with an endpoint also gets an empty value for
 * each credential-looking variable the global environment still holds (the user's own
 * server, which chatmux does not clean) — tmux cannot unset a variable for one session.
 */
export function sessionEnvArgs(chat: Pick<ChatRecord, 'endpoint'>, wanted: Record<string, string>, global: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) if (global.get(name) !== value) out[name] = value;
  if (chat.endpoint) {
    for (const [name, value] of global) if (!(name in wanted) && withheldWithEndpoint(name, value)) out[name] = '';
  }
  return out;
}

/** Where the key comes from: `process.env` by default (tests may pass their own). */
export type EnvSource = NodeJS.ProcessEnv;

/** The chat's API key: the value of the variable its `--api-key-env` names, or null without one. */
export function apiKeyFor(chat: Pick<ChatRecord, 'apiKeyEnv'>, env: EnvSource): string | null {
  if (!chat.apiKeyEnv) return null;
  const v = env[chat.apiKeyEnv];
  if (v === undefined || v === '') throw new ChatInputError(`--api-key-env ${chat.apiKeyEnv}: the variable is not set in this environment (export ${chat.apiKeyEnv}=… first)`);
  return v;
}
