/**
 * A clear keeps what it wipes, as in tmux. On the normal screen tmux scrolls the screen's used
 * lines into the pane's history before erasing it, for ED 2 and for ED 0 with the cursor in the
 * top-left corner (grid_view_clear_history; tmux ≥ 3.4 calls it `scroll-on-clear`, on by
 * default). ED 0 at the corner is what `clear` means under TERM=tmux-256color, so bash's Ctrl+L,
 * top and watch all send it. xterm only erases. So after a Ctrl+L the UI's scrollback lacked the
 * screen it cleared while tmux still had it. Scroll mode then showed a gap: it reads older
 * history from tmux by counting past the emulator's scrollback. The alternate screen has no
 * history in either, so only the normal screen does this.
 */
import type { IBufferCell, IDisposable, Terminal } from '@xterm/headless';

interface Internals {
  _bufferService?: { scroll?: (eraseAttr: unknown, isWrapped?: boolean) => void; buffer?: { scrollTop: number; scrollBottom: number } };
  _inputHandler?: { _eraseAttrData?: () => unknown };
}

export function scrollOnClear(term: Terminal): IDisposable[] {
  const core = (term as unknown as { _core?: Internals })._core;
  const service = core?._bufferService;
  const eraseAttr = core?._inputHandler?._eraseAttrData;
  if (typeof service?.scroll !== 'function' || typeof eraseAttr !== 'function') return [];
  return [
    term.parser.registerCsiHandler({ final: 'J' }, (params) => {
      const b = term.buffer.active;
      const ps = typeof params[0] === 'number' ? params[0] : 0;
      const whole = ps === 2 || (ps === 0 && b.cursorX === 0 && b.cursorY === 0);
      if (!whole || b.type !== 'normal') return false;
      const used = usedRows(term);
      const buffer = service.buffer!;
      // tmux scrolls the whole screen whatever the scroll region (only a region starting at
      // the top row feeds xterm's scrollback), so widen it for these scrolls.
      const [top, bottom] = [buffer.scrollTop, buffer.scrollBottom];
      buffer.scrollTop = 0;
      buffer.scrollBottom = term.rows - 1;
      try {
        for (let i = 0; i < used; i++) service.scroll!(eraseAttr.call(core!._inputHandler));
      } finally {
        [buffer.scrollTop, buffer.scrollBottom] = [top, bottom];
      }
      return false; // xterm's own handler erases what is left
    }),
  ];
}

/** Rows down to the last one with a written cell or a coloured background (tmux's `cellused`). */
function usedRows(term: Terminal): number {
  const b = term.buffer.active;
  let cell: IBufferCell | undefined;
  for (let y = term.rows - 1; y >= 0; y--) {
    const line = b.getLine(b.baseY + y);
    if (!line) continue;
    for (let x = 0; x < term.cols; x++) {
      cell = line.getCell(x, cell);
      if (cell && (cell.getChars() !== '' || !cell.isBgDefault())) return y + 1;
    }
  }
  return 0;
}
