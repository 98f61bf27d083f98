/** Which tmux server to talk to, and how to start a tmux process for it. */
import { withoutSecrets } from './secret-env';

export interface TmuxServerOptions {
  /** Socket name for `-L` (chatmux's own server by default). Never implied from $TMUX. */
  socket: string;
  /** Config file for a freshly started server (`-f`). */
  configFile?: string;
  /** The tmux binary (default: `tmux` on PATH). */
  tmuxPath?: string;
  /**
   * Variables kept out of tmux's environment, besides every credential-looking one
   * (secret-env.ts): a server started by this process copies its environment into tmux's
   * global environment, which every later pane inherits.
   */
  dropEnv?: readonly string[];
  /**
   * When set, the tmux processes that may start the server (one-shot commands, control
   * clients) get only these variables (a trailing `*` matches a prefix), so a server started
   * here holds only them in its global environment (see MINIMAL_TMUX_ENV).
   */
  keepEnv?: readonly string[];
}

/**
 * What a tmux server needs in its global environment and no more: a pane gets everything
 * else from the process that created it (`new-session -e`), as a terminal would, instead of
 * whatever the shell that happened to start the server exported. TMUX_TMPDIR/TMPDIR keep the
 * socket where every other client looks for it.
 */
export const MINIMAL_TMUX_ENV: readonly string[] = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'LC_*', 'TZ', 'TMPDIR', 'TMUX_TMPDIR', 'TERM', 'TERMINFO', 'TERMINFO_DIRS',
];

function kept(name: string, keep: readonly string[]): boolean {
  return keep.some((k) => (k.endsWith('*') ? name.startsWith(k.slice(0, -1)) : name === k));
}

/** Global tmux flags that select the server: always -u (UTF-8 replies), always -L. */
export function serverArgs(server: TmuxServerOptions): string[] {
  const args = ['-u', '-L', server.socket];
  if (server.configFile) args.push('-f', server.configFile);
  return args;
}

/**
 * The environment for a tmux child: no $TMUX (nothing inherited from an enclosing tmux) and
 * no credential-looking variable, so a server this process starts holds no secret in its
 * global environment (and a client's environment, which tmux copies for update-environment,
 * holds none either).
 */
export function tmuxEnv(base: NodeJS.ProcessEnv = process.env, drop: readonly string[] = [], keep?: readonly string[]): NodeJS.ProcessEnv {
  const env = withoutSecrets(base);
  if (keep) for (const name of Object.keys(env)) if (!kept(name, keep)) delete env[name];
  delete env.TMUX;
  delete env.TMUX_PANE;
  for (const name of drop) delete env[name];
  if (!env.LANG && !env.LC_ALL && !env.LC_CTYPE) env.LANG = 'C.UTF-8';
  return env;
}
