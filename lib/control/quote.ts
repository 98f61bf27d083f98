/**
 * The one place where tmux command arguments are made safe.
 *
 * Two transports reach tmux and each has its own grammar:
 *  - a control-mode line is parsed by tmux's command lexer (cmd-parse.y), so every
 *    argument is single-quoted with `'` and control characters written outside the
 *    quotes as `\'` / `\ooo` (docs/tmux-control-mode.md §11.4);
 *  - a one-shot `tmux …` argv call has no lexer, but an element ending in `;` still
 *    splits commands (§11.6).
 * Arguments tmux format-expands (names, -F, -c, display-message) additionally need
 * every `#` doubled, or `#(cmd)` runs a shell command (§11.2): see `formatLiteral`.
 */

/** An argument no tmux command line can carry (a NUL byte, a bad subscription name): bad input, never sent. */
export class TmuxArgumentError extends Error {
  override name = 'TmuxArgumentError';
}

/** Quote one argument for a control-mode command line. */
export function quoteArg(s: string): string {
  if (s.includes('\0')) throw new TmuxArgumentError('a NUL byte cannot be passed to tmux');
  if (s === '') return "''";
  let out = '';
  let open = false;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    // Lone surrogates (from non-UTF-8 input decoded lossily) cannot be written as UTF-8.
    if (c >= 0xd800 && c <= 0xdfff) throw new TmuxArgumentError('argument is not valid Unicode');
    if (ch === "'" || c < 0x20 || c === 0x7f) {
      if (open) {
        out += "'";
        open = false;
      }
      out += ch === "'" ? "\\'" : '\\' + c.toString(8).padStart(3, '0');
    } else {
      if (!open) {
        out += "'";
        open = true;
      }
      out += ch;
    }
  }
  return open ? out + "'" : out;
}

/** Quote raw bytes that are not valid UTF-8 (every byte >= 0x80 octal-escaped). */
export function quoteBytes(b: Uint8Array): string {
  let out = '';
  let open = false;
  for (const byte of b) {
    if (byte === 0) throw new TmuxArgumentError('a NUL byte cannot be passed to tmux');
    if (byte === 0x27 || byte < 0x20 || byte >= 0x7f) {
      if (open) {
        out += "'";
        open = false;
      }
      out += byte === 0x27 ? "\\'" : '\\' + byte.toString(8).padStart(3, '0');
    } else {
      if (!open) {
        out += "'";
        open = true;
      }
      out += String.fromCharCode(byte);
    }
  }
  if (out === '') return "''";
  return open ? out + "'" : out;
}

/** Build a full control-mode command line from argv (verb first). */
export function commandLine(args: readonly string[]): string {
  if (args.length === 0) throw new TmuxArgumentError('empty tmux command');
  const verb = args[0]!;
  if (!/^[a-z][a-z-]*$/.test(verb)) throw new TmuxArgumentError(`not a tmux command name: ${JSON.stringify(verb)}`);
  return [verb, ...args.slice(1).map(quoteArg)].join(' ');
}

/** Make one argv element safe for a one-shot `tmux …` process call. */
export function argvArg(s: string): string {
  if (s.includes('\0')) throw new TmuxArgumentError('a NUL byte cannot be passed to tmux');
  return s.endsWith(';') ? s.slice(0, -1) + '\\;' : s;
}

/** For arguments tmux format-expands: the text is shown literally, `#(…)` never runs. */
export function formatLiteral(s: string): string {
  return s.replace(/#/g, '##');
}

/** Exact-name target (`-t foo` would prefix-match `foobar`). */
export function exactTarget(name: string): string {
  return '=' + name;
}
