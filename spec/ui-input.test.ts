import { describe, expect, test } from '@jest/globals';
import { InputTokenizer, parsePrefix, wheelOf, type Token } from '../lib/ui/input';

const tok = (s: string | Buffer, t = new InputTokenizer()): Token[] => t.push(Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'));
const summary = (ts: Token[]) => ts.map((t) => (t.kind === 'key' ? t.name ?? t.alt ?? t.char ?? t.bytes.toString('hex') : t.kind === 'paste' ? `paste:${t.text}` : 'mouse'));

describe('input tokenizer', () => {
  test('plain keys, control keys, arrows (CSI and SS3), alt, pages', () => {
    expect(summary(tok('ab\r\t\x7f\x03 '))).toEqual(['a', 'b', 'enter', 'tab', 'backspace', 'ctrl-c', 'space']);
    expect(summary(tok('\x1b[A\x1bOB\x1b[5~\x1b[6~\x1b[Z'))).toEqual(['up', 'down', 'pageup', 'pagedown', 'backtab']);
    expect(summary(tok('\x1b[1;3D\x1b[1;3C\x1b\x1b[D'))).toEqual(['alt-left', 'alt-right', 'alt-left']);
    expect(summary(tok('\x1b1\x1bx'))).toEqual(['1', 'x']);
    expect(tok('\x1b1')[0]).toMatchObject({ alt: '1' });
    expect(summary(tok('\x1b'))).toEqual(['escape']);
  });
  test('bytes are kept exactly for forwarding (F-keys, unknown CSI, UTF-8)', () => {
    const ts = tok(Buffer.from('\x1b[15~é😀\x1b[200;5u', 'utf8'));
    expect(Buffer.concat(ts.map((t) => (t as { bytes: Buffer }).bytes)).toString('utf8')).toBe('\x1b[15~é😀\x1b[200;5u');
    expect(summary(ts).slice(1, 3)).toEqual(['é', '😀']);
  });
  test('mouse reports are recognised (SGR and X10), never keys', () => {
    expect(summary(tok('\x1b[<0;10;5M\x1b[<0;10;5m\x1b[M !!x'))).toEqual(['mouse', 'mouse', 'mouse', 'x']);
  });
  test('wheel reports: SGR and X10, up and down, modifiers ignored; clicks are not wheels', () => {
    expect(wheelOf(Buffer.from('\x1b[<64;60;10M'))).toEqual({ x: 59, y: 9, rows: -3 });
    expect(wheelOf(Buffer.from('\x1b[<69;1;1M'))).toEqual({ x: 0, y: 0, rows: 3 });
    expect(wheelOf(Buffer.from([0x1b, 0x5b, 0x4d, 96, 33 + 4, 33 + 2]))).toEqual({ x: 4, y: 2, rows: -3 });
    expect(wheelOf(Buffer.from('\x1b[<0;10;5M'))).toBeNull();
  });
  test('a mouse report cut between reads is held back (not an Escape key) until its rest arrives', () => {
    const t = new InputTokenizer();
    expect(summary(t.push(Buffer.from('\x1b[<64;6'), false))).toEqual([]);
    expect(t.pendingBytes).toBe(7);
    expect(summary(t.push(Buffer.from('0;10M'), false))).toEqual(['mouse']);
    expect(t.pendingBytes).toBe(0);
  });
  test('an Escape held back at the end of a read is the Escape key when the next read does not continue a sequence', () => {
    const t = new InputTokenizer();
    expect(summary(t.push(Buffer.from('\x1b'), false))).toEqual([]);
    expect(summary(t.push(Buffer.from('\x0fq'), false))).toEqual(['escape', '0f', 'q']);
    expect(summary(t.push(Buffer.from('\x1b'), false))).toEqual([]);
    expect(summary(t.push(Buffer.from('[A'), false))).toEqual(['up']);
  });
  test('bracketed paste becomes one token, even across chunks', () => {
    const t = new InputTokenizer();
    expect(summary(t.push(Buffer.from('a\x1b[200~line1\nli'), false))).toEqual(['a']);
    expect(summary(t.push(Buffer.from('ne2\x1b[20'), false))).toEqual([]);
    expect(summary(t.push(Buffer.from('1~b')))).toEqual(['paste:line1\nline2', 'b']);
  });
  test('an escape sequence split across chunks waits for the rest', () => {
    const t = new InputTokenizer();
    expect(t.push(Buffer.from('\x1b['), false)).toEqual([]);
    expect(summary(t.push(Buffer.from('1;3C')))).toEqual(['alt-right']);
  });
  test('prefix specs', () => {
    expect(parsePrefix('C-o')).toBe(0x0f);
    expect(parsePrefix('C-a')).toBe(0x01);
    expect(() => parsePrefix('M-x')).toThrow(/prefix must look like/);
  });
});
