/** `chatmux` / `chatmux tui`: the terminal UI (or, without tmux, one chat in the foreground). */
import type { Command } from '@commander-js/extra-typings';
import { runChatInForeground, warnNoTmuxOnce } from '../chat/fallback';
import type { CliContext } from './context';
import { UsageError } from './context';
import { chatRuntime, mapInputErrors } from './chat-runtime';

interface TuiFlags {
  prefix?: string;
}

async function runTuiCommand(cli: CliContext, flags: TuiFlags): Promise<void> {
  const rt = chatRuntime(cli);
  if (rt.noTmuxReason) {
    // No tmux: a single shell chat in the foreground, so the tool still works (it just won't persist).
    warnNoTmuxOnce(rt.ctx, rt.noTmuxReason);
    const res = await mapInputErrors(() => runChatInForeground(rt.ctx, { executor: 'shell', name: 'shell' }, { stdin: process.stdin, stdout: process.stdout }));
    process.exitCode = res.exitCode === 0 ? 0 : 1;
    return;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the UI needs a terminal (stdin and stdout must be a tty); for scripts use chatmux chat …');
  }
  // Loaded lazily: the CLI's other commands never pay for blessed and xterm.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runTui } = require('../ui/app') as typeof import('../ui/app');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parsePrefix } = require('../ui/input') as typeof import('../ui/input');
  if (flags.prefix) {
    try {
      parsePrefix(flags.prefix);
    } catch (e) {
      throw new UsageError(`--prefix: ${(e as Error).message}`);
    }
  }
  const code = await runTui({ ctx: rt.ctx, prefix: flags.prefix ?? process.env.CHATMUX_PREFIX });
  // stdin and timers would keep node alive; the UI is done and every chat lives on in tmux.
  setTimeout(() => process.exit(code), 50).unref?.();
  process.exitCode = code;
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('tui', { isDefault: true })
    .description('the chat UI (default command): every chat of this project, live, over one tmux connection')
    .option('--prefix <key>', 'command prefix key, e.g. C-o (default) or C-a (env CHATMUX_PREFIX)')
    .addHelpText('after', '\nExamples:\n  chatmux            # in a project folder\n  chatmux tui --prefix C-a')
    .action(async (opts) => runTuiCommand(context(), opts));
}
