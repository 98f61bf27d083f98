/**
 * What tmux runs in a pane: its argv as tmux takes it, and its `-e` variables.
 */
import { TmuxArgumentError } from '../quote';

/** A shell command for tmux: several arguments run directly; a single one through `sh -c`, so quote it. */
export function shellCommandArgs(argv: readonly string[]): string[] {
  if (argv.length === 0) return [];
  if (argv.length > 1) return [...argv];
  return [shellQuote(argv[0]!)];
}

/** POSIX sh single-quoting (for the one-argument case above and pipe-pane). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Refuse a name `-e NAME=…` or `set-environment` would misread. */
export function checkEnvName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TmuxArgumentError(`not an environment variable name: ${JSON.stringify(name)}`);
}

/** `-e NAME=value` for each variable (names checked). */
export function envArgs(env: Record<string, string> | undefined): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(env ?? {})) {
    checkEnvName(k);
    args.push('-e', `${k}=${v}`);
  }
  return args;
}
