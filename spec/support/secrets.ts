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

/** Watch every process's argv for `text` (every 20 ms) until the returned stop; it resolves with the PIDs seen. */
export function watchArgv(text: string): () => Promise<string[]> {
  let seen: string[] = [];
  let watching = true;
  const loop = (async () => {
    while (watching) {
      seen = seen.concat(pidsWithArgvContaining(text));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    watching = false;
    await loop;
    return seen;
  };
}
