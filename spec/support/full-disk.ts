/** A real full disk for tests: a tiny tmpfs (needs root) and a filler that leaves N pages free. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Mount a `size` tmpfs on `dir`; null, or why this machine does not allow it. */
export function mountTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (e) {
    return String((e as Error).message).split('\n')[0]!;
  }
}

/** Fill the file system under `dir` (64 KiB files, then 4 KiB ones), then free `pages` 4 KiB pages; returns a function freeing all. */
export function fillDisk(dir: string, pages: number): () => void {
  const files: string[] = [];
  for (const size of [64 * 1024, 4096]) {
    for (let i = 0; ; i++) {
      const f = path.join(dir, `filler-${size}-${i}`);
      try {
        fs.writeFileSync(f, Buffer.alloc(size, 1));
        files.push(f);
      } catch {
        fs.rmSync(f, { force: true });
        break;
      }
    }
  }
  for (const f of files.splice(files.length - pages, pages)) fs.rmSync(f);
  return () => files.forEach((f) => fs.rmSync(f, { force: true }));
}
