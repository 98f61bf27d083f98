/**
 * Options of the server, sessions, windows and panes: set (values stored literally), unset,
 * read back (user options, or one option exactly).
 */
import type { TmuxRunner } from '../exec';
import { TmuxArgumentError } from '../quote';

export type OptionScope = { session: string } | { window: string } | { pane: string } | { global: true } | { server: true };

function scopeArgs(s: OptionScope): string[] {
  if ('server' in s) return ['-s'];
  if ('session' in s) return ['-t', s.session];
  if ('window' in s) return ['-w', '-t', s.window];
  if ('pane' in s) return ['-p', '-t', s.pane];
  return ['-g'];
}

function setOptionArgs(scope: OptionScope, name: string, value: string): string[] {
  if (!/^@?[a-z][a-z0-9-]*$/.test(name)) throw new TmuxArgumentError(`bad option name: ${JSON.stringify(name)}`);
  return ['set-option', '-q', ...scopeArgs(scope), name, value];
}

/** Set a user option (`@name`) or a tmux option. The value is stored literally. */
export async function setOption(r: TmuxRunner, scope: OptionScope, name: string, value: string): Promise<void> {
  await r.run(setOptionArgs(scope, name, value));
}

/** Set several options in order: one tmux process for a one-shot runner instead of one each. */
export async function setOptions(r: TmuxRunner, scope: OptionScope, entries: readonly (readonly [string, string])[]): Promise<void> {
  const commands = entries.map(([name, value]) => setOptionArgs(scope, name, value));
  if (r.runAll) await r.runAll(commands);
  else for (const c of commands) await r.run(c);
}

/** Unset an option on a target (`set-option -u`); quiet when it was not set. */
export async function unsetOption(r: TmuxRunner, scope: OptionScope, name: string): Promise<void> {
  await r.run(['set-option', '-q', '-u', ...scopeArgs(scope), name]);
}

/** User options (`@…`) set directly on a target, as name → value. */
export async function showUserOptions(r: TmuxRunner, scope: OptionScope): Promise<Record<string, string>> {
  const lines = await r.run(['show-options', '-q', ...scopeArgs(scope)]);
  const out: Record<string, string> = {};
  for (const l of lines) {
    const m = /^(@[^\s]+) (.*)$/.exec(l);
    if (m) out[m[1]!] = unquoteOptionValue(m[2]!);
  }
  return out;
}

/** show-options quotes values that contain spaces or specials; undo it. */
export function unquoteOptionValue(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/** One option's value via `show-options -v` (exact, no quoting), or null when unset. */
export async function showOptionValue(r: TmuxRunner, scope: OptionScope, name: string): Promise<string | null> {
  const lines = await r.run(['show-options', '-q', '-v', ...scopeArgs(scope), name]);
  return lines.length === 0 ? null : lines.join('\n');
}
