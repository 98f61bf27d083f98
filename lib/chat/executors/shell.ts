/** shell: the user's $SHELL (an interactive shell prints its prompt on stderr, so stderr stays on the terminal). */
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { keyEnv } from './types';

function spec(input: LaunchInput): LaunchSpec {
  const shell = input.env.SHELL || '/bin/sh';
  return { argv: [shell, ...input.chat.argv], env: keyEnv(input), teeStderr: false, logNote: 'not captured: an interactive shell draws its prompt and line editing on stderr' };
}

export const shell: Executor = {
  name: 'shell',
  fresh: spec,
  // Nothing to continue: a new shell in the same folder.
  resume: spec,
};
