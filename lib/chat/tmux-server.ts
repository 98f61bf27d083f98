/**
 * chatmux's own tmux server: a dedicated socket started with chatmux's own config file,
 * so the user's ~/.tmux.conf is never read and none of their options change.
 *
 * The config lives at `<stateDir>/tmux.conf` (the state dir is 0700 and ours). tmux reads
 * it only when this process is the one that starts the server; every project writes the
 * same text, so it does not matter which project's copy a shared socket was started with.
 * On `--socket default` (the user's own server) no -f is passed: their server, their config.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TmuxRunner } from '../control/exec';
import { showEnvironment, unsetGlobalEnvironment } from '../control/commands';
import { isNoServer } from '../control/errors';
import { isSecretVar } from '../control/secret-env';
import { MINIMAL_TMUX_ENV, type TmuxServerOptions } from '../control/server';
import type { ChatContext } from './context';
import { writeFileDurably } from './atomic-write';
import { ensureStateDir, registryPath } from './registry';

export const HISTORY_LIMIT = 50000;

/** `chatmux chat attach`'s detach key (dtach's and abduco's): not bound by a default tmux, so it passes a user's tmux. */
export const DETACH_KEY = 'C-\\';
/** The detach key as shown to users. */
export const DETACH_KEY_LABEL = 'Ctrl+\\';
export const ATTACH_STATUS_STYLE = 'bg=colour24,fg=white';
export const ATTACH_STATUS_LEFT = ` chatmux: #{?#{@chatmux-name},#{@chatmux-name},#{session_name}} • ${DETACH_KEY_LABEL} detaches `;

function terminfoExists(name: string): boolean {
  const dirs = [process.env.TERMINFO, path.join(process.env.HOME ?? '/', '.terminfo'), '/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo'];
  return dirs.some((d) => d && (fs.existsSync(path.join(d, name[0]!, name)) || fs.existsSync(path.join(d, name.charCodeAt(0).toString(16), name))));
}

export function tmuxConfigText(): string {
  const term = terminfoExists('tmux-256color') ? 'tmux-256color' : 'xterm-256color';
  return [
    '# Written by chatmux; read only when chatmux starts its own tmux server (-f).',
    `set -g history-limit ${HISTORY_LIMIT}`,
    '# a dead agent stays visible and #{pane_dead_status} tells how it ended',
    'set -g remain-on-exit on',
    '# only terminals attached with `chatmux chat attach` show it (control clients have no status line):',
    '# which chat this is and the detach key, a root-table key so it works inside your own tmux too',
    'set -g status on',
    `set -g status-style '${ATTACH_STATUS_STYLE}'`,
    'set -g status-left-length 200',
    `set -g status-left '${ATTACH_STATUS_LEFT}'`,
    "set -g status-right ''",
    "set -g window-status-format ''",
    "set -g window-status-current-format ''",
    `bind-key -n '${DETACH_KEY}' detach-client`,
    '# a terminal attached to a chat that gains the focus takes the chat\'s size back from a UI (tmux 3.3+)',
    '%if "#{m/r:^3[.][0-2][a-z]*$,#{version}}"',
    '# (tmux 3.2 has no such hook; an empty branch would make tmux skip the %else one)',
    'set -g @chatmux-no-focus-hook 1',
    '%else',
    `set-hook -g client-focus-in 'set-option -wF @chatmux-size-owner "#{client_name} #{client_activity}"'`,
    '%endif',
    'set -g exit-empty on',
    'set -g destroy-unattached off',
    '# a plain client attached to a chat leaves when the chat is closed (never jumps to another chat)',
    'set -g detach-on-destroy on',
    `set -g default-terminal ${term}`,
    'set -g focus-events on',
    '# Esc reaches TUI agents at once',
    'set -s escape-time 10',
    '# chat windows are linked into UI view sessions; the most recently active client sizes them',
    'set -g window-size latest',
    'set -g allow-rename off',
    'set -g automatic-rename off',
    '',
  ].join('\n');
}

/** Write the config file if it differs; returns its path. */
export function writeTmuxConfig(ctx: ChatContext): string {
  ensureStateDir(ctx);
  const file = path.join(ctx.stateDir, 'tmux.conf');
  const text = tmuxConfigText();
  let current: string | null = null;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    // A full disk must not leave a half config (tmux would refuse it) or a temp file.
    writeFileDurably(file, text, { mode: 0o600 });
  }
  return file;
}

/** Names of the key variables this project's chats use (read raw: no validation needed here). */
export function registryKeyNames(ctx: ChatContext): string[] {
  try {
    const data = JSON.parse(fs.readFileSync(registryPath(ctx), 'utf8')) as { chats?: { apiKeyEnv?: unknown }[] };
    return (data.chats ?? []).map((c) => c.apiKeyEnv).filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
}

/**
 * The agents' home variables: each chat gets its own (from its creator, or recorded at
 * creation), so a stale one in tmux's global environment must never choose a chat's home.
 */
export const AGENT_HOME_VARS = ['CODEX_HOME', 'CLAUDE_CONFIG_DIR', 'XDG_CONFIG_HOME'] as const;

/**
 * Server options for this context. Credential-looking variables (lib/control/secret-env.ts),
 * the key variables of every chat in the registry, the agents' home variables and `dropEnv`
 * are kept out of a freshly started server's global environment.
 */
export function chatServerOptions(ctx: ChatContext, dropEnv: readonly string[] = [], tmuxPath?: string): TmuxServerOptions {
  const opts: TmuxServerOptions = { socket: ctx.socket, dropEnv: [...new Set([...registryKeyNames(ctx), ...AGENT_HOME_VARS, ...dropEnv])] };
  if (ctx.socket !== 'default') {
    opts.configFile = writeTmuxConfig(ctx);
    // Our own server: nothing in its global environment but the basics (chat-env.ts gives each
    // chat its creator's). The user's own server keeps their environment, minus secrets.
    opts.keepEnv = MINIMAL_TMUX_ENV;
  }
  if (tmuxPath) opts.tmuxPath = tmuxPath;
  return opts;
}

/** `show-environment` lines as a map; `-NAME` (marked removed) and unparsable lines are skipped. */
export function parseEnvironment(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, eq))) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** Whether a variable of tmux's global environment must go (see chatServerOptions). */
function unwantedGlobally(ctx: ChatContext, name: string, value: string): boolean {
  return isSecretVar(name, value) || (AGENT_HOME_VARS as readonly string[]).includes(name) || registryKeyNames(ctx).includes(name);
}

/**
 * The server's global environment, after removing what must not be there: a server started
 * by another process (an older chatmux, a plain `tmux -L chatmux`) holds that shell's whole
 * environment. On `--socket default` (the user's own server) nothing is removed: their server.
 * An empty map when no server runs.
 */
export async function cleanGlobalEnvironment(r: TmuxRunner, ctx: ChatContext): Promise<Map<string, string>> {
  let env: Map<string, string>;
  try {
    env = parseEnvironment(await showEnvironment(r, { global: true }));
  } catch (err) {
    if (isNoServer(err)) return new Map();
    throw err;
  }
  if (ctx.socket === 'default') return env;
  for (const [name, value] of [...env]) {
    if (!unwantedGlobally(ctx, name, value)) continue;
    await unsetGlobalEnvironment(r, name);
    env.delete(name);
  }
  return env;
}
