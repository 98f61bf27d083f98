/**
 * Character widths as tmux has them in its grid, for the pane emulator. Applications place
 * the cursor by tmux's grid (and tmux's captures are laid out by it), so the emulator must
 * count every cell the same or text after an emoji lands a column off.
 *
 * tmux 3.2 counts like xterm's unicode11 table. 3.3 joins anything that follows a zero-width
 * joiner into the joiner's cell; from 3.4 tmux combines more (screen_write_combine):
 * - U+FE0F (VS16) makes a one-column character two columns wide (`❤️`, `1️⃣`); from 3.6 only
 *   while the server option `variation-selector-always-wide` is on (the default).
 * - anything after a zero-width joiner joins that cell (`👨‍👩‍👧` is one two-column cell);
 * - 3.4/3.5: a regional indicator or skin-tone modifier joins any non-ASCII cell and makes it
 *   wide; 3.6+: only a regional indicator pair, or a skin tone next to one of the bases listed
 *   in tmux's utf8_should_combine.
 * Not mirrored: Hangul jamo composition (3.6+) and a wide character widened at the right edge.
 *
 * Why follow tmux rather than switch VS16 off in chatmux's tmux.conf: 3.4 and 3.5 have no
 * option, and applications (Ink's string-width, used by claude and codex) count `❤️` as two
 * columns too, so tmux ≥ 3.4's grid is what they draw against.
 */
import type { IUnicodeVersionProvider } from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import type { TmuxRunner } from '../control/exec';
import { showOptionValue } from '../control/commands';
import { versionAtLeast, type TmuxVersion } from '../control/version';

export interface TmuxWidthRules {
  /** Which combining rules: none (3.2, plain unicode11), after-ZWJ only (3.3), 3.4/3.5, or 3.6+. */
  combining: 'none' | 'zwj' | '3.4' | '3.6';
  /** VS16 widens a one-column character. */
  vs16Wide: boolean;
  /**
   * tmux 3.4 only: widening leaves the cell after the character as a separate blank cell that
   * captures return (`❤️ c` for `❤️c`, where `c` is in column 2); restores drop it.
   */
  vs16Phantom?: boolean;
}

export const UNICODE11_RULES: TmuxWidthRules = { combining: 'none', vs16Wide: false };

/** The rules of a tmux version (`vs16Option`: the 3.6+ option's value, on by default). */
export function widthRulesFor(v: TmuxVersion, vs16Option = true): TmuxWidthRules {
  if (!versionAtLeast(v, 3, 3)) return UNICODE11_RULES;
  if (!versionAtLeast(v, 3, 4)) return { combining: 'zwj', vs16Wide: false };
  if (!versionAtLeast(v, 3, 6)) return { combining: '3.4', vs16Wide: true, vs16Phantom: !versionAtLeast(v, 3, 5) };
  return { combining: '3.6', vs16Wide: vs16Option };
}

/** The rules of a running server: its version, and on 3.6+ its `variation-selector-always-wide`. */
export async function readWidthRules(r: TmuxRunner, v: TmuxVersion | null): Promise<TmuxWidthRules> {
  if (!v) return UNICODE11_RULES;
  let vs16 = true;
  if (versionAtLeast(v, 3, 6)) vs16 = (await showOptionValue(r, { server: true }, 'variation-selector-always-wide').catch(() => null)) !== 'off';
  return widthRulesFor(v, vs16);
}

/** A name for the rules, registered as the emulator's unicode "version". */
export function rulesName(r: TmuxWidthRules): string {
  return r.combining === 'none' && !r.vs16Wide ? '11' : `tmux-${r.combining}${r.vs16Wide ? '-vs16' : ''}`;
}

const ZWJ = 0x200d;
const VS16 = 0xfe0f;
// Per-cell state carried to the next character (xterm passes it back as `preceding`):
// the cell's codepoint while it holds just one, whether it ends with a ZWJ, whether it is
// more than one byte in UTF-8 (tmux's `size >= 2`).
const CP_MASK = 0x1fffff;
const ENDS_ZWJ = 1 << 21;
const MULTIBYTE = 1 << 22;

const isRegional = (cp: number): boolean => cp >= 0x1f1e6 && cp <= 0x1f1ff;
const isSkinTone = (cp: number): boolean => cp >= 0x1f3fb && cp <= 0x1f3ff;

