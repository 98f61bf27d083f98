// Integration specs drive real tmux, real agent CLIs and real processes on a shared 2-core
// machine; a test that fails once for timing is run once more (its first failure is logged,
// so a flake stays visible). A real failure fails twice and still fails the run.
import { jest } from '@jest/globals';

jest.retryTimes(1, { logErrorsBeforeRetry: true });
