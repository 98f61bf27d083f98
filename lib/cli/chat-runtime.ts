/** What the chat, sessions and sweep commands share: context, tmux runner, error mapping. */
import { execFileSync } from 'node:child_process';
import { parseTmuxVersion, TmuxArgumentError, TmuxCli, versionProblem, type TmuxServerOptions } from '../api/control';
import { ChatInputError, chatServerOptions, makeChatContext, resumeLost, type ChatContext } from '../api/chats';
import { checkProjectPath, noTmuxReason, UsageError, type CliContext } from './context';
import { onPath } from './doctor';

export interface ChatRuntime {
  ctx: ChatContext;
  /** null when tmux is not usable (not on PATH, or --no-tmux). */
  runner: TmuxCli | null;
  server: TmuxServerOptions | null;
  /** Why there is no runner. */
  noTmuxReason: string | null;
}

export function chatRuntime(cli: CliContext, extraDropEnv: readonly string[] = []): ChatRuntime {
  checkProjectPath(cli);
  const ctx = makeChatContext(cli);
  const why = noTmuxReason(cli, onPath);
  if (why) return { ctx, runner: null, server: null, noTmuxReason: why };
  // new-session -e (the only way a key reaches a chat) needs tmux 3.2.
  const problem = versionProblem(parseTmuxVersion(execFileSync('tmux', ['-V'], { encoding: 'utf8' })));
  if (problem) throw new Error(problem);
  const server = chatServerOptions(ctx, extraDropEnv);
  return { ctx, runner: new TmuxCli(server), server, noTmuxReason: null };
}

/** The runner, or a clear runtime error for commands that need tmux. */
export function requireTmux(rt: ChatRuntime, what: string): TmuxCli {
  if (!rt.runner) throw new Error(`${what} needs tmux (${rt.noTmuxReason}); install tmux 3.2+ or drop --no-tmux`);
  return rt.runner;
}

/** Bad input from the domain becomes a usage error (exit 2). */
export async function mapInputErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChatInputError || err instanceof TmuxArgumentError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Bring back chats whose tmux session was lost (the server was killed, a reboot) before a
 * command that needs a chat's session: every command does this, as `chat list` always has,
 * so none refuses a chat just because nobody listed the chats since.
 */
export async function resumeLostChats(rt: ChatRuntime): Promise<void> {
  if (!rt.runner) return;
  const report = await resumeLost(rt.runner, rt.ctx);
  if (report.resumed.length > 0) process.stderr.write(`chatmux: resumed ${report.resumed.join(', ')} (their tmux sessions were gone)\n`);
}
