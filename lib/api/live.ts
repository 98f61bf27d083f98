/**
 * `chatmux/live`: every chat over one control-mode connection (`LiveChats`, with its events),
 * a headless terminal emulator per pane, and the painter that draws a pane into your own
 * terminal UI (only the cells that changed). Loads @xterm/headless.
 */
export { LiveChats, type LiveChat, type LiveEvents, type LiveOptions } from '../chat/live';
export { PaneTerminal, type PaneTerminalOptions } from '../terminal/pane-terminal';
export { PanePainter, type PaintRegion } from '../terminal/painter';
export { PaneDamage, type RowRange } from '../terminal/damage';
