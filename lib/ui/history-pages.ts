/**
 * History older than a pane's emulator scrollback, read from tmux in pages as the view
 * reaches it (issue 12.1). Rows are addressed by depth: depth 1 is the line just above the
 * emulator's oldest line, depth `rows` is tmux's first history line. At most `maxPages`
 * pages are held; the page farthest from what the view last asked for is dropped (and read
 * again if the view comes back), so memory stays bounded however long the history is.
 */
import type { IBufferCell, IBufferLine } from '@xterm/headless';
import type { PaneTerminal } from '../terminal/pane-terminal';

export interface OlderRows {
  /** Rows available above the emulator's oldest line. */
  readonly rows: number;
  /** The row at `depth` (1 … rows), or null while its page is not loaded. */
  line(depth: number): { line: IBufferLine; cell: IBufferCell; cols: number } | null;
  /** The view shows depths from … to (inclusive): load what is missing. */
  want(from: number, to: number): void;
}

export interface HistorySource {
  /**
   * `count` lines ending at depth `from + 1` (oldest first). Fewer (the oldest ones, still
   * ending at `from + 1`) when tmux's history starts before `from + count`.
   */
  fetch(from: number, count: number): Promise<string[]>;
  /** An emulator holding `lines`, one row each. */
  render(lines: string[]): Promise<PaneTerminal>;
}

interface Page {
  term: PaneTerminal;
  cell: IBufferCell;
  /** Lines the page holds (the last page may be short). */
  count: number;
}

export class HistoryPages implements OlderRows {
  private readonly pages = new Map<number, Page>();
  private readonly loading = new Set<number>();
  private disposed = false;
  /** Every page load that finished or failed (tests, and the UI to know when to repaint). */
  loads = 0;

  constructor(
    readonly rows: number,
    private readonly source: HistorySource,
    private readonly onLoaded: () => void,
    private readonly onError: (e: Error) => void = () => {},
    readonly pageRows = 1000,
    readonly maxPages = 4,
  ) {}

  /** Pages held now (memory bound check). */
  get held(): number {
    return this.pages.size;
  }

  line(depth: number): { line: IBufferLine; cell: IBufferCell; cols: number } | null {
    if (depth < 1 || depth > this.rows) return null;
    const p = Math.floor((depth - 1) / this.pageRows);
    const page = this.pages.get(p);
    if (!page) return null;
    // The page's last line is depth p*pageRows + 1.
    const index = page.count - (depth - p * this.pageRows);
    const line = index >= 0 ? page.term.buffer.getLine(index) : undefined;
    return line ? { line, cell: page.cell, cols: page.term.cols } : null;
  }

  want(from: number, to: number): void {
    if (this.disposed || this.rows === 0) return;
    const lo = Math.max(1, Math.min(from, to));
    const hi = Math.min(this.rows, Math.max(from, to));
    if (hi < lo) return;
    const first = Math.floor((lo - 1) / this.pageRows);
    const last = Math.floor((hi - 1) / this.pageRows);
    for (let p = first; p <= last; p++) void this.load(p, (first + last) / 2);
  }

  dispose(): void {
    this.disposed = true;
    for (const page of this.pages.values()) page.term.dispose();
    this.pages.clear();
  }

  private async load(p: number, centre: number): Promise<void> {
    if (this.pages.has(p) || this.loading.has(p)) return;
    this.loading.add(p);
    try {
      const from = p * this.pageRows;
      const count = Math.min(this.pageRows, this.rows - from);
      const lines = await this.source.fetch(from, count);
      const term = await this.source.render(lines.length ? lines : ['']);
      if (this.disposed) return void term.dispose();
      this.pages.set(p, { term, cell: term.buffer.getNullCell(), count: lines.length });
      this.evict(centre);
    } catch (e) {
      this.onError(e as Error);
    } finally {
      this.loading.delete(p);
      this.loads++;
    }
    if (!this.disposed) this.onLoaded();
  }

  /** Drop the pages farthest from `centre` until at most maxPages are held. */
  private evict(centre: number): void {
    while (this.pages.size > this.maxPages) {
      let far = -1;
      for (const p of this.pages.keys()) if (far < 0 || Math.abs(p - centre) > Math.abs(far - centre)) far = p;
      this.pages.get(far)!.term.dispose();
      this.pages.delete(far);
    }
  }
}
