/** Global CLI options resolved into the paths and names every command uses. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { chats } from './entries';

const quoteValue = (s: string): string => chats().quoteValue(s);

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
  const found = gitRootQuick(dir);
  if (found !== undefined) return found;
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    const root = out.toString('utf8').trim();
    return root || null;
  } catch {
    return null;
  }
}

/** Variables that change where git looks for a repository: with any of them, git itself answers. */
const GIT_DISCOVERY_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_COMMON_DIR'];

/**
 * What `git rev-parse --show-toplevel` answers, in the plain cases, without starting git (a
 * process before the UI's first frame: 5–30 ms): the nearest folder up from `dir` holding a
 * `.git` folder with a HEAD, owned by us, on the same file system; null when there is none
 * up to the root or the file system's edge. undefined: ask git (a `.git` file, a folder inside
 * a `.git`, another owner, git variables set, anything unusual).
 */
export function gitRootQuick(dir: string, env: NodeJS.ProcessEnv = process.env): string | null | undefined {
  if (GIT_DISCOVERY_ENV.some((k) => env[k] !== undefined)) return undefined;
  try {
    let at = fs.realpathSync(dir);
    const dev = fs.statSync(at).dev;
    for (;;) {
      if (path.basename(at) === '.git') return undefined;
      const git = fs.lstatSync(path.join(at, '.git'), { throwIfNoEntry: false });
      if (git) {
        if (!git.isDirectory() || git.uid !== process.getuid?.()) return undefined;
        if (!fs.statSync(path.join(at, '.git', 'HEAD'), { throwIfNoEntry: false })?.isFile()) return undefined;
        return at;
      }
      const up = path.dirname(at);
      if (up === at) return null;
      // git stops at a file system's edge: a repository beyond it is not this folder's.
      if (fs.statSync(up).dev !== dev) return null;
      at = up;
    }
  } catch {
    return undefined;
  }
}

/** The tmux socket chatmux uses when none is named (here, and on a remote host). */
export const DEFAULT_SOCKET = 'chatmux';

export function resolveContext(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CliContext {
  let project: string;
  // Inside a chat, CHATMUX_PROJECT names the chat's project (its cwd may be elsewhere).
  const given = o.project ?? env.CHATMUX_PROJECT;
  if (given) {
    project = path.resolve(cwd, given);
    if (!fs.existsSync(project) || !fs.statSync(project).isDirectory()) throw new UsageError(`--project ${quoteValue(given)}: not a directory`);
  } else {
    project = gitRoot(cwd) ?? cwd;
  }
  project = realProject(project, project === cwd && !given);
  const stateDir = path.resolve(cwd, o.stateDir ?? env.CHATMUX_STATE_DIR ?? path.join(project, '.chatmux'));
  // A folder name longer than the file system allows would only fail later, at the first write.
  const tooLong = stateDir.split('/').find((part) => Buffer.byteLength(part) > 255);
  if (tooLong !== undefined) throw new UsageError(`--state-dir ${quoteValue(stateDir)}: the folder name ${quoteValue(tooLong)} is longer than 255 bytes`);
  const socket = o.socket ?? env.CHATMUX_SOCKET ?? DEFAULT_SOCKET;
  // Dots alone name a folder, not a socket (the library's makeChatContext refuses them too).
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(socket) || /^\.+$/.test(socket)) throw new UsageError(`--socket ${JSON.stringify(socket)}: use letters, digits, '.', '_' or '-'`);
  return { project, stateDir, socket, useTmux: o.tmux !== false };
}

/**
 * The project folder's real path. Node holds paths as UTF-8 text: a folder whose name is not
 * UTF-8 reaches us with U+FFFD in place of its bytes, and no call can open it by that name.
 */
function realProject(project: string, isCwd: boolean): string {
  try {
    return fs.realpathSync(project);
  } catch (err) {
    if (!project.includes('\ufffd')) throw err;
    let shown = quoteValue(project);
    try {
      if (isCwd) shown = `"${chats().escapeBytes(fs.realpathSync.native('.', { encoding: 'buffer' }))}"`;
    } catch {
      /* keep the text form */
    }
    throw new UsageError(`the project folder ${shown} has a name that is not valid UTF-8, which chatmux cannot store or pass on as text: rename the folder, or use --project with another one`);
  }
}

/** A project path no chat could run in: refused, naming it and why, before anything starts. */
export function checkProjectPath(cli: CliContext): void {
  try {
    chats().checkPath('the project folder', cli.project);
  } catch (err) {
    if (err instanceof chats().ChatInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** Why chats cannot run in tmux here (--no-tmux, or no tmux on PATH), or null. */
export function noTmuxReason(cli: CliContext, onPath: (name: string) => string | null): string | null {
  if (!cli.useTmux) return '--no-tmux';
  if (!onPath('tmux')) return 'tmux is not on PATH';
  return null;
}
