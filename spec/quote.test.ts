import { describe, expect, test } from '@jest/globals';
import { QUOTE_VECTORS } from './support/quote-vectors';
import { quoteArg, quoteBytes, commandLine, argvArg, formatLiteral, TmuxArgumentError } from '../lib/control/quote';


describe('quoteArg', () => {
  test.each(QUOTE_VECTORS)('%j', (input, quoted) => {
    expect(quoteArg(input)).toBe(quoted);
  });
  test('binary bytes', () => {
    expect(quoteBytes(Buffer.from([0x80, 0xff, 0xfe, 0x41, 0xc3]))).toBe("\\200\\377\\376'A'\\303");
  });
  test('NUL is refused', () => {
    expect(() => quoteArg('a\0b')).toThrow(TmuxArgumentError);
  });
  test('lone surrogate is refused', () => {
    expect(() => quoteArg('a\ud800b')).toThrow(TmuxArgumentError);
  });
});

describe('commandLine', () => {
  test('quotes every argument, never the verb', () => {
    expect(commandLine(['send-keys', '-t', '%1', '-l', '--', "it's"])).toBe("send-keys '-t' '%1' '-l' '--' 'it'\\''s'");
  });
  test('refuses a verb that is not a command name', () => {
    expect(() => commandLine(['kill-server;'])).toThrow(TmuxArgumentError);
    expect(() => commandLine([''])).toThrow(TmuxArgumentError);
    expect(() => commandLine([])).toThrow(TmuxArgumentError);
  });
  test('never produces a newline, so one command is one line', () => {
    expect(commandLine(['set-buffer', '--', 'a\nb\r\n'])).not.toMatch(/[\r\n]/);
  });
});

describe('argv mode and formats', () => {
  test('a trailing ; is escaped', () => {
    expect(argvArg('x;')).toBe('x\\;');
    expect(argvArg('x;y')).toBe('x;y');
  });
  test('# is doubled for format-expanded arguments', () => {
    expect(formatLiteral('#(touch x)')).toBe('##(touch x)');
    expect(formatLiteral('a##b')).toBe('a####b');
  });
});
