/**
 * Unhandled rejections and exceptions while each test of the calling file runs (a crash of the
 * UI, had it been one). Call at the top level of a spec file; assert the array is empty.
 */
import { afterEach, beforeEach } from '@jest/globals';

export function watchCrashes(): unknown[] {
  const crashes: unknown[] = [];
  const onCrash = (e: unknown): void => void crashes.push(e);
  beforeEach(() => {
    crashes.length = 0;
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
  });
  afterEach(() => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });
  return crashes;
}
