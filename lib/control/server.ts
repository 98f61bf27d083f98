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
export function tmuxEnv(base: NodeJS.ProcessEnv = process.env, drop: readonly string[] = []): NodeJS.ProcessEnv {
  const env = withoutSecrets(base);
  delete env.TMUX;
  delete env.TMUX_PANE;
  for (const name of drop) delete env[name];
  if (!env.LANG && !env.LC_ALL && !env.LC_CTYPE) env.LANG = 'C.UTF-8';
  return env;
}
