/**
 * codex: model and endpoint through a chatmux-owned model provider (`-c model_providers.chatmux.*`,
 * Responses wire API). Resume continues THIS chat's conversation (`codex resume <id>`), never
 * `--last`, which picks whichever codex session in the folder was newest. A chat with `-e` runs
 * with its own CODEX_HOME (agent-homes.ts), so its sessions live there.
 *
 * codex chooses its own thread id. Which one is this chat's is what codex itself reports: its
 * `notify` program, set for this chat alone with `-c notify=[…]` (agent-report.ts), gets the
 * thread id on every completed turn. A chat that never had a turn has no id and starts fresh.
 * `--no-daemon`: with the user's login codex otherwise starts (or joins) one shared app-server
 * per CODEX_HOME that outlives the pane, runs every chat's notify and tools with the first
 * chat's environment, and prints its JSON log lines into the pane that started it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normaliseEndpoint } from '../../agents/nex/endpoint';
import { chatCodexHome, seedCodexHome, tomlString as toml } from '../agent-homes';
import { clearReports, codexNotifyConfig, reportedResumeId, userCodexNotify } from '../agent-report';
import type { ChatContext } from '../context';
import type { ChatRecord } from '../registry';
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { vendorBinary } from './types';

/** codex appends `/responses` to base_url: accept `http://host:8000` as well as `…/v1`, like nex. */
export function codexBaseUrl(endpoint: string): string {
  try {
    return normaliseEndpoint(endpoint).base;
  } catch {
    return endpoint; // already validated by checkEndpoint; leave anything unusual as given
  }
}

/** Model, provider and key plumbing shared by the pane's codex and `codex exec` (chatmux ask). */
export function providerArgs(input: Pick<LaunchInput, 'chat'>): string[] {
  const { chat } = input;
  const args: string[] = [];
  if (chat.model) args.push('-m', chat.model);
  if (chat.endpoint) {
    args.push('-c', 'model_provider="chatmux"');
    args.push('-c', `model_providers.chatmux.name=${toml('chatmux')}`);
    args.push('-c', `model_providers.chatmux.base_url=${toml(codexBaseUrl(chat.endpoint))}`);
    if (chat.apiKeyEnv) args.push('-c', `model_providers.chatmux.env_key=${toml(chat.apiKeyEnv)}`);
    args.push('-c', 'model_providers.chatmux.wire_api="responses"');
  }
  // codex's shell snapshot dumps every exported variable (the key too) into CODEX_HOME.
  if (chat.apiKeyEnv) args.push('-c', 'features.shell_snapshot=false');
  return args;
}

/** The chat's CODEX_HOME: its own (see agent-homes.ts) when it has an endpoint, else null (the user's). */
export function chatCodexHomeOf(ctx: ChatContext, chat: ChatRecord): string | null {
  return chat.endpoint ? chatCodexHome(ctx, chat) : null;
}

function env(input: LaunchInput): Record<string, string> {
  const out: Record<string, string> = {};
  const home = chatCodexHomeOf(input.ctx, input.chat);
  if (home) out.CODEX_HOME = home;
  // codex reads the key from the variable named by env_key: pass it under that same name.
  if (input.chat.apiKeyEnv && input.apiKey !== null) out[input.chat.apiKeyEnv] = input.apiKey;
  return out;
}

function prepare(input: LaunchInput, fresh: boolean): () => void {
  const home = chatCodexHomeOf(input.ctx, input.chat);
  return () => {
    if (fresh) clearReports(input.ctx, input.chat.ref);
    if (home) seedCodexHome(home, input.chat.cwd);
  };
}

const NOTE = 'stderr of codex, tee\'d through a pipe (checked with codex-cli 0.169.0: its screen is drawn on stdout and renders unchanged)';

/** The CODEX_HOME codex resolves for the creator's environment (the user's own home). */
export function codexHome(e: NodeJS.ProcessEnv = process.env): string {
  return e.CODEX_HOME || path.join(e.HOME || os.homedir(), '.codex');
}

/** The user's own notify program, read from the config.toml of the home the chat uses. */
function userNotify(input: LaunchInput): string[] | null {
  if (chatCodexHomeOf(input.ctx, input.chat)) return null; // a chatmux-made home has none
  try {
    return userCodexNotify(fs.readFileSync(path.join(codexHome(input.env), 'config.toml'), 'utf8'));
  } catch {
    return null;
  }
}

const noDaemonCache = new Map<string, boolean>();

/**
 * Whether this codex has the shared daemon and so `--no-daemon` (0.155 and later; an older
 * codex refuses the flag and would not start). Asked once per binary and process; a version
 * that cannot be read (a wrapper, a stand-in) is taken as current.
 */
export function codexHasDaemon(bin: string, env: NodeJS.ProcessEnv): boolean {
  const known = noDaemonCache.get(bin);
  if (known !== undefined) return known;
  const r = spawnSync(bin, ['--version'], { env, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /codex-cli (\d+)\.(\d+)\.(\d+)/.exec(r.stdout ?? '');
  const has = !m || Number(m[1]) > 0 || Number(m[2]) >= 155;
  noDaemonCache.set(bin, has);
  return has;
}

/** Options of the pane's interactive codex (not `codex exec`): reporting, no shared daemon. */
function paneArgs(input: LaunchInput): string[] {
  const bin = vendorBinary('codex', input.env)[0]!;
  return [...(codexHasDaemon(bin, input.env) ? ['--no-daemon'] : []), '-c', codexNotifyConfig(input.ctx, input.chat, userNotify(input))];
}

export const codex: Executor = {
  name: 'codex',
  fresh(input): LaunchSpec {
    input.chat.resumeId = null; // reported by codex's notify after the first turn
    return {
      argv: [...vendorBinary('codex', input.env), ...paneArgs(input), ...providerArgs(input), ...input.chat.argv],
      env: env(input),
      teeStderr: true,
      logNote: NOTE,
      prepare: prepare(input, true),
    };
  },
  resume(input): LaunchSpec | null {
    // What codex reported for this chat wins; else an id `chatmux ask` recorded from codex exec.
    const id = reportedResumeId(input.ctx, input.chat.ref) ?? input.chat.resumeId;
    if (!id) return null;
    input.chat.resumeId = id;
    return {
      argv: [...vendorBinary('codex', input.env), 'resume', id, ...paneArgs(input), ...providerArgs(input), ...input.chat.argv],
      env: env(input),
      teeStderr: true,
      logNote: NOTE,
      prepare: prepare(input, false),
    };
  },
};
