/** The output log as the text the pane showed (lib/chat/screen-text.ts). */
import { describe, expect, test } from '@jest/globals';
import { ScreenText, screenText } from '../lib/chat/screen-text';

const PROMPT = 'root@vm:/tmp/proj# ';
const CUF = '\x1b[C';
/** What bash 5.2 wrote to the pane for `printf 'echo from-stdin-1\necho from-stdin-2\n' | chatmux chat send`:
 * the paste drawn highlighted, then redrawn in place after moving up (ESC M) and right (ESC [C). */
const BASH_PASTE =
  `\x1b[?2004h${PROMPT}\x1b[7mecho from-stdin-1\x1b[27m\r\n\r\x1b[7mecho from-stdin-2\x1b[27m\x1bM${CUF.repeat(PROMPT.length - 'echo from-stdin-2'.length)}` +
  `echo from-stdin-1\r\n\recho from-stdin-2\r\n\x1b[?2004l\rfrom-stdin-1\r\nfrom-stdin-2\r\n\x1b[?2004h${PROMPT}`;

describe('screen text', () => {
  test('a redrawn bracketed paste shows its lines once, in order, not glued together', () => {
    expect(screenText(BASH_PASTE)).toBe(`${PROMPT}echo from-stdin-1\necho from-stdin-2\nfrom-stdin-1\nfrom-stdin-2\n${PROMPT.trimEnd()}\n`);
  });

  test('the same bytes cut anywhere (escape sequences, surrogate pairs) give the same text', () => {
    const raw = `${BASH_PASTE}\x1b]0;title\x07🚀 wide\r\n`;
    const whole = screenText(raw);
    const s = new ScreenText();
    for (const ch of raw) s.write(ch);
    expect(s.text()).toBe(whole);
  });

  test('carriage return, erase, backspace, tabs, colours and titles', () => {
    expect(screenText('\x1b[1;31mred\x1b[0m plain\r\n\x1b]0;title\x07next\rover\n')).toBe('red plain\nover\n');
    expect(screenText('progress 10%\rprogress 100%\r\n')).toBe('progress 100%\n');
    expect(screenText('abcdef\r\x1b[Kxy\n')).toBe('xy\n');
    expect(screenText('abcdef\x1b[3D\x1b[K!\n')).toBe('abc!\n');
    expect(screenText('ab\bX\n')).toBe('aX\n');
    expect(screenText('a\tb\n')).toBe('a       b\n');
    // delete / insert / erase characters (line editors use them)
    expect(screenText('hello\x1b[3D\x1b[2P\n')).toBe('heo\n');
    expect(screenText('hello\x1b[3D\x1b[2@\n')).toBe('he  llo\n');
  });

  test('wide characters take two columns; combining marks stay with their letter', () => {
    expect(screenText('日本x\r\x1b[4Cy\n')).toBe('日本y\n');
    expect(screenText('e\u0301t\u00e9\n')).toBe('e\u0301t\u00e9\n');
  });

  test('full-screen programs (alternate screen) are left out; a cleared screen stays in the log', () => {
    expect(screenText('before\r\n\x1b[?1049h\x1b[2J\x1b[Hvim screen\x1b[10;1Hmore\x1b[?1049lafter\r\n')).toBe('before\nafter\n');
    expect(screenText('one\r\ntwo\r\n\x1b[H\x1b[2Jthree\r\n')).toBe('one\ntwo\nthree\n');
  });

  test('insert and delete lines; a full reset leaves the alternate screen', () => {
    expect(screenText('a\r\nb\r\nc\x1b[2;1H\x1b[Lnew\r\n')).toBe('a\nnew\nb\nc\n');
    expect(screenText('a\r\nb\r\nc\x1b[2;1H\x1b[M')).toBe('a\nc\n');
    expect(screenText('a\r\n\x1b[?1049hhidden\x1bcshown\r\n')).toBe('a\nshown\n');
  });

  test('the cursor stays on the screen: moving up past its top stops there', () => {
    const s = new ScreenText(3);
    s.write('1\r\n2\r\n3\r\n4\r\n5');
    s.write('\x1b[10AX');
    expect(s.text()).toBe('1\n2\n3X\n4\n5\n');
  });

  test('following: a line is returned once the output has moved below it', () => {
    const s = new ScreenText(3);
    s.write('one\r\ntw');
    expect(s.takeFinished()).toEqual(['one']);
    s.write('o\r\nthree\r\nfour\r\nfive\r\n');
    expect(s.takeFinished()).toEqual(['two', 'three', 'four', 'five']);
    expect(s.takeFinished()).toEqual([]);
    s.write('six');
    expect(s.takeFinished()).toEqual([]);
  });
});
