/**
 * Handing out refs so that none is ever used twice, even after chats.json was lost or rebuilt
 * from tmux: the next number is above every high-water mark we can find — the registry's
 * `lastRef`, its backup's, a global user option on the tmux server, and the `chats/<ref>/`
 * log folders (an old chat's logs are never appended to by a new chat).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TmuxRunner } from '../control/exec';
import { setOption, showOptionValue } from '../control/commands';
import { TmuxClosedError, TmuxNotFoundError } from '../control/errors';
import type { ChatContext } from './context';
import { refNumber } from './naming';
import { readBackup, type Registry } from './registry';

/** `@chatmux-last-ref-<12 hex of the state dir>`: one counter per registry, on the server. */
export function lastRefOption(ctx: ChatContext): string {
  return `@chatmux-last-ref-${createHash('sha256').update(ctx.stateDir).digest('hex').slice(0, 12)}`;
}

/**
 * The server's high-water mark (0 when unset, no server, or unreadable). A runner that cannot
 * reach tmux at all (a closed control connection, no tmux installed) throws instead: `chat new`
 * then fails before its entry is written, not after with a closed chat left behind.
 */
export async function readServerMark(r: TmuxRunner, ctx: ChatContext): Promise<number> {
  try {
    const v = await showOptionValue(r, { global: true }, lastRefOption(ctx));
    return v && /^\d{1,9}$/.test(v) ? Number(v) : 0;
  } catch (err) {
    if (err instanceof TmuxClosedError || err instanceof TmuxNotFoundError) throw err;
    return 0;
  }
}

/** Raise the server's mark to `n` (called under the registry lock, so it only grows). */
export async function writeServerMark(r: TmuxRunner, ctx: ChatContext, n: number): Promise<void> {
  if ((await readServerMark(r, ctx)) >= n) return;
  await setOption(r, { global: true }, lastRefOption(ctx), String(n));
}

/** Highest `chat-<n>` folder under `<stateDir>/chats`. */
function highestLogFolder(ctx: ChatContext): number {
  try {
    return Math.max(0, ...fs.readdirSync(path.join(ctx.stateDir, 'chats')).map(refNumber));
  } catch {
    return 0;
  }
}

/** Every mark we know of, without the server's (pass it in: reading it needs tmux). */
export function highWaterMark(ctx: ChatContext, reg: Registry, serverMark = 0): number {
  return Math.max(reg.lastRef, serverMark, readBackup(ctx)?.lastRef ?? 0, highestLogFolder(ctx), ...reg.chats.map((c) => refNumber(c.ref)));
}
