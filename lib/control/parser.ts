/**
 * Control-mode stream parser: pure, no I/O. Feed it stdout `Buffer` chunks of any size;
 * it calls `emit` for each complete message in order. Lines are split on `\n` at byte
 * level, so `%output` payloads stay bytes (UTF-8 split across lines is the consumer's
 * streaming decoder's business). Never throws on input.
 */
import type { Notification, ParsedMessage, ReplyBlock } from './events';

const LF = 0x0a;
const CR = 0x0d;
const PERCENT = 0x25;
const BACKSLASH = 0x5c;

interface OpenBlock {
  time: string;
  number: string;
  flags: string;
  lines: string[];
  end: string;
  error: string;
}

export interface ParserOptions {
  /** Strip one trailing `\r` per line (only when reading a pty). */
  stripCR?: boolean;
}

export class ControlParser {
  private rest: Buffer | null = null;
  private block: OpenBlock | null = null;

  constructor(
    private readonly emit: (msg: ParsedMessage) => void,
    private readonly options: ParserOptions = {},
  ) {}

  /** True while a `%begin` block is open (e.g. at EOF: the server died mid-reply). */
  get inBlock(): boolean {
    return this.block !== null;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(LF, start);
      if (nl < 0) break;
      let end = nl;
      if (this.options.stripCR && end > start && buf[end - 1] === CR) end--;
      this.line(buf, start, end);
      start = nl + 1;
    }
    if (start < buf.length) this.rest = Buffer.from(buf.subarray(start));
  }

  /** At EOF: a final unterminated line is handled like a complete one. */
  end(): void {
    if (this.rest) {
      const r = this.rest;
      this.rest = null;
      this.line(r, 0, r.length);
    }
  }

  private line(buf: Buffer, start: number, end: number): void {
    const block = this.block;
    if (block) {
      // Inside a block only the exactly matching guard ends it; everything else is body.
      if (buf[start] === PERCENT && buf[start + 1] === 0x65 /* e */) {
        const text = buf.toString('latin1', start, end);
        if (text === block.end || text === block.error) {
          this.block = null;
          const reply: ReplyBlock = {
            time: block.time,
            number: block.number,
            flags: Number(block.flags),
            error: text === block.error,
            lines: block.lines,
          };
          this.emit({ kind: 'block', block: reply });
          return;
        }
      }
      const body = buf.toString('utf8', start, end);
      block.lines.push(body);
      // tmux 3.3a writes %pause/%continue inside the refresh-client -A reply (§2.4).
      if (body.length < 40 && /^%(pause|continue) %\d+$/.test(body)) {
        const [word, pane] = body.split(' ');
        this.emit({ kind: 'notification', event: { type: word === '%pause' ? 'pause' : 'continue', paneId: pane! } });
      }
      return;
    }
    if (buf[start] !== PERCENT) {
      this.emit({ kind: 'stray', line: buf.toString('utf8', start, end) });
      return;
    }
    // %output is the hot path: parse it on bytes without building a string first.
    if (startsWith(buf, start, end, OUTPUT)) {
      const p = parsePaneId(buf, start + OUTPUT.length, end);
      if (p && buf[p.next] === 0x20) {
        this.emit({ kind: 'notification', event: { type: 'output', paneId: p.id, data: unescapeOutput(buf, p.next + 1, end) } });
        return;
      }
    } else if (startsWith(buf, start, end, EXTENDED_OUTPUT)) {
      const p = parsePaneId(buf, start + EXTENDED_OUTPUT.length, end);
      if (p) {
        // `%extended-output %P <age> [more fields…] : <data>`: skip unknown fields up to " : ".
        const sep = buf.indexOf(' : ', p.next, 'latin1');
        if (sep >= 0 && sep < end) {
          const fields = buf.toString('latin1', p.next, sep).trim().split(' ');
          const age = Number(fields[0]);
          this.emit({
            kind: 'notification',
            event: { type: 'extendedOutput', paneId: p.id, age: Number.isFinite(age) ? age : 0, data: unescapeOutput(buf, sep + 3, end) },
          });
          return;
        }
      }
    }
    const text = buf.toString('utf8', start, end);
    if (text.startsWith('%begin ')) {
      const m = /^%begin (\d+) (\d+) (\d+)$/.exec(text);
      if (m) {
        const [, t, n, f] = m;
        this.block = { time: t!, number: n!, flags: f!, lines: [], end: `%end ${t} ${n} ${f}`, error: `%error ${t} ${n} ${f}` };
        return;
      }
    }
    this.emit({ kind: 'notification', event: parseNotification(text) });
  }
}

const OUTPUT = Buffer.from('%output %');
const EXTENDED_OUTPUT = Buffer.from('%extended-output %');

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[start + i] !== prefix[i]) return false;
  return true;
}

/** Digits after `%` → `%N` and the index after them. */
function parsePaneId(buf: Buffer, i: number, end: number): { id: string; next: number } | null {
  const s = i;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
  if (i === s) return null;
  return { id: '%' + buf.toString('latin1', s, i), next: i };
}

