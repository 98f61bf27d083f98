/** `chatmux sessions`: the tmux state on the socket, for humans and scripts. */
import type { Command } from '@commander-js/extra-typings';
import { formatInspection, inspectServer } from '../api/chats';
import type { CliContext } from './context';
import { chatRuntime, requireTmux } from './chat-runtime';

export function register(program: Command, context: () => CliContext): void {
  program
    .command('sessions')
    .description('every tmux session on the socket: windows, panes (pid, command, size, dead + exit status), clients, times, and its chat')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  chatmux sessions --json | jq \'.sessions[] | {name, chat}\'')
    .action(async (opts) => {
      const rt = chatRuntime(context());
      const x = await inspectServer(requireTmux(rt, 'chatmux sessions'));
      process.stdout.write((opts.json ? JSON.stringify(x, null, 2) : formatInspection(x, rt.ctx.socket)) + '\n');
    });
}
