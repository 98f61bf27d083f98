/**
 * Where a pane view stands in its pane's history: the emulator's own scrollback (its viewport)
 * plus rows older than that (`OlderRows`, see history-pages.ts), fetched by the caller. Offsets
 * count rows above the live bottom. It knows nothing of blessed: the view asks it which line each
 * of its rows shows, and renders after every move.
 */
import type { IBufferCell, IBufferLine } from '@xterm/headless';
import type { PaneTerminal } from '../terminal/pane-terminal';
import type { OlderRows } from './history-pages';

/** One line to show on a view row, with a cell to read it through. */
export interface SourceLine {
  line: IBufferLine;
  cell: IBufferCell;
  cols: number;
}

export class PaneScroll {
  private older: OlderRows | null = null;
  /** Rows of `older` shown above the emulator's first line (0 when not in it). */
  private olderOffset = 0;

  /** History older than the emulator's scrollback: depth 1 is the line just above its oldest line. */
  setOlder(older: OlderRows | null): void {
    this.older = older;
    this.olderOffset = Math.min(this.olderOffset, this.olderRows());
    if (!older) this.olderOffset = 0;
  }

  /** Rows above the live bottom (0 = following live output). */
  offset(t: PaneTerminal | null): number {
    return t ? t.scrollOffset + this.olderOffset : 0;
  }

  /** True when `t`'s oldest line is shown: time to fetch older history from tmux. */
  atOldestLocalLine(t: PaneTerminal | null): boolean {
    return !!t && t.viewportY === 0 && this.olderOffset >= this.olderRows();
  }

  /** Negative = towards older lines; stops at either end. */
  scrollBy(t: PaneTerminal, rows: number): void {
    if (rows < 0) {
      const local = Math.min(t.viewportY, -rows);
      if (local > 0) t.scrollLines(-local);
      this.olderOffset = Math.min(this.olderOffset + (-rows - local), this.olderRows());
    } else {
      const back = Math.min(this.olderOffset, rows);
      this.olderOffset -= back;
      if (rows - back > 0) t.scrollLines(rows - back);
    }
  }

  toTop(t: PaneTerminal): void {
    t.scrollToTop();
    this.olderOffset = this.olderRows();
  }

  toBottom(t: PaneTerminal): void {
    this.olderOffset = 0;
    t.scrollToBottom();
  }

  /** The emulator (or older-history) line shown on view row `row`, if any; `cell` reads `t`'s lines. */
  sourceLine(t: PaneTerminal, row: number, cell: IBufferCell): SourceLine | null {
    const index = t.viewportY - this.olderOffset + row;
    if (index >= 0) {
      // Past the last line (box taller than the pane) there is none: the row is padded.
      const line = t.buffer.getLine(index);
      return line ? { line, cell, cols: t.cols } : null;
    }
    return this.older ? this.older.line(-index) : null;
  }

  /** Rows shown from older history on a view `rows` high: ask for their pages (a page that arrives repaints). */
  wantShown(t: PaneTerminal, rows: number): void {
    if (!this.older || this.olderOffset <= 0) return;
    const top = this.olderOffset - t.viewportY;
    this.older.want(top, Math.max(1, top - rows + 1));
  }

  private olderRows(): number {
    return this.older ? this.older.rows : 0;
  }
}
