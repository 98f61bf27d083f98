/** cmd: any argv given after `--`; resume runs it again. */
import type { Executor, LaunchSpec } from './types';

function spec(argv: readonly string[]): LaunchSpec {
  if (argv.length === 0) throw new Error('a cmd chat needs a command');
  return { argv: [...argv], env: {}, teeStderr: true, logNote: 'stderr of the command (tee\'d: it still reaches the terminal)' };
}

export const cmd: Executor = {
  name: 'cmd',
  fresh: (input) => spec(input.chat.argv),
  resume: (input) => spec(input.chat.argv),
};
