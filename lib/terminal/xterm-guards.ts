/**
 * Workarounds for @xterm/headless bugs that would otherwise throw inside its parser — on a
 * timer, where nothing can catch it, so the whole UI would stop with an internal error.
 *
 * ED 1 (`CSI 1 J`, erase from the top to the cursor; also DECSED `CSI ? 1 J`) with the cursor in
 * the last column of the bottom row, before anything has scrolled into the scrollback: 6.0.0
 * clears the next line's wrap flag with `lines.get(y + 1)` (without the scrollback offset),
 * which is past the buffer there, and throws. What ED 1 does at that spot is erase the whole
 * screen — exactly ED 2 — so we run ED 2 instead.
 */
import type { IDisposable, Terminal } from '@xterm/headless';

interface InputHandlerInternals {
  eraseInDisplay?: (params: { params: number[]; length: number }, respectProtect?: boolean) => boolean;
}

export function guardEraseAbove(term: Terminal): IDisposable[] {
  const handler = (term as unknown as { _core?: { _inputHandler?: InputHandlerInternals } })._core?._inputHandler;
  const erase = handler?.eraseInDisplay;
  if (typeof erase !== 'function') return [];
  const guard = (respectProtect: boolean) => (params: (number | number[])[]): boolean => {
    const b = term.buffer.active;
    const risky = params[0] === 1 && b.baseY === 0 && b.cursorY >= term.rows - 1 && b.cursorX >= term.cols - 1;
    if (!risky) return false; // xterm's own handler
    erase.call(handler, { params: [2], length: 1 }, respectProtect);
    return true;
  };
  return [
    term.parser.registerCsiHandler({ final: 'J' }, guard(false)),
    term.parser.registerCsiHandler({ prefix: '?', final: 'J' }, guard(true)),
  ];
}
