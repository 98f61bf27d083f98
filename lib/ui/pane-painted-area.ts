/**
 * The painter side of a pane view (with `painter`, see painted-screen.ts): while the view is
 * live, its content area is marked as ours in `screen.lines` (blessed then leaves it alone) and
 * our PanePainter paints the cells the emulator reports changed, straight to the terminal. Cells
 * blessed draws over the area (a dialog, a note) are covered: never painted, and repainted when
 * the cover goes.
 */
import type { Widgets } from 'blessed';
import type { PaneTerminal } from '../terminal/pane-terminal';
import { PaneDamage } from '../terminal/damage';
import { PanePainter, type PaintRegion } from '../terminal/painter';
import { createRenderScheduler, type RenderScheduler } from './render-scheduler';
import { isMark, MARK_CH, PaintedScreen, type PaintedPane, type ScreenRow } from './painted-screen';
import type { ContentArea } from './pane-cells';

/** What the area asks of its view. */
export interface PaintedHost {
  readonly box: { readonly visible: boolean };
  readonly terminal: PaneTerminal | null;
  readonly isScrolled: boolean;
}

export class PaintedArea {
  private readonly screen: PaintedScreen;
  private readonly painter = new PanePainter();
  private damage: PaneDamage | null = null;
  /** The content area as marked at the last render; null while blessed draws it (scroll mode, hidden). */
  private region: PaintRegion | null = null;
  /** Region cells blessed draws over (a dialog, a note): one byte each, row-major. */
  private covered = new Uint8Array(0);
  /** Coalesces output into one paint per turn (and fewer under a flood). */
  private readonly scheduler: RenderScheduler;

  constructor(screen: Widgets.Screen, private readonly host: PaintedHost, renderIntervalMs?: number) {
    const ps = PaintedScreen.for(screen);
    this.screen = ps;
    // The first output after a quiet spell (an echo) is painted at once, inside the write that parsed it.
    this.scheduler = createRenderScheduler(() => ps.paint(this.pane), renderIntervalMs, Date.now, true);
    ps.add(this.pane);
  }

  /** True when the area was marked at the last render: its output can be painted without blessed. */
  get marked(): boolean {
    return this.region !== null;
  }

  /** Another emulator (or none): track its damage, and forget what was painted. */
  setTerminal(term: PaneTerminal | null): void {
    this.damage?.dispose();
    this.damage = term ? new PaneDamage(term.term) : null;
    this.painter.invalidate();
  }

  /** Paint the changes soon; at once for a typed key's echo, even within the frame interval of the last paint. */
  schedule(echoing: boolean): void {
    if (echoing) this.scheduler.now();
    else this.scheduler.schedule();
  }

  /** At each render of the box, before it is marked again (or drawn by blessed). */
  unmark(): void {
    this.region = null;
  }

  /** Live: mark the content area as ours in `screen.lines` (blessed then leaves it alone). */
  mark(area: ContentArea): void {
    const { lines, xi, xl: right, yi, yl: bottom, attr } = area;
    // Never past the screen's edge (a render right after the terminal shrank, before the relayout).
    const yl = Math.min(bottom, lines.length);
    const xl = Math.min(right, lines[0]?.length ?? 0);
    if (xl <= xi || yl <= yi) return;
    for (let y = yi; y < yl; y++) {
      const sline = lines[y]!;
      for (let x = xi; x < xl; x++) {
        const s = sline[x]!;
        if (s[1] !== MARK_CH) {
          s[0] = attr;
          s[1] = MARK_CH;
          sline.dirty = true;
        }
      }
    }
    this.region = { x: xi, y: yi, w: xl - xi, h: yl - yi };
    if (this.covered.length !== this.region.w * this.region.h) this.covered = new Uint8Array(this.region.w * this.region.h);
  }

  /** True when the cell at content row/column is outside the marked area or drawn over by blessed. */
  hides(row: number, col: number): boolean {
    const r = this.region;
    return !!r && (col >= r.w || row >= r.h || !!this.covered[row * r.w + col]);
  }

  dispose(): void {
    this.scheduler.dispose();
    this.screen.remove(this.pane);
  }

  /** This area as the painted screen sees it. */
  private readonly pane: PaintedPane = {
    claim: (lines, olines) => this.claim(lines, olines),
    paintBytes: () => {
      const term = this.host.terminal;
      if (!this.region || !term || !this.host.box.visible || this.host.isScrolled) return '';
      return this.painter.paint(term.term, this.region, this.damage?.take(), this.covered);
    },
  };

  /**
   * Before blessed draws. A marked cell blessed last drew something else in (a dialog that
   * closed, a scroll page, a cleared screen): blessed is told it shows the marker, and the
   * painter repaints it. A cell blessed now draws over: covered.
   */
  private claim(lines: ScreenRow[], olines: ScreenRow[]): void {
    const r = this.region;
    if (!r || !this.host.box.visible) return;
    const covered = this.covered;
    for (let row = 0; row < r.h; row++) {
      const line = lines[r.y + row];
      const oline = olines[r.y + row];
      if (!line || !oline) continue;
      let from = -1;
      let to = -1;
      for (let col = 0; col < r.w; col++) {
        const x = r.x + col;
        const i = row * r.w + col;
        const cell = line[x];
        const o = oline[x];
        let lost = false;
        if (isMark(cell)) {
          if (covered[i]) {
            covered[i] = 0;
            lost = true;
          }
          if (o && !isMark(o)) {
            o[0] = cell![0];
            o[1] = MARK_CH;
            lost = true;
          }
        } else if (!covered[i]) {
          covered[i] = 1;
          lost = true;
        }
        if (lost) {
          if (from < 0) from = x;
          to = x;
        }
      }
      if (from >= 0) this.painter.forget(from, r.y + row, to - from + 1, 1);
    }
  }
}
