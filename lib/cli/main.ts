/** The chatmux command line (commander). Each command lives in its own module. */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { resolveContext, UsageError, type CliContext, type GlobalOptions } from './context';
import { runDoctor, formatChecks } from './doctor';
import { TmuxCommandError, TmuxNotFoundError } from '../control/errors';

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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const context = (): CliContext => resolveContext(program.opts() as GlobalOptions);

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

/** Run the CLI; resolves with the exit code (0 ok, 1 runtime failure, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  // `chatmux … | head`: a closed pipe is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
    });
  }
  loadCommandModules(argv.slice(2));
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; help/version are exit 0.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`chatmux: ${err.message}\n`);
    return 2;
  }
  if (err instanceof TmuxNotFoundError || err instanceof TmuxCommandError) {
    process.stderr.write(`chatmux: ${err.message}\n`);
    return 1;
  }
  const e = err as Error;
  process.stderr.write(`chatmux: ${e?.message ?? String(err)}\n`);
  if (process.env.CHATMUX_DEBUG) process.stderr.write(`${e?.stack}\n`);
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

/** True for `chatmux [global options]` and `chatmux [global options] tui …` (not help/version). */
export function wantsOnlyTui(args: readonly string[]): boolean {
  const takesValue = new Set(['--socket', '--project', '--state-dir']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help' || a === '-V' || a === '--version' || a === 'help') return false;
    if (takesValue.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a === 'tui';
  }
  return true;
}

/** Modules that export `register(program, context)`. */
const COMMAND_MODULES: string[] = ['./tui', './nex', './chat', './sessions', './sweep', './ask'];
