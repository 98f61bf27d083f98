/**
 * The steps before a UI connects to this machine's tmux, as one unit: `tmux -V` for the
 * connection, the sweep and the clean-up of the server's global environment side by side (each
 * tmux call is a process of its own, 5–30 ms), then bringing back chats lost with a dead server
 * (it waits for the sweep, which may adopt chats). Failures are warnings: the UI still starts.
 *
 * The UI starts them ahead, right after its first frame (`startAhead`), so tmux works while
 * blessed and the UI load (~100 ms); connectView then takes their result (`takeAhead`) instead
 * of running them again. Warnings given meanwhile are kept and handed on then.
 */
import { readVersion } from '../control/transport';
import type { TmuxVersion } from '../control/version';
import type { ChatContext } from './context';
import { localHost, type ChatHost } from './host';
import { resumeLost } from './chat-resume';
import { sweep } from './sweep';
import { cleanGlobalEnvironment } from './tmux-server';

export interface Prepared {
  warnings: string[];
  /** `tmux -V` under way (its failure is the connection's, reported there). */
  version: Promise<TmuxVersion | null>;
  /** ctx.warn messages given while the steps ran ahead (the UI's status line was not there yet). */
  warned: string[];
}

/** Sweep, clean, resume and read the version, for this machine's host. */
export async function prepareLocal(ctx: ChatContext, env: NodeJS.ProcessEnv, host: ChatHost): Promise<Omit<Prepared, 'warned'>> {
  const cli = host.cli();
  const warnings: string[] = [];
  const version = readVersion(host.server);
  version.catch(() => {});
  // A server someone else started may hold their keys: gone before our view session starts.
  const [swept, cleaned] = await Promise.allSettled([sweep(cli, ctx), cleanGlobalEnvironment(cli, ctx)]);
  const failed = [swept, cleaned].find((r) => r.status === 'rejected');
  if (failed) warnings.push(`sweep failed: ${(failed.reason as Error).message}`);
  try {
    await resumeLost(cli, ctx, env);
  } catch (e) {
    warnings.push(`could not resume lost chats: ${(e as Error).message}`);
  }
  return { warnings, version };
}

const keyOf = (ctx: ChatContext): string => JSON.stringify([ctx.project, ctx.stateDir, ctx.socket, ctx.owner]);

let ahead: { key: string; env: NodeJS.ProcessEnv; result: Promise<Prepared> } | null = null;

/** Start the steps now for `ctx` (this machine); the next connectView for the same project takes them. */
export function startAhead(ctx: ChatContext, env: NodeJS.ProcessEnv = process.env): void {
  const warned: string[] = [];
  const quiet: ChatContext = { ...ctx, warn: (m) => void warned.push(m) };
  ahead = { key: keyOf(ctx), env, result: prepareLocal(quiet, env, localHost(quiet)).then((r) => ({ ...r, warned })) };
}

/** The steps started ahead for this project, server and environment, once; null if none were. */
export function takeAhead(ctx: ChatContext, env: NodeJS.ProcessEnv, host: ChatHost): Promise<Prepared> | null {
  if (!ahead || host.ssh || ahead.env !== env || ahead.key !== keyOf(ctx)) return null;
  const { result } = ahead;
  ahead = null;
  return result;
}
