/**
 * Input into a pane: typed text, exact bytes, key names, pastes; leaving copy mode first.
 */
import type { TmuxRunner } from '../exec';

/** Commands are chunked so keystrokes of other panes can interleave with a large paste. */
export const SEND_CHUNK_CHARS = 16 * 1024;
/** Raw bytes (`send-keys -H`, as hex) go in chunks of this many, so other panes' keys interleave too. */
export const SEND_CHUNK_BYTES = 4 * 1024;

/** Type text literally (`send-keys -l`). */
export async function sendText(r: TmuxRunner, pane: string, text: string): Promise<void> {
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += SEND_CHUNK_CHARS) {
    await r.run(['send-keys', '-t', pane, '-l', '--', chars.slice(i, i + SEND_CHUNK_CHARS).join('')]);
  }
}

/** Send raw bytes exactly (`send-keys -H`): control keys, escape sequences, non-UTF-8 data. */
export async function sendBytes(r: TmuxRunner, pane: string, bytes: Uint8Array): Promise<void> {
  for (let i = 0; i < bytes.length; i += SEND_CHUNK_BYTES) {
    const hex = Array.from(bytes.subarray(i, i + SEND_CHUNK_BYTES), (b) => b.toString(16).padStart(2, '0'));
    await r.run(['send-keys', '-t', pane, '-H', ...hex]);
  }
}

/** Send tmux key names (`Enter`, `C-c`, …). Only for fixed names, never for user text. */
export async function sendKeyNames(r: TmuxRunner, pane: string, keys: readonly string[]): Promise<void> {
  await r.run(['send-keys', '-t', pane, ...keys]);
}

/** Paste text; bracketed when the application asked for it (`paste-buffer -p`). */
export async function pasteText(r: TmuxRunner, pane: string, text: string, bufferName = `chatmux-paste-${process.pid}`): Promise<void> {
  await r.run(['set-buffer', '-b', bufferName, '--', text]);
  await r.run(['paste-buffer', '-p', '-d', '-r', '-b', bufferName, '-t', pane]);
}

/** Leave copy/view mode so keys reach the program. */
export async function cancelMode(r: TmuxRunner, pane: string): Promise<void> {
  await r.run(['send-keys', '-X', '-t', pane, 'cancel']);
}
