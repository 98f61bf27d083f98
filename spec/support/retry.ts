// Integration specs drive real tmux, real agent CLIs and real processes on a shared 2-core
// machine; a test that fails once for timing is run once more (its first failure is logged,
// so a flake stays visible). A real failure fails twice and still fails the run.
import { afterAll, jest } from '@jest/globals';
import { removeDeadSocketFiles } from './tmux';

jest.retryTimes(1, { logErrorsBeforeRetry: true });

// Shell chats in the tests run the user's own ~/.bashrc; with pyenv it runs `pyenv rehash`,
// which waits up to 60 s on a lock a shell killed mid-rehash leaves behind (.ci/run sets the
// same for CI; this covers a plain `npm test`).
process.env.PYENV_REHASH_TIMEOUT ??= '2';
// The shells of test chats would add their test commands to the user's own ~/.bash_history.
process.env.HISTFILE = '/dev/null';

// The socket files of the servers this file killed (tmux leaves them behind).
afterAll(removeDeadSocketFiles);
