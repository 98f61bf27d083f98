/**
 * codex: model and endpoint through a chatmux-owned model provider (`-c model_providers.chatmux.*`,
 * Responses wire API). Resume continues THIS chat's conversation (`codex resume <id>`), never
 * `--last`, which picks whichever codex session in the folder was newest. A chat with `-e` runs
 * with its own CODEX_HOME (agent-homes.ts), so its sessions live there.
 *
 * codex chooses its own session id and records it as `rollout-<time>-<uuid>.jsonl` under
 * `$CODEX_HOME/sessions/YYYY/MM/DD/` (first line: `session_meta` with `id` and `cwd`).
 * `captureResumeId` finds this chat's file: first the rollout the chat's own processes hold
 * open (exact), else the oldest rollout for the chat's cwd started after this run began that
 * no other chat has claimed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normaliseEndpoint } from '../../agents/nex/endpoint';
import { chatCodexHome, seedCodexHome } from '../agent-homes';
import type { ChatContext } from '../context';
import type { ChatRecord } from '../registry';
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { vendorBinary } from './types';

const toml = (s: string): string => JSON.stringify(s);

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

function prepare(input: LaunchInput): (() => void) | undefined {
  const home = chatCodexHomeOf(input.ctx, input.chat);
  return home ? () => seedCodexHome(home, input.chat.cwd) : undefined;
}

const NOTE = 'stderr of codex, tee\'d through a pipe (checked with codex-cli 0.169.0: its screen is drawn on stdout and renders unchanged)';

export function codexHome(e: NodeJS.ProcessEnv = process.env): string {
  return e.CODEX_HOME || path.join(os.homedir(), '.codex');
}

const ROLLOUT_RE = /rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/** Descendants of `pid` (inclusive), from /proc. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [pid];
  }
  for (const d of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

function rolloutHeldBy(pid: number): string | null {
  for (const p of processTree(pid)) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = ROLLOUT_RE.exec(fs.readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m) return m[1]!;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return null;
}

function* rolloutFiles(dir: string, depth = 0): Generator<string> {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 4) yield* rolloutFiles(p, depth + 1);
    else if (e.isFile() && ROLLOUT_RE.test(e.name)) yield p;
  }
}

function firstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    return nl >= 0 ? text.slice(0, nl) : text;
  } finally {
    fs.closeSync(fd);
  }
}

/** The oldest unclaimed rollout for `cwd` begun at or after `since`. */
export function findRolloutFor(home: string, cwd: string, since: Date, claimed: ReadonlySet<string>): string | null {
  let best: { id: string; at: number } | null = null;
  for (const file of rolloutFiles(path.join(home, 'sessions'))) {
    try {
      if (fs.statSync(file).mtimeMs < since.getTime() - 2000) continue;
      const meta = JSON.parse(firstLine(file)) as { type?: string; payload?: { id?: string; cwd?: string; timestamp?: string } };
      const id = meta.payload?.id ?? ROLLOUT_RE.exec(file)?.[1];
      if (meta.type !== 'session_meta' || !id || meta.payload?.cwd !== cwd || claimed.has(id)) continue;
      const at = Date.parse(meta.payload?.timestamp ?? '') || fs.statSync(file).mtimeMs;
      if (at < since.getTime() - 2000) continue;
      if (!best || at < best.at) best = { id, at };
    } catch {
      /* unreadable rollout: not ours */
    }
  }
  return best?.id ?? null;
}

export const codex: Executor = {
  name: 'codex',
  fresh(input): LaunchSpec {
    input.chat.resumeId = null; // learnt later by captureResumeId
    return { argv: [...vendorBinary('codex', input.env), ...providerArgs(input), ...input.chat.argv], env: env(input), teeStderr: true, logNote: NOTE, prepare: prepare(input) };
  },
  resume(input): LaunchSpec | null {
    if (!input.chat.resumeId) return null;
    return {
      argv: [...vendorBinary('codex', input.env), 'resume', input.chat.resumeId, ...providerArgs(input), ...input.chat.argv],
      env: env(input),
      teeStderr: true,
      logNote: NOTE,
      prepare: prepare(input),
    };
  },
  captureResumeId(chat: ChatRecord, panePid: number | null, claimed: ReadonlySet<string>, ctx?: ChatContext): string | null {
    if (panePid) {
      const held = rolloutHeldBy(panePid);
      if (held && !claimed.has(held)) return held;
    }
    const since = new Date(chat.startedAt ?? chat.created);
    return findRolloutFor((ctx && chatCodexHomeOf(ctx, chat)) ?? codexHome(), chat.cwd, since, claimed);
  },
};
