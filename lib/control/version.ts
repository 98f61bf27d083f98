/**
 * tmux version parsing and feature gates (docs/tmux-control-mode.md §15).
 *
 * Differences measured on 3.2a, 3.3a, 3.4, 3.5a, 3.6a and 3.7c, and where they are handled
 * (detected from tmux's replies where possible, so no gate is needed):
 * - 3.2: a detached `new-session -x/-y` gets the calling client's size → newSession checks
 *   the window's size and resizes it (commands/sessions.ts).
 * - 3.2: `capture-pane -J/-N` pads rows to the width; 3.4+: `-J` stops at the last written
 *   cell (no background-only cells), `-N` rows run to the row's allocated size → restores use
 *   unjoined rows, drop default-attribute padding, take wraps from a plain -J (capture-rows.ts).
 * - 3.3+: `pane_dead_signal`; < 3.4 sometimes never records `pane_dead_status`.
 * - 3.3: joins what follows a ZWJ into one cell; 3.4+: VS16 widens, skin tones/flags join;
 *   3.6+: option variation-selector-always-wide → widthRulesFor (terminal/tmux-widths.ts).
 */

export interface TmuxVersion {
  major: number;
  minor: number;
  /** Letter suffix of a patch release (`3.3a` → 'a'), '' if none. */
  patch: string;
  /** True for development builds (`next-3.7`, `master`). */
  development: boolean;
  raw: string;
}

/** The oldest tmux chatmux supports: 3.2 (`new-session -e`, control-mode flow control). */
export const MINIMUM_VERSION = { major: 3, minor: 2 } as const;

/** Parse `tmux -V` output (`tmux 3.3a`, `tmux next-3.7`, `tmux master`, `tmux openbsd-7.5`). */
export function parseTmuxVersion(output: string): TmuxVersion | null {
  const raw = output.trim().replace(/^tmux\s+/, '');
  if (raw === 'master') return { major: 99, minor: 0, patch: '', development: true, raw };
  // OpenBSD's base tmux reports the OS release; treat it as current.
  if (/^openbsd-/.test(raw)) return { major: 99, minor: 0, patch: '', development: true, raw };
  const m = /^(next-)?(\d+)\.(\d+)([a-z]?)(?:-rc\d*)?/.exec(raw);
  if (!m) return null;
  return { major: Number(m[2]), minor: Number(m[3]), patch: m[4] ?? '', development: m[1] !== undefined, raw };
}

/** True when `v` is `major.minor` or newer (the patch letter does not count). */
export function versionAtLeast(v: TmuxVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export interface TmuxFeatures {
  /** `refresh-client -C @W:WxH` (3.3). */
  perWindowSize: boolean;
  /** stdin is read only after the argv command completed (3.4); we wait anyway. */
  deferredStdin: boolean;
  /** `refresh-client -A '%P:off'` is safe (3.7; crashes the server before). */
  paneOffSafe: boolean;
}

/** What this tmux release can do, for the gates in TmuxFeatures. */
export function featuresOf(v: TmuxVersion): TmuxFeatures {
  return {
    perWindowSize: versionAtLeast(v, 3, 3),
    deferredStdin: versionAtLeast(v, 3, 4),
    paneOffSafe: versionAtLeast(v, 3, 7),
  };
}

/** A message a user can act on, or null when the version is supported. */
export function versionProblem(v: TmuxVersion | null): string | null {
  if (!v) return 'could not read the tmux version (`tmux -V`)';
  if (!versionAtLeast(v, MINIMUM_VERSION.major, MINIMUM_VERSION.minor)) {
    return `tmux ${v.raw} is too old: chatmux needs tmux ${MINIMUM_VERSION.major}.${MINIMUM_VERSION.minor} or newer`;
  }
  return null;
}
