/**
 * blessed's width table predates emoji: it counts 🚀 ✅ as one column while tmux and the
 * terminal draw two, so any row holding one (a chat name in the tree, a tab, a label)
 * shifts everything after it. Teach blessed the widths tmux uses: Emoji_Presentation
 * characters are two columns wide.
 */
import blessed from 'blessed';

interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  codePointAt(str: string, i: number): number;
  chars: { all: RegExp };
}

let patched = false;

/** True for characters tmux 3.x shows two columns wide that blessed's table misses. */
export function isWideEmoji(point: number): boolean {
  if (point >= 0x1f000 && point <= 0x1faff) return /\p{Emoji_Presentation}/u.test(String.fromCodePoint(point)) || (point >= 0x1f300 && point <= 0x1f64f);
  if (point >= 0x2000 && point <= 0x2bff) return BMP_WIDE.has(point);
  return false;
}

const BMP_WIDE = new Set<number>();
for (let p = 0x2000; p <= 0x2bff; p++) if (/\p{Emoji_Presentation}/u.test(String.fromCodePoint(p))) BMP_WIDE.add(p);

export function patchBlessedWidths(): void {
  if (patched) return;
  patched = true;
  const unicode = (blessed as unknown as { unicode: BlessedUnicode }).unicode;
  const original = unicode.charWidth.bind(unicode);
  unicode.charWidth = (str, i) => {
    // Hot path (blessed asks for every cell it draws): printable ASCII is one column.
    if (typeof str === 'string' && (i ?? 0) === 0 && str.length === 1) {
      const c = str.charCodeAt(0);
      if (c >= 0x20 && c < 0x7f) return 1;
    }
    const point = typeof str === 'number' ? str : unicode.codePointAt(str, i ?? 0);
    return isWideEmoji(point) ? 2 : original(str, i);
  };
  // Content text: blessed marks the second column of a wide character with \x03.
  const bmp = [...BMP_WIDE].map((p) => `\\u${p.toString(16).padStart(4, '0')}`).join('');
  const emoji = `[\\ud83c-\\ud83e][\\udc00-\\udfff]|[${bmp}]`;
  const source = unicode.chars.all.source.slice(1, -1);
  unicode.chars.all = new RegExp(`(${emoji}|${source})`, 'g');
  patchLineCutting();
}

/**
 * blessed cuts a line too long for its box by counting UTF-16 units, so an astral character
 * (🚀 🦀: two units plus its \x03 column marker) counts three for its two columns, and a row
 * holding one lost its last characters although it fitted (a tree row "shell runnin  ").
 * Lines are cut with each astral character standing in as one BMP placeholder, then put back.
 */
function patchLineCutting(): void {
  type Wrapped = string[] & { fake?: string[] };
  const proto = (blessed as unknown as { widget: { Element: { prototype: { _wrapContent(c: string, w: number): Wrapped } } } }).widget.Element.prototype;
  const original = proto._wrapContent;
  proto._wrapContent = function (this: unknown, content: string, width: number): Wrapped {
    if (typeof content !== 'string' || !/[\ud800-\udbff][\udc00-\udfff]/.test(content)) return original.call(this, content, width);
    const back = new Map<string, string>();
    const to = new Map<string, string>();
    let next = 0xe000;
    const text = content.replace(/[\ud800-\udbff][\udc00-\udfff]/g, (ch) => {
      let p = to.get(ch);
      if (!p) {
        while (content.includes(String.fromCharCode(next))) next++;
        p = String.fromCharCode(next++);
        to.set(ch, p);
        back.set(p, ch);
      }
      return p;
    });
    const restore = (line: string): string => (typeof line === 'string' ? line.replace(/[\ue000-\uf8ff]/g, (p) => back.get(p) ?? p) : line);
    const out = original.call(this, text, width);
    for (let i = 0; i < out.length; i++) out[i] = restore(out[i]!);
    if (Array.isArray(out.fake)) out.fake = out.fake.map(restore);
    return out;
  };
}

/** Columns `s` takes on the terminal (tmux's widths: 🚀 is two). */
export function displayWidth(s: string): number {
  patchBlessedWidths();
  return (blessed as unknown as { unicode: { strWidth(s: string): number } }).unicode.strWidth(s);
}

/** `s` cut to at most `width` columns, ending in "…" when something was cut. */
export function cutToWidth(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}
