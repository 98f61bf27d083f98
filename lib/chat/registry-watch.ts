/**
 * Changes to this project's registry made elsewhere (the CLI, another UI): renames, roles,
 * closes and archives, including those that touch no tmux session (issue 12.5). Watched with
 * the kernel's file notifications (fs.watch on the state folder: the registry is replaced by
 * rename), not polled; `onChange` runs only when the file's text really changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatContext } from './context';
import { registryPath } from './registry';

/** Call `onChange` whenever the registry's text changes; returns the function that stops watching. */
export function watchRegistry(ctx: ChatContext, onChange: () => void): () => void {
  const file = registryPath(ctx);
  const read = (): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  let last = read();
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (name !== null && name !== path.basename(file)) return;
      const now = read();
      if (now === last) return;
      last = now;
      onChange();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No file notifications here (some network file systems): tmux notifications still work.
  }
  return () => watcher?.close();
}
