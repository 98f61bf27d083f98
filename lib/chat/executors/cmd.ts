/** cmd: any argv given after `--`; resume runs it again. */
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { keyEnv } from './types';

function spec(input: LaunchInput): LaunchSpec {
  if (input.chat.argv.length === 0) throw new Error('a cmd chat needs a command');
  return { argv: [...input.chat.argv], env: keyEnv(input), teeStderr: true, logNote: 'stderr of the command (tee\'d: it still reaches the terminal)' };
}

export const cmd: Executor = {
  name: 'cmd',
  fresh: spec,
  resume: spec,
};
