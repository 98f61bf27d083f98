/**
 * Scroll mode over the focused chat's history: the emulator's own scrollback first, then
 * tmux's older history in pages (HistoryPages) down to tmux's first line. Keys: PgUp/PgDn,
 * ↑↓ (k/j), g top, G bottom (staying in scroll mode), q/Esc back to live. The wheel enters
 * scroll mode going up and leaves it on reaching the bottom.
 */
import type { Token } from './input';
import { HistoryPages } from './history-pages';
import type { PaneView } from './pane-view';
import type { PaneTerminal } from '../terminal/pane-terminal';

export interface ScrollHost {
  /** The focused chat's view, if it is on screen. */
  view(): PaneView | null;
  /** The focused chat (its ref). */
  chat(): string | null;
  /** tmux's history of the focused chat: its size, and `count` lines from tmux line `start`. */
  history(): { size(): Promise<number>; lines(start: number, count: number): Promise<string[]> } | null;
  /** An emulator with `lines` one per row, `cols` wide. */
  render(lines: string[], cols: number): Promise<PaneTerminal>;
  /** Scroll mode began or ended (repaint the status line). */
  changed(): void;
  warn(message: string): void;
}

export class ScrollMode {
  active = false;
  private pages: HistoryPages | null = null;
  private attaching: Promise<void> | null = null;
  /** Bumped on leave: an attach still running for an earlier scroll session is dropped. */
  private session = 0;
  /** The chat scrolled. */
  private ref: string | null = null;
  /** Rows up to go back to after a reconnect restored the chat (0: none; a key ends it). */
  private resumeOffset = 0;

  constructor(private readonly host: ScrollHost) {}

  enter(): void {
    const v = this.host.view();
    if (!v?.terminal) return;
    this.start(v);
    this.by(v, -this.page(v));
  }

  leave(): void {
    this.resumeOffset = 0;
    const v = this.host.view();
    v?.scrollToBottom();
    v?.setOlderHistory(null);
    this.pages?.dispose();
    this.pages = null;
    this.attaching = null;
    this.session++;
    if (this.active) {
      this.active = false;
      this.host.changed();
    }
  }

  /** The wheel over the focused view. */
  wheel(v: PaneView, rows: number): void {
    if (!v.terminal) return;
    this.resumeOffset = 0;
    if (rows < 0 && !this.active) this.start(v);
    if (!this.active) return;
    this.by(v, rows);
    if (rows > 0 && !v.isScrolled) this.leave();
  }

  /** A key in scroll mode (every key is consumed). */
  key(t: Token): void {
    const v = this.host.view();
    if (!v || t.kind !== 'key') return;
    this.resumeOffset = 0;
    const page = this.page(v);
    if (t.name === 'escape' || t.char === 'q') this.leave();
    else if (t.name === 'pageup') this.by(v, -page);
    else if (t.name === 'pagedown' || t.name === 'space') this.by(v, page);
    else if (t.name === 'up' || t.char === 'k') this.by(v, -1);
    else if (t.name === 'down' || t.char === 'j') this.by(v, 1);
    else if (t.char === 'g' || t.name === 'home') void this.attach(v).then(() => this.active && v.scrollToTop());
    else if (t.char === 'G' || t.name === 'end') v.scrollToBottom();
  }

  private page(v: PaneView): number {
    return Math.max(1, v.innerSize().rows - 1);
  }

  /**
   * The focused view's emulator was replaced while it stood `offset` rows up (its host
   * reconnected and restored the chat): the same place in the new one, older history asked of
   * tmux again. Another chat in that view ends scroll mode.
   */
  resumeAt(v: PaneView, offset: number): void {
    if (!this.active || this.host.view() !== v) return;
    if (this.host.chat() !== this.ref) return this.leave();
    this.resumeOffset = offset;
    this.reapply(v);
  }

  /** Restores ended: one more restore into the same emulator put it back at its bottom. */
  restored(): void {
    const v = this.host.view();
    if (this.active && this.resumeOffset > 0 && v) this.reapply(v);
  }

  /** Go to `resumeOffset` rows up once the emulator has parsed what the restore wrote. */
  private reapply(v: PaneView): void {
    const term = v.terminal;
    if (!term) return;
    const session = ++this.session;
    this.pages?.dispose();
    this.pages = null;
    this.attaching = null;
    v.setOlderHistory(null);
    void term.flush().then(() => {
      if (session !== this.session || v.terminal !== term || !this.active) return;
      v.scrollToBottom();
      // Past the emulator's scrollback, `by` goes on once tmux said how much older history it has.
      this.by(v, -this.resumeOffset);
      void this.attach(v);
    });
  }

  private start(v: PaneView): void {
    if (!this.active) {
      this.ref = this.host.chat();
      this.active = true;
      this.host.changed();
    }
    void this.attach(v);
  }

  private by(v: PaneView, rows: number): void {
    const moved = v.scrollBy(rows);
    // Scrolled up past the emulator before tmux answered how much history there is: go on once it has.
    if (rows < 0 && moved < -rows && v.atOldestLocalLine && !this.pages) {
      const session = this.session;
      void this.attach(v).then(() => session === this.session && v.scrollBy(rows + moved));
    }
  }

  /** Ask tmux once per scroll session how much older history it holds, and hang it under the view. */
  private attach(v: PaneView): Promise<void> {
    if (this.attaching) return this.attaching;
    const h = this.host.history();
    const term = v.terminal;
    if (!h || !term) return Promise.resolve();
    const session = this.session;
    this.attaching = (async () => {
      try {
        // The emulator's scrollback holds tmux's last `base` history lines; older ones come from tmux.
        const base = term.baseY;
        const rows = Math.max(0, (await h.size()) - base);
        if (session !== this.session || v.terminal !== term || rows === 0) return;
        this.pages = new HistoryPages(
          rows,
          {
            fetch: (from, count) => h.lines(-(base + from + count), count),
            render: (lines) => this.host.render(lines, term.cols),
          },
          () => v.scheduleRender(),
          (e) => this.host.warn(`history: ${e.message}`),
        );
        v.setOlderHistory(this.pages);
      } catch (e) {
        this.host.warn(`history: ${(e as Error).message}`);
      }
    })();
    return this.attaching;
  }
}
