/**
 * A pane's content as tmux holds it: visible screen and history (`capture-pane`), and the
 * unfinished escape sequence it is in the middle of.
 */
import type { TmuxRunner } from '../exec';
import { unescapeOutput } from '../parser';

export interface CaptureOptions {
  /** First line: a number (negative = history) or '-' for the start of history. */
  start?: number | '-';
  /** Last line: a number or '-' for the end of the visible area. */
  end?: number | '-';
  /** Keep colours and attributes as SGR sequences (-e). */
  escapes?: boolean;
  /** Join wrapped lines (-J); also keeps trailing spaces. */
  join?: boolean;
  /** Keep trailing spaces without joining (-N). */
  trailingSpaces?: boolean;
  /** The saved (primary) screen while an alternate screen is active (-a). */
  alternate?: boolean;
  /** Quiet: no error when there is no alternate screen (-q). */
  quiet?: boolean;
}

/** A pane's lines (`capture-pane -p`): the visible screen by default, history with `start`/`end`. */
export async function capturePane(r: TmuxRunner, pane: string, o: CaptureOptions = {}): Promise<string[]> {
  const args = ['capture-pane', '-p', '-t', pane];
  if (o.escapes) args.push('-e');
  if (o.join) args.push('-J');
  if (o.trailingSpaces) args.push('-N');
  if (o.alternate) args.push('-a');
  if (o.quiet) args.push('-q');
  if (o.start !== undefined) args.push('-S', String(o.start));
  if (o.end !== undefined) args.push('-E', String(o.end));
  return r.run(args);
}

/** Bytes of an escape sequence the pane has received but not finished (-P -C), decoded. */
export async function capturePending(r: TmuxRunner, pane: string): Promise<Buffer> {
  const lines = await r.run(['capture-pane', '-p', '-P', '-C', '-t', pane]);
  const escaped = Buffer.from(lines.join('\n'), 'utf8');
  // Same `\ooo` escaping as %output.
  return unescapeOutput(escaped, 0, escaped.length);
}
