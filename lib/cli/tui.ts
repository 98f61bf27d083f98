/** `chatmux` / `chatmux tui`: the terminal UI (or, without tmux, one chat in the foreground). */
import type { Command } from '@commander-js/extra-typings';
import { DEFAULT_SOCKET, noTmuxReason, resolveContext, UsageError, type CliContext, type GlobalOptions } from './context';
import { onPath } from './doctor';
import { chats } from './entries';

interface TuiFlags {
  prefix?: string;
  /** --no-bell / --no-notify (commander: false when given). */
  bell?: boolean;
  notify?: boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded on demand: the UI's first frame must not wait for the whole chat layer (the public
// entries load all of it), and the other commands load this module too, to register it.
const lazy = {
  launch: () => require('../ui/launch') as typeof import('../ui/launch'),
  input: () => require('../ui/input') as typeof import('../ui/input'),
  runtime: () => require('./chat-runtime') as typeof import('./chat-runtime'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Which chats the UI shows: `tui [--host A …]` this machine's, the hosts file's and A's;
 * `--host A [--host B]` without `tui` (or CHATMUX_HOST) only A's and B's, --project, --socket and
 * --state-dir naming the folder, socket and state dir there (as for `chatmux --host A chat list`).
 */
interface UiWhere {
  cli: () => CliContext;
  dests: string[];
  only: boolean;
  global: GlobalOptions;
}

async function runTuiCommand(where: UiWhere, flags: TuiFlags): Promise<void> {
  // This machine's folder and socket: with only remote hosts, --project, --socket, --state-dir are theirs.
  const cli = where.only ? resolveContext({ tmux: where.global.tmux }) : where.cli();
  const launch = lazy.launch();
  let hosts;
  try {
    // A bad project folder, --host or hosts file: exit 2 before anything else.
    hosts = launch.uiRemoteHosts({ project: cli.project, dests: where.dests, only: where.only, given: where.global, defaultSocket: DEFAULT_SOCKET });
  } catch (e) {
    if (e instanceof launch.UiInputError) throw new UsageError(e.message);
    throw e;
  }
  const why = where.only ? null : noTmuxReason(cli, onPath);
  if (why) {
    // No tmux: a single shell chat in the foreground, so the tool still works (it just won't persist).
    const rt = lazy.runtime().chatRuntime(cli);
    chats().warnNoTmuxOnce(rt.ctx, why);
    const res = await lazy.runtime().mapInputErrors(() =>
      chats().runChatInForeground(rt.ctx, { executor: 'shell', name: 'shell' }, { stdin: process.stdin, stdout: process.stdout }),
    );
    process.exitCode = res.exitCode === 0 ? 0 : 1;
    return;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the UI needs a terminal (stdin and stdout must be a tty); for scripts use chatmux chat …');
  }
  const prefix = flags.prefix ?? process.env.CHATMUX_PREFIX;
  if (prefix) {
    try {
      lazy.input().parsePrefix(prefix);
    } catch (e) {
      throw new UsageError(`${flags.prefix ? '--prefix' : 'CHATMUX_PREFIX'}: ${(e as Error).message}`);
    }
  }
  const code = await launch.launchUi({ local: cli, hosts, only: where.only, prefix, alerts: { bell: flags.bell, notify: flags.notify } });
  // stdin and timers would keep node alive; the UI is done and every chat lives on in tmux.
  setTimeout(() => process.exit(code), 50).unref?.();
  process.exitCode = code;
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('tui', { isDefault: true })
    .description('the chat UI (default command): every chat of this project, live, over one tmux connection')
    .option('--prefix <key>', 'command prefix key, e.g. C-o (default) or C-a (env CHATMUX_PREFIX)')
    .option('--no-bell', 'no terminal bell when a chat off screen waits for you or finishes (env CHATMUX_NO_BELL=1)')
    .option('--no-notify', 'no desktop notification (OSC 9 / OSC 777) for those (env CHATMUX_NO_NOTIFY=1)')
    .addHelpText(
      'after',
      [
        '',
        'Remote hosts (over ssh; the UI runs here and reconnects by itself):',
        '  chatmux --host gpu-box            # only gpu-box\'s chats (--project/--socket: its folder and socket there)',
        '  chatmux tui --host gpu-box --host build@ci.example.com   # this machine\'s chats too, and the hosts file\'s, grouped by host',
        '',
        'Examples:',
        '  chatmux            # in a project folder',
        '  chatmux tui --prefix C-a',
      ].join('\n'),
    )
    // `tui --host A --host B` (issue 14.3): the global --host option collects them (commander
    // gives program options to the program wherever they are); the hosts file adds more.
    // Without the word `tui`, --host (or CHATMUX_HOST) shows only those hosts.
    .action(async (opts) => {
      const global = program.opts() as GlobalOptions & { host?: string[] };
      const dests = global.host ?? (process.env.CHATMUX_HOST ? [process.env.CHATMUX_HOST] : []);
      await runTuiCommand({ cli: context, dests, only: program.args[0] !== 'tui' && dests.length > 0, global }, opts);
    });
}
