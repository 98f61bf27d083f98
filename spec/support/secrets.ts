/** Where a secret must not be: argv of any process, files under a folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** PIDs whose command line contains `text` (every process this user can see). */
export function pidsWithArgvContaining(text: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`).includes(text)) found.push(pid);
    } catch {
      /* gone */
    }
  }
  return found;
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(f));
    else if (e.isFile()) out.push(f);
  }
  return out;
}
