/**
 * What only a control-mode client asks of tmux (`refresh-client`): its size and each
 * window's, its flags, flow control of each pane (pause and continue), and subscriptions.
 */
import type { TmuxRunner } from '../exec';
import { TmuxArgumentError } from '../quote';

/** Set the control client's size, or one window's size (tmux ≥ 3.3). */
export async function refreshClientSize(r: TmuxRunner, size: { width: number; height: number; windowId?: string }): Promise<void> {
  const w = Math.max(1, Math.min(10000, Math.floor(size.width)));
  const h = Math.max(1, Math.min(10000, Math.floor(size.height)));
  await r.run(['refresh-client', '-C', size.windowId ? `${size.windowId}:${w}x${h}` : `${w}x${h}`]);
}

/** Drop this client's own size for one window (tmux ≥ 3.3): the window is sized by the other clients. */
export async function clearWindowSize(r: TmuxRunner, windowId: string): Promise<void> {
  if (!/^@\d+$/.test(windowId)) throw new TmuxArgumentError(`not a window id: ${JSON.stringify(windowId)}`);
  await r.run(['refresh-client', '-C', `${windowId}:`]);
}

/** Client flags, e.g. `pause-after=5`, `!pause-after`, `wait-exit`. */
export async function refreshClientFlags(r: TmuxRunner, flags: string): Promise<void> {
  await r.run(['refresh-client', '-f', flags]);
}

/** Resume a paused pane (never `off`: it can crash tmux < 3.7). */
export async function continuePane(r: TmuxRunner, paneId: string): Promise<void> {
  await r.run(['refresh-client', '-A', `${paneId}:continue`]);
}

/** Stop `%output` for a pane to this client until `continuePane` (control-mode flow control). */
export async function pausePane(r: TmuxRunner, paneId: string): Promise<void> {
  await r.run(['refresh-client', '-A', `${paneId}:pause`]);
}

/** Subscribe to a format (`what`: '' session, `%P`, `%*`, `@W`, `@*`). */
export async function subscribe(r: TmuxRunner, name: string, what: string, format: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new TmuxArgumentError('subscription names are [A-Za-z0-9_-]');
  await r.run(['refresh-client', '-B', `${name}:${what}:${format}`]);
}

/** End a format subscription made with `subscribe`. */
export async function unsubscribe(r: TmuxRunner, name: string): Promise<void> {
  await r.run(['refresh-client', '-B', name]);
}
