/** Which tmux server to talk to, and how to start a tmux process for it. */

export interface TmuxServerOptions {
  /** Socket name for `-L` (chatmux's own server by default). Never implied from $TMUX. */
  socket: string;
  /** Config file for a freshly started server (`-f`). */
  configFile?: string;
  /** The tmux binary (default: `tmux` on PATH). */
  tmuxPath?: string;
  /**
   * Variables kept out of tmux's environment: a server started by this process copies
   * its environment into tmux's global environment, and a secret must not land there.
   */
  dropEnv?: readonly string[];
}

/** Global tmux flags that select the server: always -u (UTF-8 replies), always -L. */
export function serverArgs(server: TmuxServerOptions): string[] {
  const args = ['-u', '-L', server.socket];
  if (server.configFile) args.push('-f', server.configFile);
  return args;
}

/** The environment for a tmux child: no $TMUX, so nothing is inherited from an enclosing tmux. */
export function tmuxEnv(base: NodeJS.ProcessEnv = process.env, drop: readonly string[] = []): NodeJS.ProcessEnv {
  const env = { ...base };
  delete env.TMUX;
  delete env.TMUX_PANE;
  for (const name of drop) delete env[name];
  if (!env.LANG && !env.LC_ALL && !env.LC_CTYPE) env.LANG = 'C.UTF-8';
  return env;
}
