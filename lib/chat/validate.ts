/**
 * Checks on user-supplied chat fields. Text is otherwise kept exactly as given
 * (quotes, `;`, `#(…)`, `{}`, non-ASCII all pass through tmux safely via lib/control);
 * only what would break line-oriented tmux replies or the registry is refused. Every
 * refusal names the value (escaped: see errors.ts) and says why.
 */
import { ChatInputError, quoteValue } from './errors';

import { EndpointError, normaliseEndpoint } from '../agents/nex/endpoint';
import { EXECUTORS, type ExecutorName } from './executor-names';

/** A value the user gave us is unusable; the CLI turns this into exit 2. */
export { ChatInputError };

export const MAX_LABEL_CHARS = 200;

// C0 controls, DEL and C1 controls: they would split tmux's tab/newline separated replies.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlChars(s: string): boolean {
  return CONTROL_RE.test(s);
}

// Bidirectional overrides and isolates: invisible, they reorder how the text after them
// (the rest of a `chat list` row, the UI's tree) is shown.
const LABEL_FORBIDDEN_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The first character of `s` a label may not hold, as `U+XXXX`, or null. */
function firstControl(s: string): string | null {
  const m = LABEL_FORBIDDEN_RE.exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}

const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A value a program embedding chatmux passed where text belongs. The CLI only ever has
 * strings; a library caller in plain JavaScript may pass anything, and a number stored as a
 * name made the whole registry unreadable at the next read.
 */
export function checkText(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new ChatInputError(`${what} must be text, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  return value;
}

/** A chat name or role: printable text, at most MAX_LABEL_CHARS characters. */
export function checkLabel(what: string, value: string): string {
  checkText(what, value);
  const ctl = firstControl(value);
  // Names and roles are listed one session per line by tmux: a newline would split the row.
  if (ctl) throw new ChatInputError(`${what} ${quoteValue(value)} contains a control character (${ctl}); use plain printable text`);
  if (LONE_SURROGATE_RE.test(value)) throw new ChatInputError(`${what} ${quoteValue(value)} is not valid Unicode (a lone surrogate)`);
  if (Array.from(value).length > MAX_LABEL_CHARS) throw new ChatInputError(`${what} is longer than ${MAX_LABEL_CHARS} characters (${Array.from(value).length})`);
  return value;
}

/**
 * A folder chatmux will run a chat in or store state under. Any name the file system holds
 * works (tmux gets it quoted; options store it encoded, metadata.ts): only what cannot be a
 * path at all is refused.
 */
export function checkPath(what: string, value: string): string {
  checkText(what, value);
  if (value.includes('\0')) throw new ChatInputError(`${what} ${quoteValue(value)} contains a NUL byte, which no path can hold`);
  if (LONE_SURROGATE_RE.test(value)) throw new ChatInputError(`${what} ${quoteValue(value)} is not valid Unicode (a lone surrogate)`);
  return value;
}

/** An argv element for the agent: anything but NUL (it cannot reach exec). */
export function checkArgv(argv: readonly string[]): string[] {
  if (!Array.isArray(argv)) throw new ChatInputError('the command must be an array of arguments, not ' + typeof argv);
  for (const a of argv) {
    checkText('a command argument', a);
    if (a.includes('\0')) throw new ChatInputError('a command argument contains a NUL byte');
    if (LONE_SURROGATE_RE.test(a)) throw new ChatInputError('a command argument is not valid Unicode');
  }
  return [...argv];
}

export function checkEnvVarName(what: string, value: string): string {
  checkText(what, value);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(value)) throw new ChatInputError(`${what} ${quoteValue(value)} is not an environment variable name (letters, digits, _)`);
  return value;
}

/**
 * An endpoint URL, checked with the parser nex itself uses (so nothing accepted here makes
 * the agent exit at once): http or https, a host, no spaces or control characters, no query
 * or fragment, and no user or password — a key in the URL would land in the registry, in
 * tmux options and in codex's argv. Returns it trimmed.
 */
export function checkEndpoint(value: string): string {
  checkText('-e', value);
  try {
    normaliseEndpoint(value);
  } catch (e) {
    if (e instanceof EndpointError) throw new ChatInputError(`-e: ${e.message}`);
    throw e;
  }
  if (hasControlChars(value)) throw new ChatInputError('-e: the endpoint URL contains control characters');
  return value.trim();
}

export function checkModel(value: string): string {
  checkText('model', value);
  if (value === '' || hasControlChars(value) || value.length > 200) throw new ChatInputError(`model ${quoteValue(value)}: use a plain model name`);
  return value;
}

/** An executor name: one chatmux knows (an unknown one was written to the registry, then failed to start). */
export function checkExecutor(value: string): ExecutorName {
  if (!(EXECUTORS as readonly unknown[]).includes(value)) throw new ChatInputError(`executor ${typeof value === 'string' ? quoteValue(value) : String(value)}: use one of ${EXECUTORS.join(', ')}`);
  return value as ExecutorName;
}

/** tmux's own limits for a window's width and height (WINDOW_MINIMUM, WINDOW_MAXIMUM). */
export const MAX_WINDOW_CELLS = 10000;

/** A window size from a library caller: absent, or a whole number tmux accepts (checked before anything is written). */
export function checkSize(what: 'width' | 'height', value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_WINDOW_CELLS) throw new ChatInputError(`${what} ${String(value)}: use a whole number of cells from 1 to ${MAX_WINDOW_CELLS}`);
  return value;
}

/** A tmux socket name (`-L`): a plain file name; a `/` would put the server's socket elsewhere. */
export function checkSocketName(value: string): string {
  checkText('socket', value);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(value) || /^\.+$/.test(value)) throw new ChatInputError(`socket ${quoteValue(value)}: use a name of letters, digits, '.', '_' or '-' (at most 100)`);
  return value;
}

/** The size a chat starts at (startChat, openChat, restartChat): checked before its session is killed or made. */
export function checkStartSize(o: { width?: number; height?: number }): void {
  checkSize('width', o.width);
  checkSize('height', o.height);
}
