/**
 * PaneScreens: which chats hold a terminal emulator, and the flow of pane output into them
 * (issue 15.3, 15.4).
 *
 * - Chats on screen, and the few shown most recently, keep a full emulator; every other chat
 *   keeps nothing but its pane id: tmux holds its screen and history, and a capture restores
 *   them when the chat is shown again (what a UI start does for every shown chat).
 * - A chat off screen that prints is paused through control-mode flow control after its first
 *   output (`refresh-client -A '%P:pause'`): one message marks its activity, the rest of a
 *   flood never reaches this process. Showing it continues the pane and re-captures it.
 * - tmux pauses a pane on its own when this client lags (`pause-after`): a shown chat is
 *   caught up at once, a hidden one when it is shown.
 * - A shown chat that floods is paused too and drawn from tmux's screen a few times a second
 *   until it calms down (PaneThrottle, issue 15.2): a screenful parsed per frame, not megabytes.
 * Keyed by chat ref; the pane id comes with each call (LiveChats owns the chat ↔ pane map).
 */
import type { ControlClient } from '../control/client';
import type { PaneInfo } from '../control/commands';
import { OutputGate } from '../terminal/output-gate';
import { PaneTerminal } from '../terminal/pane-terminal';
import { redrawPane } from '../terminal/restore';
import { PaneThrottle, type ThrottleOptions } from './pane-throttle';
import type { TmuxWidthRules } from '../terminal/tmux-widths';

export interface PaneScreensOptions {
  /** Emulator scrollback per chat (older history is read from tmux). */
  scrollback: number;
  /** Chats off screen that keep their emulator, the most recently shown first. */
  warm: number;
  /** Pause a chat off screen at its first output (else every chat's output keeps coming). */
  pauseHidden: boolean;
  /** Throttle a shown chat that floods (null: every byte of a shown chat is parsed). */
  throttle?: ThrottleOptions | null;
  /** How this server's tmux counts cell widths (read after connecting). */
  widths: () => TmuxWidthRules;
  /** A chat's emulator was (re)built from tmux: its pane as tmux reported it. */
  restored: (ref: string, pane: PaneInfo) => void;
  /** A restore failed for a reason other than the pane having gone. */
  failed: (ref: string, error: Error) => void;
}

export const DEFAULT_WARM = 3;

export class PaneScreens {
  private readonly terms = new Map<string, PaneTerminal>();
  /** Restores in flight (their output is held back by the gate until the capture is applied). */
  private readonly restoring = new Map<string, { gate: OutputGate; done: Promise<void> }>();
  /** Chats whose pane is paused for us (by our request or by tmux): ref → pane id. */
  private readonly held = new Map<string, string>();
  /** Panes we sent `continue` for and whose reply has not come: a `%pause` now is an old one. */
  private readonly continuing = new Set<string>();
  /** Chats to restore once more when their restore in flight ends (paused meanwhile). */
  private readonly again = new Set<string>();
  /** Chats to restore once more when their restore in flight ends (resized meanwhile). */
  private readonly resized = new Set<string>();
  private shown = new Set<string>();
  /** When each chat was last on screen (a counter): the warm ones are the latest. */
  private readonly lastShown = new Map<string, number>();
  private clock = 0;
  private disposed = false;
  /** Shown chats that flood: paused, drawn from tmux's screen (null: never throttled). */
  readonly throttle: PaneThrottle | null;

  constructor(
    private readonly client: ControlClient,
    private readonly o: PaneScreensOptions,
  ) {
    this.throttle = o.throttle
      ? new PaneThrottle(o.throttle, {
          pause: (ref, paneId) => this.pauseFor(ref, paneId),
          frame: (ref, paneId) => this.frame(ref, paneId),
          release: (ref, paneId) => this.catchUp(ref, paneId),
        })
      : null;
  }

  /** The chat's emulator, or null while it has none (off screen, or not restored yet). */
  terminal(ref: string): PaneTerminal | null {
    return this.terms.get(ref) ?? null;
  }

  /** Chats holding an emulator now. */
  get count(): number {
    return this.terms.size;
  }

  /** The chat's pane is paused for this client (its output is not coming). */
  isHeld(ref: string): boolean {
    return this.held.has(ref);
  }

