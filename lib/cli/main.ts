/** The chatmux command line (commander). Each command lives in its own module. */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { resolveContext, UsageError, type CliContext, type GlobalOptions } from './context';
import { runDoctor, formatChecks } from './doctor';
import { chats, control } from './entries';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('../../../package.json').version;

export type CommandRegistrar = (program: Command, context: () => CliContext) => void;

/** Commands added by other modules (chat, sessions, sweep, nex, ask, tui). */
const registrars: CommandRegistrar[] = [];
export function addCommands(r: CommandRegistrar): void {
  registrars.push(r);
}

export function buildProgram(): Command {
  const program = new Command()
    .name('chatmux')
    .description('AI chat agents in tmux sessions that outlive the UI')
    .version(VERSION, '-V, --version')
    .option('--socket <name>', 'tmux socket name (env CHATMUX_SOCKET; "default" = your own tmux server)')
    .option('--project <dir>', 'project folder (env CHATMUX_PROJECT; default: git root of the current folder, else the folder)')
    .option('--state-dir <dir>', 'where chats.json and logs live (env CHATMUX_STATE_DIR; default <project>/.chatmux)')
    .option('--no-tmux', 'run chats as plain child processes (they stop with the UI)')
    // Repeatable for the UI (issue 14.3; tui.ts reads them): no command, only those hosts; `tui`, this machine's too.
    .option('--host <dest>', 'run the command on another machine over ssh (env CHATMUX_HOST; an ssh alias, user@host or ssh://user@host:port; needs tmux 3.2+ there, and chatmux or Node.js 20+); with no command: the UI runs here and shows only that host\'s chats; with tui: that host\'s chats too (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .showHelpAfterError('(run with --help for usage)')
    // commander quotes what the user typed in its errors: never as raw control characters.
    .configureOutput({ outputError: (str, write) => write(escapeLines(str)) })
    .exitOverride();
  const context = (): CliContext => {
    // main() takes --host from the global options before the command word; one after it would run
    // here. The UI (no command, or tui) reads --host itself (tui.ts).
    const word = commandWord(program.args);
    if ((program.opts() as { host?: string[] }).host !== undefined && word !== null && word !== 'tui') throw new UsageError('--host goes before the command (chatmux --host DEST chat list)');
    return resolveContext(program.opts() as GlobalOptions);
  };

  program
    .command('doctor')
    .description('check tmux, its version, the socket, the state dir and the agent CLIs')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  chatmux doctor')
    .action(async (opts) => {
      const checks = await runDoctor(context());
      if (opts.json) process.stdout.write(JSON.stringify(checks, null, 2) + '\n');
      else process.stdout.write(formatChecks(checks) + '\n');
      if (checks.some((c) => !c.ok && !c.optional)) process.exitCode = 1;
    });

  for (const r of registrars) r(program, context);
  return program;
}

let pipesWatched = false;

/** `chatmux … | head`: a closed pipe is the reader's choice, not an error (once per process: main may run many times). */
function ignoreClosedPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
    });
  }
}

/** Run the CLI; resolves with the exit code (0 ok, 1 runtime failure, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  ignoreClosedPipes();
  const remote = await maybeRemote(argv.slice(2));
  if (remote !== null) return remote;
  loadCommandModules(argv.slice(2));
  const program = buildProgram();
  // With `tui` as the default command, commander would hand an unknown word to it as an argument.
  const unknown = unknownCommandMessage(program, argv.slice(2));
  if (unknown) {
    printError(unknown);
    process.stderr.write('(run with --help for usage)\n');
    return 2;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

/**
 * `--host DEST` (or CHATMUX_HOST): the command runs on DEST (lib/cli/remote.ts); resolves with
 * its exit code, or null to run here. Help and version are this machine's, and so is the UI:
 * it shows DEST's chats over its own control connection and reconnects by itself (tui.ts).
 */
