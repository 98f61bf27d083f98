/**
 * The outer terminal's own cursor, placed where the focused chat's cursor is, in the shape the
 * chat's program asked for (DECSCUSR), hidden when the program hides it or nothing is focused.
 * A real cursor (not an inverse cell) is what IME input, screen readers and the user's cursor
 * style follow (issue 12.9). blessed saves and restores the cursor around each draw.
 */
import type { Widgets } from 'blessed';

interface Program {
  cursorHidden: boolean;
  cup(row: number, col: number): void;
  showCursor(): void;
  hideCursor(): void;
  _write(s: string): void;
}

export class RealCursor {
  private shape = 0;

  constructor(private readonly screen: Widgets.Screen) {}

  private get program(): Program {
    return this.screen.program as unknown as Program;
  }

  place(at: { x: number; y: number; shape: number } | null): void {
    const p = this.program;
    if (!at) {
      if (!p.cursorHidden) p.hideCursor();
      return;
    }
    p.cup(at.y, at.x);
    if (at.shape !== this.shape) {
      this.shape = at.shape;
      p._write(`\x1b[${at.shape} q`);
    }
    if (p.cursorHidden) p.showCursor();
  }

  /** Back to the terminal's default shape (on exit). */
  reset(): void {
    if (this.shape !== 0) this.program._write('\x1b[0 q');
    this.shape = 0;
  }
}
