/**
 * Columns a string takes on a terminal, for lining up the CLI's tables: East Asian wide
 * characters and emoji two, combining marks and joiners none, the rest one. (Loading the UI's
 * width tables would cost `chatmux chat list` a tenth of a second.)
 */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f1e6}-\u{1f1ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const NONE = /[\p{Mn}\p{Me}\u200b-\u200f\ufe00-\ufe0f]/u;

export function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += NONE.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return n;
}
