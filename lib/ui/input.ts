/**
 * Raw terminal input → tokens. chatmux forwards keys to the focused chat as the exact bytes
 * the terminal sent (so Ctrl+C, arrows, F-keys, Alt combos reach the agent untouched) and
 * only needs to recognise a few sequences itself: the prefix, Alt+←/→, Alt+1…9, mouse
 * reports (never forwarded) and bracketed paste. Pure, no I/O.
 */

export type KeyName =
  | 'enter' | 'escape' | 'tab' | 'backtab' | 'backspace' | 'up' | 'down' | 'left' | 'right'
  | 'home' | 'end' | 'pageup' | 'pagedown' | 'delete' | 'alt-left' | 'alt-right' | 'ctrl-c' | 'space';

export type Token =
  /** One key: its bytes, a name when it has one, the character for printable keys. */
  | { kind: 'key'; bytes: Buffer; name?: KeyName; char?: string; alt?: string }
  | { kind: 'paste'; text: string }
  | { kind: 'mouse'; bytes: Buffer };

const ESC = 0x1b;

const PASTE_START = Buffer.from('\x1b[200~');
const PASTE_END = Buffer.from('\x1b[201~');

const CSI_NAMES: Record<string, KeyName> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', Z: 'backtab',
  '1;3D': 'alt-left', '1;3C': 'alt-right', '1;9D': 'alt-left', '1;9C': 'alt-right',
  '5~': 'pageup', '6~': 'pagedown', '3~': 'delete', '1~': 'home', '4~': 'end', '7~': 'home', '8~': 'end',
};

/** Stateful because a paste or an escape sequence may span chunks. */
export class InputTokenizer {
  private pending: Buffer = Buffer.alloc(0);
  private paste: Buffer[] | null = null;

  /** Nothing carried over from the last chunk (no partial sequence, not inside a paste). */
  get idle(): boolean {
    return !this.paste && this.pending.length === 0;
  }

  /** Bytes of an incomplete escape sequence (or paste end) waiting for the next chunk. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Tokens complete in this chunk; an incomplete trailing escape sequence waits for more. */
  push(chunk: Buffer, final = true): Token[] {
    const out: Token[] = [];
    // A lone ESC held back from the last read, and this read does not go on with a CSI/SS3
    // sequence: it was the Escape key (Esc then Ctrl+O typed quickly is not Alt+Ctrl+O).
    if (!this.paste && this.pending.length === 1 && this.pending[0] === ESC && chunk.length > 0 && chunk[0] !== 0x5b && chunk[0] !== 0x4f) {
      out.push({ kind: 'key', bytes: Buffer.from(this.pending), name: 'escape' });
      this.pending = Buffer.alloc(0);
    }
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    let i = 0;
    let textStart = -1;
    const flushText = (end: number) => {
      if (textStart >= 0 && end > textStart) {
        for (const t of splitText(buf.subarray(textStart, end))) out.push(t);
      }
      textStart = -1;
    };
    while (i < buf.length) {
      if (this.paste) {
        const end = buf.indexOf(PASTE_END, i);
        if (end < 0) {
          // Keep a possible partial end marker for the next chunk.
          const keep = Math.min(PASTE_END.length - 1, buf.length - i);
          this.paste.push(buf.subarray(i, buf.length - keep));
          this.pending = Buffer.from(buf.subarray(buf.length - keep));
          return out;
        }
        this.paste.push(buf.subarray(i, end));
        out.push({ kind: 'paste', text: Buffer.concat(this.paste).toString('utf8') });
        this.paste = null;
        i = end + PASTE_END.length;
        continue;
      }
      if (buf[i] !== ESC) {
        if (textStart < 0) textStart = i;
        i++;
        continue;
      }
      flushText(i);
      const seq = escapeSequence(buf, i);
      if (seq === 'incomplete') {
        if (!final || buf.length - i < 2) {
          // A lone ESC at the very end is the Escape key unless more may follow.
          if (!final) {
            this.pending = Buffer.from(buf.subarray(i));
            return out;
          }
        }
        out.push({ kind: 'key', bytes: Buffer.from(buf.subarray(i)), name: 'escape' });
        return out;
      }
      const bytes = Buffer.from(buf.subarray(i, i + seq.length));
      i += seq.length;
      if (bytes.equals(PASTE_START)) {
        this.paste = [];
        continue;
      }
      out.push(seq.token(bytes));
    }
    flushText(i);
    return out;
  }
}

interface Seq {
  length: number;
  token: (bytes: Buffer) => Token;
}