/** Undo `%output` escaping: `\ooo` → one byte; everything else is a raw byte (§4). */
export function unescapeOutput(buf: Buffer, start: number, end: number): Buffer {
  const first = buf.indexOf(BACKSLASH, start);
  if (first < 0 || first >= end) return Buffer.from(buf.subarray(start, end));
  const out = Buffer.allocUnsafe(end - start);
  let o = buf.copy(out, 0, start, first);
  // A plain byte loop beats indexOf+copy here: escapes are dense in terminal output.
  for (let i = first; i < end; i++) {
    const c = buf[i]!;
    if (c === BACKSLASH && i + 3 < end) {
      const d1 = buf[i + 1]! - 48;
      const d2 = buf[i + 2]! - 48;
      const d3 = buf[i + 3]! - 48;
      if ((d1 | d2 | d3) >>> 0 <= 7) {
        out[o++] = (d1 << 6) | (d2 << 3) | d3;
        i += 3;
        continue;
      }
    }
    out[o++] = c;
  }
  return out.subarray(0, o);
}

const ID = {
  session: /^\$\d+$/,
  window: /^@\d+$/,
  pane: /^%\d+$/,
};

/** Split `rest` into `n` space-separated words; the last word takes the remainder. */
function words(rest: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < n - 1) {
    const sp = rest.indexOf(' ', i);
    if (sp < 0) break;
    out.push(rest.slice(i, sp));
    i = sp + 1;
  }
  out.push(rest.slice(i));
  return out;
}

/** Parse one notification line (not %begin/%output); unknown or malformed → `unknown`. */
export function parseNotification(line: string): Notification {
  const sp = line.indexOf(' ');
  const word = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  const unknown: Notification = { type: 'unknown', line };
  switch (word) {
    case '%exit':
      return { type: 'exit', reason: rest === '' ? null : rest };
    case '%sessions-changed':
      return { type: 'sessionsChanged' };
    case '%pause':
    case '%continue':
      return ID.pane.test(rest) ? { type: word === '%pause' ? 'pause' : 'continue', paneId: rest } : unknown;
    case '%session-changed':
    case '%session-renamed': {
      const [id, name] = words(rest, 2);
      if (!ID.session.test(id!) || name === undefined) return unknown;
      return { type: word === '%session-changed' ? 'sessionChanged' : 'sessionRenamed', sessionId: id!, name };
    }
    case '%session-window-changed': {
      const [s, w] = words(rest, 2);
      return ID.session.test(s!) && ID.window.test(w ?? '') ? { type: 'sessionWindowChanged', sessionId: s!, windowId: w! } : unknown;
    }
    case '%client-session-changed': {
      const [c, s, name] = words(rest, 3);
      return c && ID.session.test(s ?? '') && name !== undefined ? { type: 'clientSessionChanged', client: c, sessionId: s!, name } : unknown;
    }
    case '%client-detached':
      return rest ? { type: 'clientDetached', client: rest } : unknown;
    case '%window-add':
    case '%window-close':
    case '%unlinked-window-add':
    case '%unlinked-window-close': {
      if (!ID.window.test(rest)) return unknown;
      const type = ({
        '%window-add': 'windowAdd',
        '%window-close': 'windowClose',
        '%unlinked-window-add': 'unlinkedWindowAdd',
        '%unlinked-window-close': 'unlinkedWindowClose',
      } as const)[word];
      return { type, windowId: rest };
    }
    case '%window-renamed':
    case '%unlinked-window-renamed': {
      const [w, name] = words(rest, 2);
      if (!ID.window.test(w!) || name === undefined) return unknown;
      return { type: word === '%window-renamed' ? 'windowRenamed' : 'unlinkedWindowRenamed', windowId: w!, name };
    }
    case '%window-pane-changed': {
      const [w, p] = words(rest, 2);
      return ID.window.test(w!) && ID.pane.test(p ?? '') ? { type: 'windowPaneChanged', windowId: w!, paneId: p! } : unknown;
    }
    case '%layout-change': {
      const [w, layout, visible, flags] = words(rest, 4);
      if (!ID.window.test(w!) || !layout) return unknown;
      return { type: 'layoutChange', windowId: w!, layout, visibleLayout: visible ?? layout, flags: flags ?? '' };
    }
    case '%pane-mode-changed':
      return ID.pane.test(rest) ? { type: 'paneModeChanged', paneId: rest } : unknown;
    case '%subscription-changed': {
      // <name> $S <@W|-> <idx|-> <%P|-> : <value>; the value may itself contain " : ".
      const sep = rest.indexOf(' : ');
      if (sep < 0) return unknown;
      const head = rest.slice(0, sep).split(' ');
      if (head.length < 5 || !ID.session.test(head[1]!)) return unknown;
      const dash = (s: string | undefined) => (s === undefined || s === '-' ? null : s);
      const idx = dash(head[3]);
      return {
        type: 'subscriptionChanged',
        name: head[0]!,
        sessionId: head[1]!,
        windowId: dash(head[2]),
        windowIndex: idx === null ? null : Number(idx),
        paneId: dash(head[4]),
        value: rest.slice(sep + 3),
      };
    }
    case '%message':
      return { type: 'message', text: rest };
    case '%config-error':
      return { type: 'configError', text: rest };
    case '%paste-buffer-changed':
      return { type: 'pasteBufferChanged', name: rest };
    case '%paste-buffer-deleted':
      return { type: 'pasteBufferDeleted', name: rest };
    default:
      return unknown;
  }
}
