/**
 * What `chatmux chat attach` sets up around a plain tmux client (issue 12.4): the detach key
 * and status line (already in chatmux's tmux.conf; set again for a server started before), and
 * the chat's size: the attached terminal owns the window while attached (see WindowSizes), so
 * it sees the chat at its own size instead of a UI's, and UIs take it back when it leaves.
 */
import * as fs from 'node:fs';
import { bindRootKey, setOption, showOptionValue, unsetOption } from '../control/commands';
import type { TmuxRunner } from '../control/exec';
import type { ChatContext } from './context';
import { chatPane } from './chat-session';
import type { ChatRecord } from './registry';
import { ATTACH_STATUS_LEFT, ATTACH_STATUS_STYLE, DETACH_KEY } from './tmux-server';
import { ownerName, SIZE_OWNER_OPTION } from './window-sizes';

/** The terminal on our stdin as tmux names its client (`/dev/pts/3`), or null. */
export function ownTty(): string | null {
  try {
    const t = fs.readlinkSync('/proc/self/fd/0');
    return t.startsWith('/dev/') ? t : null;
  } catch {
    return null;
  }
}

/** Returns what to undo once the client has detached. */
export async function prepareAttach(r: TmuxRunner, ctx: ChatContext, chat: ChatRecord, tty: string | null): Promise<() => Promise<void>> {
  if (ctx.socket !== 'default') {
    // The user's own server (--socket default) keeps its own keys and status line.
    await setOption(r, { global: true }, 'status', 'on');
    await setOption(r, { global: true }, 'status-style', ATTACH_STATUS_STYLE);
    await setOption(r, { global: true }, 'status-left-length', '200');
    await setOption(r, { global: true }, 'status-left', ATTACH_STATUS_LEFT);
    await setOption(r, { global: true }, 'status-right', '');
    await setOption(r, { global: true }, 'window-status-format', '');
    await setOption(r, { global: true }, 'window-status-current-format', '');
    await bindRootKey(r, DETACH_KEY, ['detach-client']);
  }
  const pane = await chatPane(r, ctx, chat);
  if (!pane || !tty) return async () => {};
  const window = { window: pane.windowId };
  await setOption(r, window, SIZE_OWNER_OPTION, tty);
  // On tmux 3.2 a UI sized the window with resize-window (window-size manual): follow this terminal.
  await unsetOption(r, window, 'window-size').catch(() => {});
  return async () => {
    // Still ours: nobody owns it now; a UI showing the chat takes it (WindowSizes).
    if (ownerName((await showOptionValue(r, window, SIZE_OWNER_OPTION).catch(() => null)) ?? '') === tty) await unsetOption(r, window, SIZE_OWNER_OPTION).catch(() => {});
  };
}
