/**
 * What a pane's application hears of a mouse event. xterm's own mouse service applies the
 * tracking mode the application asked for (none, X10, VT200, button-event, any-event) and
 * encodes the report the way it asked (X10, UTF-8, SGR, URXVT), as a terminal would; its
 * output is captured here instead of going anywhere. Internal to @xterm/headless: without it
 * no report is made, and the UI keeps the mouse to itself as before.
 */
import type { Terminal } from '@xterm/headless';

/** xterm's mouse event: 0-based cell; button 0 left, 1 middle, 2 right, 3 none, 4 wheel; action 0 up (release, wheel up), 1 down (press, wheel down), 2/3 wheel left/right, 32 move. */
export interface PaneMouseEvent {
  col: number;
  row: number;
  button: 0 | 1 | 2 | 3 | 4;
  action: 0 | 1 | 2 | 3 | 32;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

interface MouseService {
  triggerMouseEvent?: (e: PaneMouseEvent & { x: number; y: number }) => boolean;
}

/** True while the application tracks the mouse (any mode). */
export function tracksMouse(term: Terminal): boolean {
  return term.modes.mouseTrackingMode !== 'none';
}

/** The report's bytes, or null when the application does not want this event. */
export function mouseReport(term: Terminal, e: PaneMouseEvent): Buffer | null {
  const service = (term as unknown as { _core?: { coreMouseService?: MouseService } })._core?.coreMouseService;
  if (typeof service?.triggerMouseEvent !== 'function' || !tracksMouse(term)) return null;
  const parts: Buffer[] = [];
  const subs = [term.onData((d) => parts.push(Buffer.from(d, 'utf8'))), term.onBinary((d) => parts.push(Buffer.from(d, 'latin1')))];
  try {
    service.triggerMouseEvent({ ...e, x: 0, y: 0 });
  } finally {
    for (const s of subs) s.dispose();
  }
  return parts.length ? Buffer.concat(parts) : null;
}
