/**
 * The outer terminal's own cursor, placed where the focused chat's cursor is, in the shape the
 * chat's program asked for (DECSCUSR), hidden when the program hides it or nothing is focused.
 * A real cursor (not an inverse cell) is what IME input, screen readers and the user's cursor
 * style follow (issue 12.9).
 *
 * It returns bytes to append to a frame (after blessed's cells and the painted panes, in the
 * same write) rather than writing itself, and keeps blessed's `program.cursorHidden` in step so
 * blessed's own draws (which hide the cursor around their cells and show it again only when
 * that flag says it is shown) agree with it.
 */
export interface CursorAt {
  x: number;
  y: number;
  /** DECSCUSR Ps (0 = the terminal's default shape). */
  shape: number;
}

export interface CursorProgram {
  cursorHidden: boolean;
}

const HIDE = '\x1b[?25l';
const SHOW = '\x1b[?25h';

export class RealCursor {
  private shape = 0;

  constructor(private readonly program: CursorProgram) {}

  /** Before cells are painted: hide the cursor, or it flickers across them. */
  hideWhilePainting(): string {
    if (this.program.cursorHidden) return '';
    this.program.cursorHidden = true;
    return HIDE;
  }

  /** The bytes that put the cursor at `at` (shown, in its shape), or hide it (null). */
  place(at: CursorAt | null): string {
    const p = this.program;
    if (!at) {
      if (p.cursorHidden) return '';
      p.cursorHidden = true;
      return HIDE;
    }
    let out = `\x1b[${at.y + 1};${at.x + 1}H`;
    if (at.shape !== this.shape) {
      this.shape = at.shape;
      out += `\x1b[${at.shape} q`;
    }
    if (p.cursorHidden) {
      p.cursorHidden = false;
      out += SHOW;
    }
    return out;
  }

  /** Back to the terminal's default shape (on exit). */
  reset(): string {
    if (this.shape === 0) return '';
    this.shape = 0;
    return '\x1b[0 q';
  }
}
