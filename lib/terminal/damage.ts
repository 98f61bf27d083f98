/**
 * PaneDamage: which viewport rows of a headless xterm changed since the painter last took
 * them, so a paint reads only those rows (an echo: one row, not the whole pane).
 *
 * xterm's parser reports the rows each parsed chunk touched (the range its own renderer
 * redraws, `onRequestRefreshRows`, internal to the headless build); anything that moves every
 * row — a scroll, the viewport moving, a resize, a buffer switch or reset — damages all rows.
 * Without the internal hook (another xterm release) every take() is "all rows": slower, never wrong.
 */
import type { IDisposable, Terminal } from '@xterm/headless';

export interface RowRange {
  /** First and last damaged viewport row, inclusive. */
  start: number;
  end: number;
}

type RefreshRows = (listener: (e: { start: number; end: number } | undefined) => void) => IDisposable;

const ALL: RowRange = { start: 0, end: Number.MAX_SAFE_INTEGER };

/** The viewport rows of one emulator changed since the last `take()`. */
export class PaneDamage {
  private range: RowRange | null = ALL;
  private readonly disposables: IDisposable[];
  /** False when this xterm does not report damaged rows: every take() is then all rows. */
  readonly precise: boolean;

  constructor(term: Terminal) {
    const all = (): void => this.markAll();
    this.disposables = [term.onScroll(all), term.onResize(all), term.buffer.onBufferChange(all)];
    const hook = (term as unknown as { _core?: { _inputHandler?: { onRequestRefreshRows?: RefreshRows } } })._core?._inputHandler?.onRequestRefreshRows;
    this.precise = typeof hook === 'function';
    if (this.precise) this.disposables.push(hook!((e) => (e ? this.mark(e.start, e.end) : this.markAll())));
  }

  mark(start: number, end: number): void {
    const r = this.range;
    this.range = r ? { start: Math.min(r.start, start), end: Math.max(r.end, end) } : { start, end };
  }

  markAll(): void {
    this.range = ALL;
  }

  /** The rows damaged since the last take (null: none), and start over. */
  take(): RowRange | null {
    const r = this.precise ? this.range : ALL;
    this.range = null;
    return r;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
