/**
 * Who sizes a chat's window when several UIs (or an attached terminal) show it (issue 12.2).
 * tmux clamps a window to the smallest per-window size any control client set, so a UI sizes
 * only the windows it owns: the window option @chatmux-size-owner names the UI (its view
 * session) where the chat was last focused or typed into. Every UI follows that option (a
 * subscription, and at once on a layout change it did not ask for) and drops its own size
 * for a window another owns; when the owner goes away, a UI still showing the chat takes it.
 */
import { clearWindowSize, listClients, listSessions, refreshClientSize, resizeWindow, setOption, showOptionValue } from '../control/commands';
import type { ControlClient } from '../control/client';
import { isMissingTarget } from '../control/errors';

export const SIZE_OWNER_OPTION = '@chatmux-size-owner';

/**
 * The owner's name: the option's first word. A terminal's focus hook appends its activity
 * time, so that taking a window back always changes the value (a subscription reports a value
 * only when it differs from the last one it sent, once a second).
 */
export function ownerName(value: string): string {
  return value.split(' ')[0] ?? '';
}

type Size = { cols: number; rows: number };

export class WindowSizes {
  /** The size this UI shows each window at (its pane's inner size). */
  private readonly wanted = new Map<string, Size>();
  /** The owner each window had when last seen ('' = nobody). */
  private readonly owners = new Map<string, string>();
  /** Windows this UI has set its own size for. */
  private readonly applied = new Map<string, string>();

  constructor(
    private readonly client: ControlClient,
    /** This UI's name in the owner option: its view session. */
    readonly me: string,
    private readonly warn: (m: string) => void,
  ) {}

  owns(windowId: string): boolean {
    return this.owners.get(windowId) === this.me;
  }

  /** This UI shows the window at `size`: applied when it owns the window or nobody (alive) does. */
  async want(windowId: string, size: Size): Promise<void> {
    await (await this.queue(windowId, size)).done;
  }

  /**
   * `want`, resolving as soon as its size commands are sent (after the replies it needs to decide):
   * tmux runs what is sent next after them, so a capture sent then sees the window at its new
   * size without waiting another round trip. `done` resolves when tmux has answered them.
   */
  async queue(windowId: string, size: Size): Promise<{ done: Promise<void> }> {
    this.wanted.set(windowId, size);
    let owner = this.owners.get(windowId);
    if (owner === undefined) owner = await this.readOwner(windowId);
    if (owner === this.me) return { done: this.apply(windowId) };
    if (!owner || !(await this.alive(owner))) return { done: this.claim(windowId) };
    return { done: Promise.resolve() };
  }

  /** The user focused or typed into the chat here: the window takes this UI's size. */
  async claim(windowId: string): Promise<void> {
    if (!this.wanted.has(windowId)) return;
    this.owners.set(windowId, this.me);
    // A fresh value each time (see ownerName): the other UIs hear of every claim. The size goes
    // right behind it, not after its reply: one round trip less before a shown chat's restore.
    const claimed = setOption(this.client, { window: windowId }, SIZE_OWNER_OPTION, `${this.me} ${Date.now()}`);
    const applied = this.apply(windowId);
    try {
      await claimed;
    } catch (e) {
      if (!isMissingTarget(e)) this.warn(`resize failed: ${(e as Error).message}`);
    }
    await applied;
  }

  /** The window is no longer shown here. */
  forget(windowId: string): void {
    this.wanted.delete(windowId);
  }

  /** tmux said who owns the window now. */
  async ownerIs(windowId: string, value: string): Promise<void> {
    const owner = ownerName(value);
    this.owners.set(windowId, owner);
    if (owner === this.me) return;
    if (!owner && this.wanted.has(windowId)) return this.claim(windowId);
    await this.release(windowId);
  }

  /** A window changed size: if this UI's size is set but was not what tmux chose, look who owns it now. */
  async sizeChanged(windowId: string, cols: number, rows: number): Promise<void> {
    const mine = this.applied.get(windowId);
    if (mine && mine !== `${cols}x${rows}`) await this.ownerIs(windowId, await this.readOwner(windowId));
  }

  /** A client or session went away: take back shown windows whose owner is gone. */
  async recheck(): Promise<void> {
    for (const windowId of this.wanted.keys()) {
      const owner = this.owners.get(windowId);
      if (owner !== this.me && (!owner || !(await this.alive(owner)))) await this.claim(windowId);
    }
  }

  private async readOwner(windowId: string): Promise<string> {
    let owner = '';
    try {
      owner = (await showOptionValue(this.client, { window: windowId }, SIZE_OWNER_OPTION)) ?? '';
    } catch (e) {
      if (!isMissingTarget(e)) throw e;
    }
    owner = ownerName(owner);
    this.owners.set(windowId, owner);
    return owner;
  }

  /** A UI (its view session) or a terminal attached with `chatmux chat attach` (its tty). */
  private async alive(owner: string): Promise<boolean> {
    if (owner.startsWith('/')) return (await listClients(this.client)).some((c) => c.name === owner);
    // The view session of a UI that was killed stays until a sweep, with no client: not an owner.
    return (await listSessions(this.client)).some((s) => s.name === owner && s.attached > 0);
  }

  private async apply(windowId: string): Promise<void> {
    const size = this.wanted.get(windowId);
    if (!size) return;
    const key = `${size.cols}x${size.rows}`;
    if (this.applied.get(windowId) === key) return;
    this.applied.set(windowId, key);
    try {
      if (this.client.features.perWindowSize) await refreshClientSize(this.client, { windowId, width: size.cols, height: size.rows });
      // tmux 3.2: no per-window size, and a control client never becomes a window's "latest"
      // client (only a real terminal's keys do), so the owner sets the window's size itself.
      else await resizeWindow(this.client, windowId, size.cols, size.rows);
    } catch (e) {
      this.applied.delete(windowId);
      if (!isMissingTarget(e)) this.warn(`resize failed: ${(e as Error).message}`);
    }
  }

  private async release(windowId: string): Promise<void> {
    if (!this.applied.has(windowId)) return;
    this.applied.delete(windowId);
    if (!this.client.features.perWindowSize) return;
    await clearWindowSize(this.client, windowId).catch((e) => {
      if (!isMissingTarget(e)) this.warn(`resize failed: ${(e as Error).message}`);
    });
  }
}
