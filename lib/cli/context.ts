/** Global CLI options resolved into the paths and names every command uses. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';

export interface GlobalOptions {
  socket?: string;
  project?: string;
  stateDir?: string;
  tmux?: boolean; // commander's --no-tmux
}

export interface CliContext {
  /** Absolute project directory (git root of cwd, else cwd, unless --project). */
  project: string;
  stateDir: string;
  /** tmux socket name (`default` = the user's own server). */
  socket: string;
  useTmux: boolean;
}

/** A usage error: exit code 2 with a message that says what to do. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function gitRoot(dir: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    const root = out.toString('utf8').trim();
    return root || null;
  } catch {
    return null;
  }
}

export function resolveContext(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CliContext {
  let project: string;
  // Inside a chat, CHATMUX_PROJECT names the chat's project (its cwd may be elsewhere).
  const given = o.project ?? env.CHATMUX_PROJECT;
  if (given) {
    project = path.resolve(cwd, given);
    if (!fs.existsSync(project) || !fs.statSync(project).isDirectory()) throw new UsageError(`--project ${given}: not a directory`);
  } else {
    project = gitRoot(cwd) ?? cwd;
  }
  project = fs.realpathSync(project);
  const stateDir = path.resolve(cwd, o.stateDir ?? env.CHATMUX_STATE_DIR ?? path.join(project, '.chatmux'));
  const socket = o.socket ?? env.CHATMUX_SOCKET ?? 'chatmux';
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(socket)) throw new UsageError(`--socket ${JSON.stringify(socket)}: use letters, digits, '.', '_' or '-'`);
  return { project, stateDir, socket, useTmux: o.tmux !== false };
}

/** A project path tmux could not carry in options or -c: refused before anything starts. */
export function checkProjectPath(cli: CliContext): void {
  if (/[\u0000-\u001f\u007f]/.test(cli.project)) throw new UsageError('the project path contains control characters; use --project with a plain path');
}

/** Why chats cannot run in tmux here (--no-tmux, or no tmux on PATH), or null. */
export function noTmuxReason(cli: CliContext, onPath: (name: string) => string | null): string | null {
  if (!cli.useTmux) return '--no-tmux';
  if (!onPath('tmux')) return 'tmux is not on PATH';
  return null;
}
