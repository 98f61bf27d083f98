/**
 * cmd: any argv given after `--`; resume runs it again. It gets the pane's terminal on stdin,
 * stdout and stderr, as in any terminal: bash, python3 -i and friends stay interactive and
 * their stderr keeps its order. Everything it prints, stderr included, is in output.log.
 */
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { keyEnv } from './types';

function spec(input: LaunchInput): LaunchSpec {
  if (input.chat.argv.length === 0) throw new Error('a cmd chat needs a command');
  return { argv: [...input.chat.argv], env: keyEnv(input), teeStderr: false, logNote: 'start headers only: the command\'s stderr is its terminal, recorded in output.log' };
}

export const cmd: Executor = {
  name: 'cmd',
  fresh: spec,
  resume: spec,
};
