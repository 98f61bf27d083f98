/** Error lines for the chat's stderr log (the chat layer passes `--log <chat>/stderr.log`). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Default size at which the log is rotated (one previous generation `.1` is kept). */
export const DEFAULT_LOG_MAX_BYTES = 4 * 1024 * 1024;

export function logError(file: string | undefined, line: string, maxBytes = DEFAULT_LOG_MAX_BYTES): void {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Rotate like the chat's other logs, so a chat failing every few seconds for weeks stays small.
    try {
      if (fs.statSync(file).size >= maxBytes) fs.renameSync(file, file + '.1');
    } catch {
      /* no log yet */
    }
    fs.appendFileSync(file, `${new Date().toISOString()} nex: ${line}\n`, { mode: 0o600 });
  } catch {
    // The log is a convenience; a full disk must not take the chat down with it.
  }
}
