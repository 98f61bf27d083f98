/** Error lines for the chat's stderr log (the chat layer passes `--log <chat>/stderr.log`). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function logError(file: string | undefined, line: string): void {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(file, `${new Date().toISOString()} nex: ${line}\n`, { mode: 0o600 });
  } catch {
    // The log is a convenience; a full disk must not take the chat down with it.
  }
}
