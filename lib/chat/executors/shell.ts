/** shell: the user's $SHELL (an interactive shell prints its prompt on stderr, so stderr stays on the terminal). */
import type { Executor, LaunchSpec } from './types';

function spec(argv: readonly string[]): LaunchSpec {
  const shell = process.env.SHELL || '/bin/sh';
  return { argv: [shell, ...argv], env: {}, teeStderr: false, logNote: 'not captured: an interactive shell draws its prompt and line editing on stderr' };
}

export const shell: Executor = {
  name: 'shell',
  fresh: (input) => spec(input.chat.argv),
  // Nothing to continue: a new shell in the same folder.
  resume: (input) => spec(input.chat.argv),
};