  /** The chat floods and is drawn from tmux's screen a few times a second. */
  isThrottled(ref: string): boolean {
    return this.throttle?.isThrottled(ref) ?? false;
  }

  /**
   * The chats now on screen (with their panes, null while a chat has none). Newly shown ones
   * that are paused or have no emulator are restored; hidden ones beyond the warm few lose
   * their emulator.
   */
  show(chats: ReadonlyArray<{ ref: string; paneId: string | null }>): void {
    const before = this.shown;
    this.shown = new Set(chats.map((c) => c.ref));
    // A throttled chat hidden: caught up and flowing, so its next output marks it (and pauses it).
    for (const ref of before) {
      const paneId = this.held.get(ref);
      if (!this.shown.has(ref) && paneId && this.isThrottled(ref)) {
        this.throttle!.stop(ref);
        this.catchUp(ref, paneId);
      }
    }
    const now = ++this.clock;
    for (const c of chats) {
      this.lastShown.set(c.ref, now);
      if (c.paneId) this.ensure(c.ref, c.paneId);
    }
    this.evict();
  }

  /** A shown chat's pane is known: restore it unless it is current. */
  ensure(ref: string, paneId: string): void {
    if (!this.shown.has(ref) || this.restoring.has(ref) || this.isThrottled(ref)) return;
    if (!this.terms.has(ref) || this.held.has(ref)) void this.restore(ref, paneId);
  }

  /** Pane output for chat `ref`, numbered `seq` (the client's `outputSeq`). */
  output(ref: string, paneId: string, data: Uint8Array, seq: number): void {
    const r = this.restoring.get(ref);
    if (r) r.gate.write(data, seq);
    else if (!this.held.has(ref)) {
      const term = this.terms.get(ref);
      term?.write(data);
      if (term && this.throttle && this.shown.has(ref)) this.throttle.output(ref, paneId, data.length);
    }
    if (!this.shown.has(ref)) this.hold(ref, paneId);
  }

  /** A key was typed into the chat: a throttled one is drawn at once (its echo). */
  typed(ref: string): void {
    this.throttle?.typed(ref);
  }

  /** tmux paused the pane (`%pause`): ours, or this client lagged behind (`pause-after`). */
  paused(ref: string, paneId: string): void {
    // A `continue` is on its way: this `%pause` came before it and is already undone.
    if (this.continuing.has(paneId)) return;
    this.held.set(ref, paneId);
    // Throttled: our own pause; frames draw it until it calms down.
    if (!this.shown.has(ref) || this.isThrottled(ref)) return;
    this.catchUp(ref, paneId);
  }

  /** Restore the chat now, or once more when the restore in flight ends (`always`: paused or not). */
  private catchUp(ref: string, paneId: string, always = false): void {
    if (!this.restoring.has(ref)) void this.restore(ref, paneId);
    else if (always) this.resized.add(ref);
    else this.again.add(ref);
  }

  /**
   * Replace the chat's emulator content with what tmux has (history, screen, alternate screen,
   * cursor), continuing its pane first if it is paused, then apply the output that arrived
   * after the capture (§9.1). A restore in flight is waited for, not repeated.
   */
  restore(ref: string, paneId: string): Promise<void> {
    const inFlight = this.restoring.get(ref);
    if (inFlight) return inFlight.done;
    const term = this.terms.get(ref) ?? new PaneTerminal({ cols: 80, rows: 24, scrollback: this.o.scrollback, widths: this.o.widths() });
    const gate = new OutputGate(term);
    // Held from here: output after `continue` is either in the capture or newer than it.
    gate.hold();
    const done = this.doRestore(ref, paneId, term, gate);
    this.restoring.set(ref, { gate, done });
    return done;
  }

