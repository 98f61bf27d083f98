/**
 * One chat's registry entry: read it (by ref), patch it under the registry lock, and the
 * error a user sees for a ref that does not exist.
 */
import type { TmuxRunner } from '../control/exec';
import { rebuildFromTmux } from './adopt';
import type { ChatContext } from './context';
import { findChat, readRegistry, updateRegistry, type ChatRecord } from './registry';
import { ChatInputError } from './validate';

const MAX_SHOWN_REF = 100;

/** The error a user sees for a ref that does not exist. */
export function unknownChat(ref: string): ChatInputError {
  // Cut: a library caller's ref may be anything, 1 MB long or not text at all.
  const text = typeof ref === 'string' ? ref : String(ref);
  const shown = text.length > MAX_SHOWN_REF ? `${text.slice(0, MAX_SHOWN_REF)}… (${text.length} characters)` : text;
  return new ChatInputError(`unknown chat '${shown}' (see chatmux chat list)`);
}

/** Update fields of one record under the lock; returns the updated record. */
export async function setRecord(ctx: ChatContext, ref: string, patch: Partial<ChatRecord>): Promise<ChatRecord> {
  let out: ChatRecord | undefined;
  await updateRegistry(ctx, (reg) => {
    const c = findChat(reg, ref);
    if (!c) throw unknownChat(ref);
    Object.assign(c, patch);
    if (patch.state === 'running' && !('stateReason' in patch)) c.stateReason = null;
    out = c;
  });
  return out!;
}

/** The registry record of chat `ref`; a ChatInputError when there is none. With `r`, a missing or damaged registry is rebuilt from tmux first. */
export async function getChat(ctx: ChatContext, ref: string, r?: TmuxRunner): Promise<ChatRecord> {
  const reg = await readRegistry(ctx, r ? rebuildFromTmux(r, ctx) : undefined);
  const c = findChat(reg, ref);
  if (!c) throw unknownChat(ref);
  return c;
}
