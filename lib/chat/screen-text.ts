/**
 * A chat's output log as the plain text it showed: a small terminal model that applies cursor
 * movement instead of dropping it. Dropping it glued redraws onto the line before: bash shows
 * a pasted `echo one⏎echo two` highlighted, then moves up (ESC M, ESC [C…) and rewrites it, which
 * a plain escape-stripper printed as "echo twoecho one".
 *
 * The model: a screen of `height` lines of unlimited width (long lines are not wrapped), the
 * cursor confined to it as in a terminal, lines scrolled off the top frozen as text (so memory
 * stays at one screen of cells). The alternate screen (full-screen programs) is left out, as it
 * is from a terminal's scrollback. Colours and other attributes are dropped.
 */

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE = /^[\p{Emoji_Presentation}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]$/u;

/** Columns a character takes (0 for combining marks and format characters). */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

/** The second cell of a wide character. */
const CONT = '';

type ParseState = 'ground' | 'esc' | 'csi' | 'string' | 'stringEsc' | 'charset';

/** Raw output in (`write`), the text it showed out (`text`, or `takeFinished` for lines the output has moved past). */
export class ScreenText {
  private readonly frozen: string[] = [];
  private screen: string[][] = [[]];
  private row = 0;
  private col = 0;
  private saved = { row: 0, col: 0 };
  private alt = false;
  private state: ParseState = 'ground';
  private params = '';
  /** Absolute index of the first line `takeFinished` has not returned yet. */
  private taken = 0;

  constructor(private readonly height = 40) {}

  write(text: string): void {
    for (const ch of text) this.feed(ch);
  }

  /** Every line, the cursor's too, without trailing blank lines. */
  text(): string {
    const lines = [...this.frozen, ...this.screen.map(render)];
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.length === 0 ? '' : lines.join('\n') + '\n';
  }

  /**
   * Lines the cursor has left downwards and that were not returned before (for `log -f`). A
   * line changed after it was returned is not returned again.
   */
  takeFinished(): string[] {
    const cursor = this.frozen.length + this.row;
    const out: string[] = [];
    for (let y = this.taken; y < cursor; y++) out.push(y < this.frozen.length ? this.frozen[y]! : render(this.screen[y - this.frozen.length]!));
    this.taken = Math.max(this.taken, cursor);
    // Frozen lines are needed only until they are taken.
    if (this.taken > 0 && this.frozen.length > 0) {
      const drop = Math.min(this.taken, this.frozen.length);
      this.frozen.splice(0, drop);
      this.taken -= drop;
    }
    return out;
  }

  // ---------------------------------------------------------------- parser

  private feed(ch: string): void {
    switch (this.state) {
      case 'ground':
        return this.ground(ch);
      case 'esc':
        return this.escape(ch);
      case 'csi':
        if (ch >= '@' && ch <= '~') {
          this.state = 'ground';
          this.csi(this.params, ch);
        } else if (this.params.length < 64) this.params += ch;
        return;
      case 'string':
        // OSC ends at BEL or ST (ESC \); DCS, APC, PM, SOS at ST.
        if (ch === '\x07') this.state = 'ground';
        else if (ch === '\x1b') this.state = 'stringEsc';
        return;
      case 'stringEsc':
        this.state = ch === '\\' ? 'ground' : 'string';
        return;
      case 'charset':
        this.state = 'ground';
        return;
    }
  }

