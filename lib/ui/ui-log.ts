/**
 * The UI's own log, `<state-dir>/ui.log`: warnings, reconnects and crashes are written here
 * because anything written to stderr would land on top of the screen. Size-capped, one
 * previous file kept; a log that cannot be written is silently skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class UiLog {
  readonly file: string;

  constructor(private readonly stateDir: string) {
    this.file = path.join(stateDir, 'ui.log');
  }

  write(line: string): void {
    try {
      fs.mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      // Size-capped: keep one previous file.
      if ((fs.statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > 1024 * 1024) fs.renameSync(this.file, `${this.file}.1`);
      fs.appendFileSync(this.file, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
    } catch {
      /* nowhere to log */
    }
  }
}
