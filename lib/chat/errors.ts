/**
 * Errors of the chat domain that the CLI maps to exit codes, and the escaping every message
 * shown to a user goes through: a value the user typed (a ref of `\e]0;title\a`, a folder
 * name with a newline) must never reach a terminal as raw control characters.
 */

/**
 * Characters that would act on a terminal or fake a line instead of showing: C0 and C1
 * controls, DEL, bidirectional overrides and isolates (they reorder what follows), line and
 * paragraph separators, and lone surrogates (not text).
 */
const UNSAFE_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x1b': '\\e' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const c = ch.charCodeAt(0);
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`;
}

/** `s` with every unsafe character written as an escape (`\n`, `\e`, `\x07`, `\u{202e}`); idempotent. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE_RE, escapeChar);
}

/** Longer values are cut in messages (a 10 kB name need not be echoed whole). */
const MAX_QUOTED_CHARS = 300;

/** A user-supplied value inside a message: double-quoted, `"` and `\` escaped, controls escaped. */
export function quoteValue(s: string): string {
  const chars = Array.from(s);
  const shown = chars.length > MAX_QUOTED_CHARS ? `${chars.slice(0, MAX_QUOTED_CHARS).join('')}…` : s;
  return `"${escapeControls(shown.replace(/["\\]/g, '\\$&'))}"${shown === s ? '' : ` (${chars.length} characters)`}`;
}

/** A value the user gave us is unusable; the CLI turns this into exit 2. The message is escaped. */
export class ChatInputError extends Error {
  override name = 'ChatInputError';
  constructor(message: string) {
    super(escapeControls(message));
  }
}

/** The chat exists but cannot do what was asked in its current state (exit 1). */
export class ChatStateError extends Error {
  override name = 'ChatStateError';
  constructor(message: string) {
    super(escapeControls(message));
  }
}

/** Length of the UTF-8 sequence starting at `b[i]` if it is well formed there, else 0. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const lead = b[i]!;
  const n = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
  const second = b[i + 1] ?? 0;
  if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return 0;
  return n;
}

/** Bytes (a file name that is not UTF-8) as text: valid UTF-8 kept, every other byte as `\xNN`, controls escaped. */
export function escapeBytes(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceAt(b, i);
    if (n === 0) {
      out += `\\x${b[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += escapeControls(Buffer.from(b.subarray(i, i + n)).toString('utf8'));
      i += n;
    }
  }
  return out;
}