/** tmux 3.6+ utf8_should_combine's list of bases that take a skin tone. */
const SKIN_TONE_BASES = new Set([
  0x1f44b, 0x1f44c, 0x1f44d, 0x1f44e, 0x1f44f, 0x1f450, 0x1f466, 0x1f467, 0x1f468, 0x1f469, 0x1f46e, 0x1f470, 0x1f471, 0x1f472,
  0x1f473, 0x1f474, 0x1f475, 0x1f476, 0x1f477, 0x1f478, 0x1f47c, 0x1f481, 0x1f482, 0x1f483, 0x1f485, 0x1f486, 0x1f487, 0x1f4aa,
  0x1f575, 0x1f57a, 0x1f590, 0x1f595, 0x1f596, 0x1f645, 0x1f646, 0x1f647, 0x1f64b, 0x1f64c, 0x1f64d, 0x1f64e, 0x1f64f, 0x1f6b4,
  0x1f6b5, 0x1f6b6, 0x1f926, 0x1f937, 0x1f938, 0x1f939, 0x1f93d, 0x1f93e, 0x1f9b5, 0x1f9b6, 0x1f9b8, 0x1f9b9, 0x1f9cd, 0x1f9ce,
  0x1f9cf, 0x1f9d1, 0x1f9d2, 0x1f9d3, 0x1f9d4, 0x1f9d5, 0x1f9d6, 0x1f9d7, 0x1f9d8, 0x1f9d9, 0x1f9da, 0x1f9db, 0x1f9dc, 0x1f9dd,
  0x1f9de, 0x1f9df,
]);

function shouldCombine36(withCp: number, add: number): boolean {
  if (isRegional(add) && isRegional(withCp)) return true;
  return SKIN_TONE_BASES.has(add) && isSkinTone(withCp);
}

// xterm's packing of charProperties values (UnicodeService.createPropertyValue).
const pack = (kind: number, width: number, join: boolean): number => ((kind & 0xffffff) << 3) | ((width & 3) << 1) | (join ? 1 : 0);
const widthOf = (v: number): number => (v >> 1) & 3;
const kindOf = (v: number): number => v >> 3;

/** xterm's unicode11 provider, taken from the addon through its public activate(). */
function unicode11(): IUnicodeVersionProvider {
  let provider: IUnicodeVersionProvider | null = null;
  new Unicode11Addon().activate({ unicode: { register: (p: IUnicodeVersionProvider) => (provider = p) } } as never);
  if (!provider) throw new Error('@xterm/addon-unicode11 registered no provider');
  return provider;
}

const UNICODE11 = unicode11();

export class TmuxWidthProvider implements IUnicodeVersionProvider {
  readonly version: string;
  private readonly base = UNICODE11;

  constructor(private readonly rules: TmuxWidthRules) {
    this.version = rulesName(rules);
  }

  wcwidth(codepoint: number): 0 | 1 | 2 {
    return this.base.wcwidth(codepoint);
  }

  charProperties(cp: number, preceding: number): number {
    // Printable ASCII — nearly every character of output — is narrow and never joins the cell
    // before it, even after a ZWJ: tmux prints it on its one-byte path, which never combines.
    // Answered without the table or a closure (xterm asks for every character it prints).
    if (cp >= 0x20 && cp < 0x7f) return pack(cp, 1, false);
    const w = this.base.wcwidth(cp);
    const fresh = (): number => pack((cp & CP_MASK) | (cp >= 0x80 ? MULTIBYTE : 0) | (cp === ZWJ ? ENDS_ZWJ : 0), w, false);
    const pw = widthOf(preceding);
    // No cell to join (start of a write, after a control): as unicode11.
    if (preceding === 0 || pw === 0) return w === 0 ? this.base.charProperties(cp, preceding) : fresh();
    const prev = kindOf(preceding);
    const prevCp = prev & CP_MASK;
    let join = false;
    let wide = false;
    if (cp === ZWJ || w === 0) {
      join = true;
      wide = cp === VS16 && this.rules.vs16Wide;
    } else if (this.rules.combining === '3.4' && (isRegional(cp) || isSkinTone(cp)) && prev & MULTIBYTE) {
      join = wide = true;
    } else if (this.rules.combining === '3.6' && prevCp !== 0 && (shouldCombine36(prevCp, cp) || shouldCombine36(cp, prevCp))) {
      join = wide = true;
    } else if (this.rules.combining !== 'none' && prev & ENDS_ZWJ) {
      join = true;
    }
    if (!join) return fresh();
    if (this.rules.combining === 'none') return this.base.charProperties(cp, preceding);
    // Joined: the cell now holds several codepoints (no single one), keeps or gains width.
    return pack((cp === ZWJ ? ENDS_ZWJ : 0) | MULTIBYTE, wide && pw === 1 ? 2 : pw, true);
  }
}

const NARROW_THEN_VS16 = /(\P{M})\uFE0F((?:\x1b\[[0-9;:]*m)*) /gu;

/** A captured row without tmux 3.4's blank cell after each VS16-widened character (see vs16Phantom). */
export function dropVs16Phantoms(row: string, base: IUnicodeVersionProvider = UNICODE11): string {
  if (!row.includes('\uFE0F')) return row;
  return row.replace(NARROW_THEN_VS16, (all, ch: string, esc: string) => (base.wcwidth(ch.codePointAt(0)!) === 1 ? `${ch}\uFE0F${esc}` : all));
}