  private ground(ch: string): void {
    const c = ch.charCodeAt(0);
    if (c === 0x1b) this.state = 'esc';
    else if (ch === '\r') this.col = 0;
    // A log wants lines: a line feed starts the next one at column 0 (as with onlcr).
    else if (ch === '\n' || ch === '\x0b' || ch === '\x0c') this.lineFeed(true);
    else if (ch === '\b') this.col = Math.max(0, this.col - 1);
    else if (ch === '\t') this.col = (Math.floor(this.col / 8) + 1) * 8;
    else if (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0)) this.put(ch);
  }

  private escape(ch: string): void {
    this.state = 'ground';
    if (ch === '[') {
      this.state = 'csi';
      this.params = '';
    } else if (ch === ']' || ch === 'P' || ch === '_' || ch === '^' || ch === 'X') this.state = 'string';
    else if ('()*+-./'.includes(ch)) this.state = 'charset';
    else if (ch === '7') this.saved = { row: this.row, col: this.col };
    else if (ch === '8') this.restore();
    else if (ch === 'M') this.moveTo(this.row - 1, this.col);
    else if (ch === 'D') this.lineFeed(false);
    else if (ch === 'E') this.lineFeed(true);
    else if (ch === 'c') {
      // Full reset: back on the main screen, which is cleared.
      this.alt = false;
      this.clearScreen();
      this.moveTo(0, 0);
    }
  }

  private csi(raw: string, final: string): void {
    const priv = /^[?>=<]/.test(raw) ? raw[0] : '';
    const nums = raw.slice(priv.length).replace(/[ -/]+$/, '').split(';').map((s) => (s === '' ? NaN : Number(s.split(':')[0])));
    const n = (i = 0, d = 1): number => (Number.isFinite(nums[i]) && nums[i]! > 0 ? nums[i]! : d);
    if (priv === '?') {
      if ((final === 'h' || final === 'l') && nums.some((m) => m === 1049 || m === 1047 || m === 47)) this.setAlt(final === 'h');
      return;
    }
    if (priv || this.alt) return;
    switch (final) {
      case 'A': return this.moveTo(this.row - n(), this.col);
      case 'B': case 'e': return this.moveTo(this.row + n(), this.col);
      case 'C': case 'a': return this.moveTo(this.row, this.col + n());
      case 'D': return this.moveTo(this.row, this.col - n());
      case 'E': return this.moveTo(this.row + n(), 0);
      case 'F': return this.moveTo(this.row - n(), 0);
      case 'G': case '`': return this.moveTo(this.row, n() - 1);
      case 'H': case 'f': return this.moveTo(n(0) - 1, n(1) - 1);
      case 'd': return this.moveTo(n() - 1, this.col);
      case 'K': return this.eraseInLine(Number.isFinite(nums[0]) ? nums[0]! : 0);
      case 'J': return this.eraseInDisplay(Number.isFinite(nums[0]) ? nums[0]! : 0);
      case 'P': this.line().splice(this.col, n()); return;
      case '@': this.line().splice(this.col, 0, ...Array<string>(n()).fill(' ')); return;
      case 'X': for (let i = 0; i < n(); i++) this.setCell(this.col + i, ' '); return;
      // Lines pushed below the screen's bottom are gone, as in a terminal.
      case 'L': this.screen.splice(this.row, 0, ...Array.from({ length: n() }, () => [])); this.screen.length = Math.min(this.screen.length, this.height); return;
      case 'M': this.screen.splice(this.row, n()); if (this.screen.length <= this.row) this.ensureRow(this.row); return;
      case 's': this.saved = { row: this.row, col: this.col }; return;
      case 'u': return this.restore();
      default: return; // SGR, scroll regions, modes…: nothing to show as text
    }
  }

  // ---------------------------------------------------------------- screen

  private line(): string[] {
    this.ensureRow(this.row);
    return this.screen[this.row]!;
  }

  private ensureRow(row: number): void {
    while (this.screen.length <= row) this.screen.push([]);
  }

  private moveTo(row: number, col: number): void {
    if (this.alt) return;
    this.row = Math.max(0, Math.min(this.height - 1, row));
    this.col = Math.max(0, col);
    this.ensureRow(this.row);
  }

  private restore(): void {
    this.moveTo(this.saved.row, this.saved.col);
  }

  private lineFeed(carriageReturn: boolean): void {
    if (this.alt) return;
    if (carriageReturn) this.col = 0;
    if (this.row < this.height - 1) {
      this.row++;
      this.ensureRow(this.row);
      return;
    }
    // At the bottom: the top line scrolls off into the frozen text.
    this.frozen.push(render(this.screen.shift()!));
    this.ensureRow(this.row);
  }

  private setCell(col: number, ch: string): void {
    const cells = this.line();
    // Overwriting half of a wide character blanks its other half.
    if (cells[col] === CONT && col > 0) cells[col - 1] = ' ';
    if (cells[col + 1] === CONT) cells[col + 1] = ' ';
    for (let i = cells.length; i < col; i++) cells[i] = ' ';
    cells[col] = ch;
  }

  private put(ch: string): void {
    if (this.alt) return;
    const w = charWidth(ch);
    if (w === 0) {
      // Combining mark, variation selector, ZWJ: part of the character before it.
      const cells = this.line();
      let i = this.col - 1;
      while (i > 0 && cells[i] === CONT) i--;
      if (i >= 0 && cells[i] !== undefined) cells[i] += ch;
      return;
    }
    this.setCell(this.col, ch);
    if (w === 2) this.setCell(this.col + 1, CONT);
    this.col += w;
  }

  private eraseInLine(mode: number): void {
    const cells = this.line();
    if (mode === 0) cells.length = Math.min(cells.length, this.col);
    else if (mode === 1) for (let i = 0; i <= this.col && i < cells.length; i++) cells[i] = ' ';
    else if (mode === 2) cells.length = 0;
  }

  private eraseInDisplay(mode: number): void {
    if (mode === 0) {
      this.eraseInLine(0);
      this.screen.length = this.row + 1;
    } else if (mode === 1) {
      for (let r = 0; r < this.row; r++) this.screen[r] = [];
      this.eraseInLine(1);
    } else this.clearScreen();
  }

  /** Clear screen: what it showed stays in the log (as a terminal keeps it in its scrollback). */
  private clearScreen(): void {
    const used = this.screen.map(render);
    while (used.length > 0 && used[used.length - 1] === '') used.pop();
    this.frozen.push(...used);
    this.screen = [];
    this.ensureRow(this.row);
  }

  private setAlt(on: boolean): void {
    if (on === this.alt) return;
    if (on) this.saved = { row: this.row, col: this.col };
    this.alt = on;
    if (!on) this.restore();
  }
}

function render(cells: readonly string[]): string {
  let s = '';
  for (const c of cells) s += c ?? ' ';
  return s.trimEnd();
}

/** Terminal output as the plain text it showed (see ScreenText). */
export function screenText(raw: string, height?: number): string {
  const s = new ScreenText(height);
  s.write(raw);
  return s.text();
}