  private async doRestore(ref: string, paneId: string, term: PaneTerminal, gate: OutputGate): Promise<void> {
    try {
      // `continue` and the capture go together (tmux runs them in order, so the capture sees
      // the pane flowing again): one round trip, not two, before a paused chat shows.
      let resumed: Promise<void> | null = null;
      if (this.held.has(ref)) {
        this.throttle?.stop(ref);
        this.held.delete(ref);
        this.continuing.add(paneId);
        resumed = this.client.resume(paneId).finally(() => this.continuing.delete(paneId));
      }
      const restored = gate.restore(this.client, paneId, this.o.scrollback);
      if (resumed) {
        restored.catch(() => {}); // a failed continue is the error reported
        await resumed;
      }
      const res = await restored;
      if (this.disposed) return void term.dispose();
      this.terms.set(ref, term);
      this.o.restored(ref, res.pane);
    } catch (e) {
      gate.release(null);
      if (!this.terms.has(ref)) term.dispose();
      if (!this.disposed) this.o.failed(ref, e as Error);
    } finally {
      this.restoring.delete(ref);
    }
    const again = this.again.delete(ref) && this.held.has(ref);
    if ((this.resized.delete(ref) || again) && this.shown.has(ref)) await this.restore(ref, paneId);
    // Hidden while it was restoring: it may be one emulator more than the warm few.
    else if (!this.shown.has(ref)) this.evict();
  }

  /** A hidden chat printed: pause its pane, so the rest of its output stays in tmux. */
  private hold(ref: string, paneId: string): void {
    if (this.o.pauseHidden && !this.held.has(ref)) this.pauseFor(ref, paneId);
  }

  /** Pause the chat's pane in tmux; false without flow control. */
  private pauseFor(ref: string, paneId: string): boolean {
    if (!this.client.flowControl || this.client.isClosed) return false;
    // Held (and so stale) from now: output after the pause takes effect is dropped by tmux.
    this.held.set(ref, paneId);
    void this.client.pause(paneId).catch(() => {
      /* the pane or the connection went: nothing to pause */
    });
    return true;
  }

  /** One frame of a throttled chat, drawn from tmux's screen (its pane stays paused). */
  private async frame(ref: string, paneId: string): Promise<readonly string[] | null> {
    const term = this.terms.get(ref);
    if (!term) throw new Error(`${ref} has no emulator`);
    // A restore in flight draws it anyway.
    if (this.restoring.has(ref)) return null;
    const res = await redrawPane(this.client, paneId, term);
    if (!this.disposed) this.o.restored(ref, res.pane);
    return res.screen;
  }

  /** Off-screen emulators beyond the warm few (least recently shown first) are freed. */
  private evict(): void {
    const hidden = [...this.terms.keys()].filter((r) => !this.shown.has(r) && !this.restoring.has(r));
    hidden.sort((a, b) => (this.lastShown.get(b) ?? 0) - (this.lastShown.get(a) ?? 0));
    for (const ref of hidden.slice(Math.max(0, this.o.warm))) this.dropTerminal(ref);
  }

  /** The emulator goes; a pause stays (the pane is still paused in tmux until shown). */
  private dropTerminal(ref: string): void {
    this.terms.get(ref)?.dispose();
    this.terms.delete(ref);
  }

  /** The chat's pane went or changed: forget its emulator and its pause. */
  drop(ref: string): void {
    this.throttle?.stop(ref);
    this.dropTerminal(ref);
    this.held.delete(ref);
    this.again.delete(ref);
    this.resized.delete(ref);
    this.lastShown.delete(ref);
  }

  /**
   * The pane's size as tmux reports it (`%layout-change`). A new width is taken from tmux, not
   * from xterm's reflow: the two rewrap long lines differently (tmux keeps the cursor row and
   * pushes the rewrapped lines above it into the history, xterm grows them downwards), so a
   * narrowed shell showed its screen shifted against tmux's. A shown chat is captured again; a
   * hidden one's emulator goes (showing it restores it). A new height alone rewraps nothing.
   */
  resize(ref: string, paneId: string | null, cols: number, rows: number): void {
    const term = this.terms.get(ref);
    if (!term) return;
    const rewrapped = term.cols !== cols;
    term.resize(cols, rows);
    if (!rewrapped || this.isThrottled(ref)) return; // a throttled chat's next frame is tmux's screen
    if (!this.shown.has(ref) || !paneId) return this.dropTerminal(ref);
    this.catchUp(ref, paneId, true);
  }

  dispose(): void {
    this.disposed = true;
    this.throttle?.dispose();
    for (const t of this.terms.values()) t.dispose();
    this.terms.clear();
  }
}
