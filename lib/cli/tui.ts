/** `chatmux` / `chatmux tui`: the terminal UI (or, without tmux, one chat in the foreground). */
import type { Command } from '@commander-js/extra-typings';
import { makeChatContext } from '../chat/context';
import { checkProjectPath, noTmuxReason, UsageError, type CliContext } from './context';
import { onPath } from './doctor';
import { uiHosts } from '../chat/hosts-config';
import { sshHostFrom, SshUsageError } from '../control/ssh';
import type { RemoteHost } from '../ui/ui-context';

interface TuiFlags {
  prefix?: string;
  /** --no-bell / --no-notify (commander: false when given). */
  bell?: boolean;
  notify?: boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded on demand: the UI's first frame must not wait for the whole chat layer.
const lazy = {
  app: () => require('../ui/app') as typeof import('../ui/app'),
  firstFrame: () => require('../ui/first-frame') as typeof import('../ui/first-frame'),
  layout: () => require('../ui/layout') as typeof import('../ui/layout'),
  input: () => require('../ui/input') as typeof import('../ui/input'),
  fallback: () => require('../chat/fallback') as typeof import('../chat/fallback'),
  runtime: () => require('./chat-runtime') as typeof import('./chat-runtime'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

async function runTuiCommand(cli: CliContext, flags: TuiFlags, dests: string[]): Promise<void> {
  checkProjectPath(cli);
  // Bad --host or hosts file: exit 2 before anything else.
  const hosts = remoteHosts(dests);
  const why = noTmuxReason(cli, onPath);
  if (why) {
    // No tmux: a single shell chat in the foreground, so the tool still works (it just won't persist).
    const rt = lazy.runtime().chatRuntime(cli);
    lazy.fallback().warnNoTmuxOnce(rt.ctx, why);
    const res = await lazy.runtime().mapInputErrors(() =>
      lazy.fallback().runChatInForeground(rt.ctx, { executor: 'shell', name: 'shell' }, { stdin: process.stdin, stdout: process.stdout }),
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
  const ctx = makeChatContext(cli);
  // The chat list at once, before blessed and the UI load (issue 15.4); blessed repaints it.
  const frame = lazy.firstFrame();
  const screen = { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
  process.stdout.write(frame.firstFrame(frame.registryRows(ctx.stateDir), screen, lazy.layout().defaultTreeWidth(screen.cols)));
  let code: number;
  try {
    code = await lazy.app().runTui({ ctx, prefix, alerts: { bell: flags.bell, notify: flags.notify }, hosts });
  } catch (e) {
    process.stdout.write(frame.LEAVE_FIRST_FRAME);
    throw e;
  }
  // stdin and timers would keep node alive; the UI is done and every chat lives on in tmux.
  setTimeout(() => process.exit(code), 50).unref?.();
  process.exitCode = code;
}

/** The hosts file's and --host's hosts, ready to connect; bad input exits 2. */
function remoteHosts(dests: string[]): RemoteHost[] {
  try {
    return uiHosts(dests).map((h) => ({ ssh: sshHostFrom(h.dest), project: h.project, socket: h.socket }));
  } catch (e) {
    if (e instanceof SshUsageError) throw new UsageError(e.message);
    throw e;
  }
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('tui', { isDefault: true })
    .description('the chat UI (default command): every chat of this project, live, over one tmux connection')
    .option('--prefix <key>', 'command prefix key, e.g. C-o (default) or C-a (env CHATMUX_PREFIX)')
    .option('--no-bell', 'no terminal bell when a chat off screen waits for you or finishes (env CHATMUX_NO_BELL=1)')
    .option('--no-notify', 'no desktop notification (OSC 9 / OSC 777) for those (env CHATMUX_NO_NOTIFY=1)')
    .addHelpText('after', '\nExamples:\n  chatmux            # in a project folder\n  chatmux tui --prefix C-a\n  chatmux tui --host gpu-box --host build@ci.example.com   # their chats too, grouped by host')
    // `tui --host A --host B` (issue 14.3): the global --host option collects them (commander
    // gives program options to the program wherever they are); the hosts file adds more.
    .action(async (opts) => runTuiCommand(context(), opts, (program.opts() as { host?: string[] }).host ?? []));
}
