/**
 * Can a chat's program run at all? `chat new` (and the UI's new-chat dialog) looks the program
 * up as the chat's exec will — PATH of the creator's environment, relative paths from the chat's
 * folder — and refuses a missing or non-executable one before anything is created: otherwise the
 * user got a ref and a pane that said only "exited with status 127". A program that goes missing
 * later (removed before a resume) is caught by `execGuard` inside the pane, which says why there
 * and in stderr.log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vendorBinary } from './executors/types';
import type { ExecutorName } from './registry';
import { ChatInputError } from './validate';

/** How to get the vendor CLIs (their npm packages). */
const INSTALL: Partial<Record<ExecutorName, string>> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
};

export interface ChatProgram {
  program: string;
  /** What to tell a user who does not have it, or null. */
  hint: string | null;
}

/** The program a new chat will exec, or null when there is nothing to look up (nex runs this node; a cmd chat without a command is refused elsewhere). */
export function chatProgram(executor: ExecutorName, argv: readonly string[], env: NodeJS.ProcessEnv): ChatProgram | null {
  switch (executor) {
    case 'claude':
    case 'codex': {
      const override = `CHATMUX_${executor.toUpperCase()}_BIN`;
      const program = vendorBinary(executor, env)[0]!;
      const hint = env[override] ? `set by ${override}` : `the ${executor} CLI; install it with: ${INSTALL[executor]}`;
      return { program, hint };
    }
    case 'shell':
      return { program: env.SHELL || process.env.SHELL || '/bin/sh', hint: 'your $SHELL' };
    case 'cmd':
      return argv.length > 0 ? { program: argv[0]!, hint: null } : null;
    default:
      return null;
  }
}

export type Lookup = { ok: true; file: string } | { ok: false; reason: 'command not found' | 'permission denied' | 'is a directory' };

function check(file: string): Lookup {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return { ok: false, reason: 'command not found' };
  }
  if (st.isDirectory()) return { ok: false, reason: 'is a directory' };
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return { ok: false, reason: 'permission denied' };
  }
  return { ok: true, file };
}

/**
 * Find `program` as execvp would: a name with a `/` is a path (relative to `cwd`), anything
 * else is searched in `pathVar` (an empty entry is the current folder).
 */
export function lookUpProgram(program: string, cwd: string, pathVar: string | undefined): Lookup {
  if (program === '') return { ok: false, reason: 'command not found' };
  if (program.includes('/')) return check(path.resolve(cwd, program));
  let denied: Lookup | null = null;
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const found = check(path.resolve(cwd, dir || '.', program));
    if (found.ok) return found;
    // A file that is there but not executable is what exec would report, if nothing else is found.
    if (found.reason === 'permission denied') denied ??= found;
  }
  return denied ?? { ok: false, reason: 'command not found' };
}

/** "command not found: codex (the codex CLI; install it with: …)" */
export function programProblem(p: ChatProgram, reason: string): string {
  return `${reason}: ${p.program}${p.hint ? ` (${p.hint})` : ''}`;
}

/** Refuse (bad input, exit 2) a chat whose program cannot run from `cwd` with the creator's PATH (the PATH the chat gets). */
export function checkChatProgram(executor: ExecutorName, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const p = chatProgram(executor, argv, env);
  if (!p) return;
  const found = lookUpProgram(p.program, cwd, env.PATH ?? process.env.PATH);
  if (!found.ok) throw new ChatInputError(programProblem(p, found.reason));
}

/**
 * `sh -c GUARD chatmux-exec LOG REF ARGV…`: checks ARGV's program the way exec will and, when it
 * cannot run, says why on the terminal (stdout: stderr may be a pipe into a log writer that dies
 * with the pane) and in LOG, then exits 127 (126 when it is there but cannot be executed); else
 * execs it, so the pane's process is still the program itself.
 */
const GUARD = [
  'log=$1; ref=$2; shift 2',
  'case "$1" in',
  '  */*) if [ -d "$1" ]; then why="is a directory"; elif [ ! -e "$1" ]; then why="command not found"; elif [ ! -x "$1" ]; then why="permission denied"; fi ;;',
  '  *) command -v "$1" >/dev/null 2>&1 || why="command not found" ;;',
  'esac',
  'if [ -n "${why:-}" ]; then',
  // The name as given, without control characters (it is shown on a terminal).
  '  msg="$ref cannot start: $why: $(printf \'%s\' "$1" | tr -d \'\\000-\\037\\177\')"',
  '  printf \'chatmux: %s\\r\\n\' "$msg"',
  '  [ -z "$log" ] || printf \'# chatmux %s %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$msg" >>"$log"',
  '  [ "$why" = "command not found" ] && exit 127',
  '  exit 126',
  'fi',
  'exec "$@"',
].join('\n');

export function execGuard(argv: readonly string[], o: { stderrLog: string; ref: string }): string[] {
  return ['/bin/sh', '-c', GUARD, 'chatmux-exec', o.stderrLog, o.ref, ...argv];
}
