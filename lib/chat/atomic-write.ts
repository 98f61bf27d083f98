/**
 * Replace a small file so that it is either the old bytes or the new bytes, never a mix:
 * write every byte to a temp file (looping on short writes — a full disk returns fewer
 * bytes than asked before it returns ENOSPC), fsync it, rename it over the target, fsync
 * the folder. Any failure removes the temp file and leaves the target untouched.
 *
 * The file system is reached through `FsSeam`, so tests can inject ENOSPC, EIO and short
 * writes without patching node's own modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FsSeam {
  openSync(file: string, flags: string | number, mode?: number): number;
  writeSync(fd: number, buf: Buffer, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
}

export const realFs: FsSeam = {
  openSync: (f, flags, mode) => fs.openSync(f, flags, mode),
  writeSync: (fd, buf, off, len) => fs.writeSync(fd, buf, off, len),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  unlinkSync: (f) => fs.unlinkSync(f),
};

/** Temp names are `<file>.tmp-<pid>-<hex>`: the pid tells a cleaner whose it was. */
export const TEMP_INFIX = '.tmp-';

export function tempNameFor(file: string): string {
  return `${file}${TEMP_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A write that did not happen; the target file still holds its previous bytes. */
export class DurableWriteError extends Error {
  override name = 'DurableWriteError';
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    cause: Error,
  ) {
    super(`could not write ${file}: ${describeErrno(code, cause)}; the previous contents were kept`);
  }
}

/** "no space left on device (ENOSPC)" rather than node's "ENOSPC: no space left on device, write". */
export function describeErrno(code: string | undefined, err: Error): string {
  const plain: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EIO: 'input/output error',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
  };
  if (code && plain[code]) return `${plain[code]} (${code})`;
  return err.message;
}

function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: ${syscall} wrote nothing`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** Write all of `data` to `file` durably (see the module comment). Throws DurableWriteError. */
export function writeFileDurably(file: string, data: string | Buffer, o: { mode?: number; fs?: FsSeam } = {}): void {
  const io = o.fs ?? realFs;
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = tempNameFor(file);
  let fd: number | null = null;
  try {
    fd = io.openSync(tmp, 'wx', o.mode ?? 0o600);
    let off = 0;
    while (off < buf.length) {
      const n = io.writeSync(fd, buf, off, buf.length - off);
      // A write that makes no progress would loop for ever; the disk is full.
      if (n <= 0) throw errnoError('ENOSPC', 'write');
      off += n;
    }
    io.fsyncSync(fd);
    const closing = fd;
    fd = null;
    io.closeSync(closing);
    io.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) {
      try {
        io.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      io.unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw new DurableWriteError(file, (err as NodeJS.ErrnoException).code, err as Error);
  }
  syncDir(path.dirname(file), io);
}

/**
 * Make the rename itself durable. The new file is already visible by now, so a failure here
 * is not reported as a failed write (that would claim the old bytes were kept).
 */
function syncDir(dir: string, io: FsSeam): void {
  let fd: number;
  try {
    fd = io.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    io.fsyncSync(fd);
  } catch {
    /* see above */
  } finally {
    io.closeSync(fd);
  }
}
