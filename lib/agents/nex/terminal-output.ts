/** What nex writes to its terminal: model text made harmless, and an output readline can be muted on. */
import { Writable } from 'node:stream';

/**
 * Model and server text goes to a terminal: drop control characters (ESC, CSI, BEL, CR …) so a
 * reply cannot move the cursor, retitle the window or write the clipboard. Tabs and newlines stay.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** A stand-in for the terminal that drops writes while `isMuted()`; size and resizes pass through. */
export function mutableOutput(real: NodeJS.WritableStream, isMuted: () => boolean): NodeJS.WritableStream {
  const tty = real as NodeJS.WriteStream;
  const proxy = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (!isMuted()) real.write(chunk);
      cb();
    },
  });
  Object.defineProperty(proxy, 'columns', { get: () => tty.columns ?? 80 });
  Object.defineProperty(proxy, 'rows', { get: () => tty.rows ?? 24 });
  Object.defineProperty(proxy, 'isTTY', { get: () => tty.isTTY === true });
  real.on('resize', () => proxy.emit('resize'));
  return proxy;
}
