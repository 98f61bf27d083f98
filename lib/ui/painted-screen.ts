/**
 * Pane content is painted by our own painter (lib/terminal/painter.ts, issue 15.1), not by
 * blessed: blessed keeps the tree, tabs, status line, dialogs, notes and scroll-mode pages.
 *
 * How the two share one terminal: a pane view fills its content area of blessed's
 * `screen.lines` with a marker cell, and before every blessed draw this module makes
 * `screen.olines` (what blessed believes the terminal shows) hold the marker there too — so
 * blessed's diff never writes those cells. Whatever blessed itself put over a pane (a dialog, a
 * note, a scroll page) is not a marker: the pane marks those cells covered (never painted, and
 * forgotten so they are repainted when the cover goes). Right after blessed's draw, in the same
 * write, come the panes' changed cells and the real cursor. Output of a chat on screen skips
 * blessed altogether: its pane paints its changed rows directly (`paint`).
 */
import type { Widgets } from 'blessed';
import { RealCursor, type CursorAt } from './real-cursor';

/** The marker: a private-use character no program output reaches blessed with. */
export const MARK_CH = '\uE000';

export type ScreenCell = [number, string];
export type ScreenRow = ScreenCell[] & { dirty?: boolean };

export function isMark(cell: ScreenCell | undefined): boolean {
  return !!cell && cell[1] === MARK_CH;
}

export interface PaintedPane {
  /** Before blessed draws: keep blessed off the pane's marked cells; note the cells it draws itself. */
  claim(lines: ScreenRow[], olines: ScreenRow[]): void;
  /** The bytes that bring the pane's cells on the terminal up to date ('' when none changed). */
  paintBytes(): string;
}

interface ScreenInternals {
  lines: ScreenRow[];
  olines: ScreenRow[];
  destroyed?: boolean;
  draw(start: number, end: number): void;
  program: { cursorHidden: boolean; _write(s: string): void; _owrite(s: string): void; flush(): void };
}

const perScreen = new WeakMap<Widgets.Screen, PaintedScreen>();

export class PaintedScreen {
  private readonly panes = new Set<PaintedPane>();
  private readonly cursor: RealCursor;
  private readonly s: ScreenInternals;
  /** Where the real cursor goes (null: hidden); asked after every frame. */
  cursorAt: (() => CursorAt | null) | null = null;
  /** Where it was put last (a pane's paint that changed nothing leaves it there). */
  private lastAt = '';

  /** The one per screen (pane views register with it). */
  static for(screen: Widgets.Screen): PaintedScreen {
    let p = perScreen.get(screen);
    if (!p) {
      p = new PaintedScreen(screen);
      perScreen.set(screen, p);
    }
    return p;
  }

  private constructor(screen: Widgets.Screen) {
    this.s = screen as unknown as ScreenInternals;
    this.cursor = new RealCursor(this.s.program);
    const draw = this.s.draw.bind(screen);
    this.s.draw = (start: number, end: number): void => {
      for (const p of this.panes) p.claim(this.s.lines, this.s.olines);
      draw(start, end);
      this.emit([...this.panes].map((p) => p.paintBytes()).join(''), true);
    };
  }

  add(pane: PaintedPane): void {
    this.panes.add(pane);
  }

  remove(pane: PaintedPane): void {
    this.panes.delete(pane);
  }

  /** Paint one pane's changes now, without blessed (its output while nothing else changed). */
  paint(pane: PaintedPane): void {
    if (this.s.destroyed) return;
    this.emit(pane.paintBytes(), false);
  }

  /** The cursor back to the terminal's default shape (before leaving). */
  reset(): void {
    const out = this.cursor.reset();
    if (out && !this.s.destroyed) this.s.program._write(out);
  }

  /**
   * `cells` then the cursor; `always`: blessed drew (it may have moved the cursor: a clear), and
   * the bytes join blessed's buffered frame. A pane's own paint (an echo) goes to the terminal at
   * once, after anything blessed still buffers: blessed would hold it until setImmediate, behind
   * the rest of this read's `%output`.
   */
  private emit(cells: string, always: boolean): void {
    const at = this.cursorAt?.() ?? null;
    const key = at ? `${at.x},${at.y},${at.shape}` : '';
    if (!cells && !always && key === this.lastAt) return;
    this.lastAt = key;
    const out = (cells ? this.cursor.hideWhilePainting() + cells : '') + this.cursor.place(at);
    if (!out) return;
    if (always) return void this.s.program._write(out);
    this.s.program.flush();
    this.s.program._owrite(out);
  }
}