/** Parse the escape sequence at `i` (buf[i] is ESC). */
function escapeSequence(buf: Buffer, i: number): Seq | 'incomplete' {
  if (i + 1 >= buf.length) return 'incomplete';
  const b1 = buf[i + 1]!;
  if (b1 === 0x5b /* [ */) {
    // X10 mouse: ESC [ M b x y
    if (buf[i + 2] === 0x4d /* M */) {
      if (i + 6 > buf.length) return 'incomplete';
      return { length: 6, token: (bytes) => ({ kind: 'mouse', bytes }) };
    }
    // CSI: parameters 0x30–0x3f, intermediates 0x20–0x2f, final 0x40–0x7e
    let j = i + 2;
    while (j < buf.length && buf[j]! >= 0x20 && buf[j]! <= 0x3f) j++;
    if (j >= buf.length) return 'incomplete';
    const final = buf[j]!;
    if (final < 0x40 || final > 0x7e) return { length: j - i, token: (bytes) => ({ kind: 'key', bytes }) };
    const body = buf.toString('latin1', i + 2, j + 1);
    if (body.startsWith('<') && (final === 0x4d || final === 0x6d)) return { length: j + 1 - i, token: (bytes) => ({ kind: 'mouse', bytes }) };
    const name = CSI_NAMES[body] ?? CSI_NAMES[body.replace(/^1;1/, '')];
    return { length: j + 1 - i, token: (bytes) => ({ kind: 'key', bytes, ...(name ? { name } : {}) }) };
  }
  if (b1 === 0x4f /* O */) {
    if (i + 2 >= buf.length) return 'incomplete';
    const c = String.fromCharCode(buf[i + 2]!);
    const name = ({ A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' } as Record<string, KeyName>)[c];
    return { length: 3, token: (bytes) => ({ kind: 'key', bytes, ...(name ? { name } : {}) }) };
  }
  if (b1 === ESC) {
    // ESC ESC [ D (rxvt-style Alt+arrow) or a doubled Escape.
    if (buf[i + 2] === 0x5b && (buf[i + 3] === 0x44 || buf[i + 3] === 0x43)) {
      const name: KeyName = buf[i + 3] === 0x44 ? 'alt-left' : 'alt-right';
      return { length: 4, token: (bytes) => ({ kind: 'key', bytes, name }) };
    }
    return { length: 1, token: (bytes) => ({ kind: 'key', bytes, name: 'escape' }) };
  }
  // Alt + one character (UTF-8 aware).
  const len = utf8Length(buf[i + 1]!);
  if (i + 1 + len > buf.length) return 'incomplete';
  const ch = buf.toString('utf8', i + 1, i + 1 + len);
  return { length: 1 + len, token: (bytes) => ({ kind: 'key', bytes, alt: ch }) };
}

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Plain bytes → one token per key (control characters get names). */
function splitText(b: Buffer): Token[] {
  const out: Token[] = [];
  const s = b.toString('utf8');
  for (const ch of s) {
    const bytes = Buffer.from(ch, 'utf8');
    const c = ch.codePointAt(0)!;
    let name: KeyName | undefined;
    if (c === 0x0d || c === 0x0a) name = 'enter';
    else if (c === 0x09) name = 'tab';
    else if (c === 0x7f || c === 0x08) name = 'backspace';
    else if (c === 0x03) name = 'ctrl-c';
    else if (c === 0x20) name = 'space';
    out.push({ kind: 'key', bytes, ...(name ? { name } : {}), ...(c >= 0x20 && c !== 0x7f ? { char: ch } : {}) });
  }
  return out;
}

/** Parse a prefix key spec like `C-o`, `C-a`, `C-b` into its byte. */
export function parsePrefix(spec: string): number {
  const m = /^C-([a-z\]\\^_@])$/i.exec(spec.trim());
  if (!m) throw new Error(`prefix must look like C-o (Ctrl plus a letter), not ${JSON.stringify(spec)}`);
  const c = m[1]!.toLowerCase();
  if (c === '@') return 0;
  if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 0x60;
  return { ']': 0x1d, '\\': 0x1c, '^': 0x1e, _: 0x1f }[c]!;
}

/**
 * A mouse wheel report (SGR `ESC [ < 64;x;y M` or X10 `ESC [ M` + 3 bytes) as a 0-based cell
 * and rows to scroll (3 per notch, negative = up); null for any other mouse report. Read from
 * our own tokens because a fast wheel sends many reports in one read, and blessed parses
 * only a read holding exactly one.
 */
export function wheelOf(bytes: Buffer): { x: number; y: number; rows: number } | null {
  let button: number;
  let x: number;
  let y: number;
  const sgr = /^\x1b\[<(\d+);(\d+);(\d+)M$/.exec(bytes.toString('latin1'));
  if (sgr) [button, x, y] = [Number(sgr[1]), Number(sgr[2]), Number(sgr[3])];
  else if (bytes.length === 6 && bytes[2] === 0x4d) [button, x, y] = [bytes[3]! - 32, bytes[4]! - 32, bytes[5]! - 32];
  else return null;
  // Bits 2–4 are Shift/Meta/Ctrl; 64 and 65 are wheel up and down.
  const b = button & ~0x1c;
  if (b !== 64 && b !== 65) return null;
  return { x: x - 1, y: y - 1, rows: b === 64 ? -3 : 3 };
}
