/**
 * Tracks the graphic rendition (SGR) state across a `capture-pane -e` stream.
 *
 * tmux does not reset attributes at line ends in `-e` captures, so a row can end with a
 * background colour still active. Writing `\r\n` there would make the emulator fill the
 * scrolled-in row with that colour (background colour erase). The restore therefore resets
 * before each line break and re-applies the tracked state after it.
 */

const SGR = /\x1b\[([0-9;:]*)m/g;

/** Slot each SGR parameter belongs to; setting a slot replaces its earlier value. */
function slotOf(code: number): string | null {
  if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97) || code === 38) return 'fg';
  if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107) || code === 48) return 'bg';
  if (code === 58) return 'ulc';
  switch (code) {
    case 1: return 'bold';
    case 2: return 'dim';
    case 3: return 'italic';
    case 4: case 21: return 'underline';
    case 5: case 6: return 'blink';
    case 7: return 'inverse';
    case 8: return 'invisible';
    case 9: return 'strike';
    case 53: return 'overline';
    default: return null;
  }
}

/** Codes that switch slots off. */
const OFF: Record<number, readonly string[]> = {
  22: ['bold', 'dim'], 23: ['italic'], 24: ['underline'], 25: ['blink'], 27: ['inverse'], 28: ['invisible'],
  29: ['strike'], 39: ['fg'], 49: ['bg'], 55: ['overline'], 59: ['ulc'],
};

export class SgrState {
  private readonly slots = new Map<string, string>();

  /** Update the state from every SGR sequence in `text`. */
  feed(text: string): void {
    SGR.lastIndex = 0;
    for (let m = SGR.exec(text); m; m = SGR.exec(text)) this.apply(m[1]!);
  }

  /** The sequence that recreates the current state from defaults ('' when default). */
  sequence(): string {
    return this.slots.size === 0 ? '' : `\x1b[${[...this.slots.values()].join(';')}m`;
  }

  get isDefault(): boolean {
    return this.slots.size === 0;
  }

  private apply(params: string): void {
    const p = params === '' ? ['0'] : params.split(';');
    for (let i = 0; i < p.length; i++) {
      const raw = p[i]!;
      // Colon sub-parameters (`4:3`, `38:2::r:g:b`) travel with their parameter.
      const code = Number.parseInt(raw.split(':')[0] || '0', 10);
      if (code === 0) {
        this.slots.clear();
        continue;
      }
      const off = OFF[code];
      if (off) {
        for (const s of off) this.slots.delete(s);
        continue;
      }
      const slot = slotOf(code);
      if (!slot) continue;
      if ((code === 38 || code === 48 || code === 58) && !raw.includes(':')) {
        // `38;5;n` or `38;2;r;g;b` spread over several parameters.
        const kind = p[i + 1];
        const take = kind === '5' ? 2 : kind === '2' ? 4 : 0;
        this.slots.set(slot, p.slice(i, i + 1 + take).join(';'));
        i += take;
        continue;
      }
      if (code === 4 && raw === '4:0') {
        this.slots.delete('underline');
        continue;
      }
      this.slots.set(slot, raw);
    }
  }
}
