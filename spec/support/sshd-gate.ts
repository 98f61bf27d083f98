/**
 * The skip line of a spec file that needs a real sshd (kept apart from sshd.ts, which the ssh
 * bench imports outside jest).
 */
import { test } from '@jest/globals';
import { sshdUnavailable } from './sshd';

/** Why the file is skipped (printed once), and `test` or `test.skip` for its tests. */
export function sshdGate(): { skip: string | null; maybe: typeof test | typeof test.skip } {
  const skip = sshdUnavailable();
  if (skip) console.log(skip);
  return { skip, maybe: skip ? test.skip : test };
}
