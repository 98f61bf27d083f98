/**
 * The server as a whole: format expansion, the global environment, root key bindings,
 * `wait-for` channels, kill-server.
 */
import type { TmuxRunner } from '../exec';
import { TmuxArgumentError } from '../quote';
import { checkEnvName } from './program';

/** Expand a format (our own formats only: user text must not reach here). */
export async function displayMessage(r: TmuxRunner, format: string, target?: string): Promise<string> {
  const args = ['display-message', '-p'];
  if (target) args.push('-t', target);
  args.push('--', format);
  const lines = await r.run(args);
  return lines.join('\n');
}

/** The environment of a session or the global one, as tmux prints it (`NAME=value`, `-NAME` for removed). */
export async function showEnvironment(r: TmuxRunner, scope: { session: string } | { global: true }): Promise<string[]> {
  return r.run(['show-environment', ...('global' in scope ? ['-g'] : ['-t', scope.session])]);
}

/** Remove a variable from the server's global environment (`set-environment -g -u`). */
export async function unsetGlobalEnvironment(r: TmuxRunner, name: string): Promise<void> {
  checkEnvName(name);
  await r.run(['set-environment', '-g', '-u', name]);
}

/** Stop the tmux server and every session on it. */
export async function killServer(r: TmuxRunner): Promise<void> {
  await r.run(['kill-server']);
}

/** Bind a key in the root table (no prefix) to one tmux command, e.g. `C-\\` → detach-client. */
export async function bindRootKey(r: TmuxRunner, key: string, command: readonly string[]): Promise<void> {
  await r.run(['bind-key', '-n', key, ...command]);
}

/** Wake whoever waits on a `wait-for` channel (a later waiter returns at once too). */
export async function signalChannel(r: TmuxRunner, channel: string): Promise<void> {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(channel)) throw new TmuxArgumentError('wait-for channel names are [A-Za-z0-9_.-]');
  await r.run(['wait-for', '-S', channel]);
}