async function maybeRemote(args: readonly string[]): Promise<number | null> {
  if (!args.some((a) => a === '--host' || a.startsWith('--host=')) && !process.env.CHATMUX_HOST) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const remote = require('./remote') as typeof import('./remote');
  try {
    const split = remote.splitHost(args, process.env, (a) => GLOBAL_VALUE_OPTIONS.has(a));
    const word = commandWord(split.args);
    if (split.host === null || word === 'help' || word === null || word === 'tui') return null;
    const plan = remote.planRemote(split.host, split.args, word, process.env, { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true });
    return await remote.runRemote(plan);
  } catch (err) {
    return reportError(err);
  }
}

/** Every line of `s` escaped (escapeControls), the line breaks kept. */
function escapeLines(s: string): string {
  const { escapeControls } = chats();
  return s.split('\n').map((line) => escapeControls(line)).join('\n');
}

/** One error line on stderr: a message is one line, so a newline in it is escaped too. */
function printError(message: string): void {
  process.stderr.write(`chatmux: ${chats().escapeControls(message)}\n`);
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; help/version are exit 0.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    // Help asked for (`chatmux help chat`) exits 0; help shown because a subcommand is missing
    // (`chatmux chat`) went to stderr and is a usage error, as in git.
    if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
    return 2;
  }
  if (err instanceof UsageError) {
    printError(err.message);
    return 2;
  }
  const { TmuxCommandError, TmuxNotFoundError } = control();
  if (err instanceof TmuxNotFoundError || err instanceof TmuxCommandError) {
    printError(err.message);
    return 1;
  }
  const e = err as Error;
  printError(e?.message ?? String(err));
  if (process.env.CHATMUX_DEBUG) process.stderr.write(`${escapeLines(String(e?.stack))}\n`);
  return 1;
}

/**
 * Command modules register themselves on import. Starting the UI (no command, or `tui`)
 * loads only the UI's module, so its first frame does not wait for the others.
 */
function loadCommandModules(args: readonly string[]): void {
  if (registrars.length > 0) return;
  const modules = wantsOnlyTui(args) ? ['./tui'] : COMMAND_MODULES;
  for (const mod of modules) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(mod) as { register?: CommandRegistrar };
    if (m.register) addCommands(m.register);
  }
}

/** Global options with a value, and the UI's (`chatmux --prefix C-a` runs the UI). */
const GLOBAL_VALUE_OPTIONS: ReadonlySet<string> = new Set(['--socket', '--project', '--state-dir', '--host', '--prefix']);

/**
 * The command word: the first argument that is not a global option or its value; null when there
 * is none (the UI), 'help' for help and version flags before it.
 */
export function commandWord(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help' || a === '-V' || a === '--version') return 'help';
    if (GLOBAL_VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return null;
}

/** True for `chatmux [global options]` and `chatmux [global options] tui …` (not help/version). */
export function wantsOnlyTui(args: readonly string[]): boolean {
  const word = commandWord(args);
  return word === null || word === 'tui';
}

/** "unknown command 'X' …" with the closest command, or null when the command word is known. */
export function unknownCommandMessage(program: Command, args: readonly string[]): string | null {
  const word = commandWord(args);
  if (word === null || word === 'help') return null;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (names.includes(word)) return null;
  const close = closestWord(word, names);
  return close ? `unknown command '${word}' (did you mean '${close}'?)` : `unknown command '${word}'; the commands are ${names.join(', ')}`;
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a typo. */
export function closestWord(word: string, candidates: readonly string[]): string | null {
  let best: { name: string; d: number } | null = null;
  for (const name of candidates) {
    const d = editDistance(word.toLowerCase(), name);
    if (!best || d < best.d) best = { name, d };
  }
  if (best && best.d <= Math.max(1, Math.floor(best.name.length / 3))) return best.name;
  // A prefix (`chatmux ch`) is as good a hint.
  return candidates.find((c) => word.length >= 2 && c.startsWith(word)) ?? null;
}

/** Optimal string alignment distance (insert, delete, substitute, swap neighbours). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Modules that export `register(program, context)`. */
const COMMAND_MODULES: string[] = ['./tui', './nex', './chat', './sessions', './sweep', './ask', './wait', './events'];
