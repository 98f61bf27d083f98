/**
 * capture-rows: tmux's padding is dropped (3.2 pads every -J/-N row to the pane width, 3.4+
 * pads -N rows to their allocated size) and wrapped rows are found from a -J capture, with
 * rows as tmux 3.2a, 3.3a and 3.4+ really return them (measured with each release).
 */
import { describe, expect, test } from '@jest/globals';
import { plainText, stripPadding, wrapsFromJoined } from '../lib/terminal/capture-rows';
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { restoreStream } from '../lib/terminal/restore';
import { dropVs16Phantoms } from '../lib/terminal/tmux-widths';

const ESC = '\x1b';

describe('stripPadding', () => {
  test('drops trailing default spaces, keeps coloured ones and every escape', () => {
    expect(stripPadding('plain               ')).toBe('plain');
    expect(stripPadding(`${ESC}[41mred-bg-line         `)).toBe(`${ESC}[41mred-bg-line         `);
    // 3.2a: the colour ends, then default padding; the reset stays (the next row starts from it).
    expect(stripPadding(`${ESC}[44mscroll${ESC}[49m              `)).toBe(`${ESC}[44mscroll${ESC}[49m`);
    expect(stripPadding(`${ESC}[7m  ${ESC}[27m   `)).toBe(`${ESC}[7m  ${ESC}[27m`);
    expect(stripPadding('a b')).toBe('a b');
    expect(stripPadding('    ')).toBe('');
    expect(stripPadding('')).toBe('');
  });

  test('plainText drops SGR and hyperlinks', () => {
    expect(plainText(`${ESC}[1;31mred${ESC}[0m ${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\`)).toBe('red link');
  });
});

describe('wrapsFromJoined', () => {
  test('tmux 3.4+: -N rows carry extra blank cells, a wide character that did not fit leaves one', () => {
    const rows = ['plain     ', 'red-bg-line         ', 'wrapped-0123456789ab', 'cdef-XYZ  ', '0123456789012345678 ', '中tail    ', 'end'];
    const joined = ['plain', 'red-bg-line', 'wrapped-0123456789abcdef-XYZ', '0123456789012345678中tail', 'end'];
    expect(wrapsFromJoined(rows, joined)).toEqual([false, false, true, false, true, false, false]);
  });

  test('tmux 3.2a: both captures padded to the width', () => {
    const rows = ['plain               ', 'wrapped-0123456789ab', 'cdef-XYZ            ', '                    '];
    const joined = ['plain               ', 'wrapped-0123456789abcdef-XYZ            ', '                    '];
    expect(wrapsFromJoined(rows, joined)).toEqual([false, true, false, false]);
  });

  test('tmux 3.3a: neither padded; three rows of one line', () => {
    expect(wrapsFromJoined(['aaaa', 'bbbb', 'cc', ''], ['aaaabbbbcc', ''])).toEqual([true, true, false, false]);
  });

  test('captures that do not line up give null (every row then ends its line)', () => {
    expect(wrapsFromJoined(['abc', 'def'], ['abc'])).toBeNull();
    expect(wrapsFromJoined(['abc'], ['abc', 'def'])).toBeNull();
    expect(wrapsFromJoined(['abc', 'xyz'], ['abcdef'])).toBeNull();
  });
});

describe('restoreStream with wraps', () => {
  test('a wrapped row continues without a break (soft wrap flag), padding never becomes written cells', async () => {
    const state = { width: 10, height: 3, cursorX: 0, cursorY: 2, cursorVisible: true, alternateOn: false, alternateSavedX: 0, alternateSavedY: 0 };
    const bytes = restoreStream(state, { main: [`${ESC}[42m0123456789`, `abc${ESC}[49m       `, 'z         '], wraps: [true, false, false] });
    const t = new PaneTerminal({ cols: 10, rows: 3 });
    t.write(bytes);
    await t.flush();
    expect(t.buffer.getLine(1)!.isWrapped).toBe(true);
    expect(t.buffer.getLine(2)!.isWrapped).toBe(false);
    // The colour runs across the wrap as in tmux's stream.
    const cell = t.buffer.getNullCell();
    t.buffer.getLine(1)!.getCell(2, cell);
    expect([cell.getChars(), cell.getBgColor()]).toEqual(['c', 2]);
    // Padding is not written: the cells stay empty (tmux has empty cells there too).
    t.buffer.getLine(2)!.getCell(5, cell);
    expect(cell.getChars()).toBe('');
    t.dispose();
  });
});

describe('dropVs16Phantoms (tmux 3.4 captures)', () => {
  test('the blank cell after a VS16-widened narrow character goes, a real space after it stays', () => {
    expect(dropVs16Phantoms('❤️ c ❤️  x')).toBe('❤️c ❤️ x');
    expect(dropVs16Phantoms(`❤️${ESC}[0m ${ESC}[1mc`)).toBe(`❤️${ESC}[0m${ESC}[1mc`);
    // Already two columns without VS16: nothing to drop.
    expect(dropVs16Phantoms('🚀️ x')).toBe('🚀️ x');
    expect(dropVs16Phantoms('plain text')).toBe('plain text');
  });
});
