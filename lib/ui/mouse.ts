/**
 * The mouse over the focused chat goes to its application when the application tracks the
 * mouse (claude does, as do vim, htop and less with mouse on), as tmux and terminals do:
 * clicks, drags and the wheel, at the cell under the pointer, encoded as the application asked
 * (lib/terminal/mouse-report.ts). Otherwise the UI keeps the mouse: a click focuses, the wheel
 * scrolls (scroll-wiring.ts).
 */
import type { PaneMouseEvent } from '../terminal/mouse-report';
import { viewIndexAt } from './scroll-wiring';
import type { Ui } from './ui-context';

/** A report from the terminal: 0-based screen cell and the event, without the pane's cell yet. */
export type MouseInput = Omit<PaneMouseEvent, 'col' | 'row'> & { x: number; y: number };

/** X10 reports a release without its button: the last one pressed. */
let lastPressed: 0 | 1 | 2 = 0;

/** An SGR (`ESC [ < b;x;y M|m`) or X10 (`ESC [ M` b x y) report; null for others (extra buttons). */
export function parseMouse(bytes: Buffer): MouseInput | null {
  let code: number;
  let x: number;
  let y: number;
  let released = false;
  const sgr = /^\x1b\[<(\d+);(\d+);(\d+)([Mm])$/.exec(bytes.toString('latin1'));
  if (sgr) [code, x, y, released] = [Number(sgr[1]), Number(sgr[2]), Number(sgr[3]), sgr[4] === 'm'];
  else if (bytes.length === 6 && bytes[2] === 0x4d) [code, x, y] = [bytes[3]! - 32, bytes[4]! - 32, bytes[5]! - 32];
  else return null;
  if (code < 0 || code & 128 || x < 1 || y < 1) return null;
  const base = (code & 3) as 0 | 1 | 2 | 3;
  const mods = { shift: !!(code & 4), alt: !!(code & 8), ctrl: !!(code & 16) };
  const at = { x: x - 1, y: y - 1, ...mods };
  if (code & 64) return { ...at, button: 4, action: base };
  if (code & 32) return { ...at, button: base, action: 32 };
  if (base === 3) return sgr ? null : { ...at, button: lastPressed, action: 0 };
  if (released) return { ...at, button: base, action: 0 };
  lastPressed = base;
  return { ...at, button: base, action: 1 };
}

/**
 * Send the report to the focused chat if it is over its pane and its application tracks the
 * mouse; true when the report was the chat's (even if its tracking mode leaves this one out).
 */
export function mouseToChat(ui: Ui, bytes: Buffer): boolean {
  const { state, chrome, scroll } = ui;
  if (state.dialog || scroll.active || !chrome.tooSmall.hidden || !state.focusRef || !state.live) return false;
  const view = chrome.views[state.shownRefs.indexOf(state.focusRef)];
  const term = view?.terminal;
  const chat = state.live.get(state.focusRef);
  if (!view || !term?.tracksMouse || !chat?.paneId || chat.dead) return false;
  const m = parseMouse(bytes);
  const cell = m && view.cellAt(m.x, m.y);
  if (!m || !cell) return false;
  const report = term.mouseReport({ ...m, ...cell });
  if (report) void state.live.sendKeys(state.focusRef, report).catch(() => {});
  return true;
}

/**
 * A left click on a pane or a tree row focuses that chat. blessed does this too, but only for a
 * read holding one report: a click whose press and release arrive together (over ssh, a quick
 * tap) was lost. Focusing twice is harmless.
 */
export function clickAt(ui: Ui, bytes: Buffer): void {
  const m = parseMouse(bytes);
  if (!m || m.button !== 0 || m.action !== 1 || ui.state.dialog) return;
  const i = viewIndexAt(ui, m.x, m.y);
  if (i >= 0) return ui.nav.focusView(i);
  const t = ui.chrome.tree as unknown as { visible: boolean; aleft: number; atop: number; width: number; height: number };
  if (t.visible && m.x >= t.aleft && m.x < t.aleft + t.width && m.y >= t.atop && m.y < t.atop + t.height) ui.nav.clickTree(m.y);
}
