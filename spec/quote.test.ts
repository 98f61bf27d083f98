import { describe, expect, test } from '@jest/globals';
import { quoteArg, quoteBytes, commandLine, argvArg, formatLiteral, TmuxArgumentError } from '../lib/control/quote';

/** docs/tmux-control-mode.md §11.5: input → quoted, each verified byte-exact on tmux 3.3a. */
export const QUOTE_VECTORS: Array<[string, string]> = [
  ['plain', "'plain'"],
  ['a b', "'a b'"],
  ["a'b", "'a'\\''b'"],
  ["'", "\\'"],
  ["''", "\\'\\'"],
  ['\\', "'\\'"],
  ['\\\\', "'\\\\'"],
  ['a\\', "'a\\'"],
  [';', "';'"],
  ['a;b', "'a;b'"],
  ['a ; kill-server', "'a ; kill-server'"],
  ['{', "'{'"],
  ['}', "'}'"],
  ['{a}', "'{a}'"],
  ['a}b', "'a}b'"],
  ['#x', "'#x'"],
  ['#{session_name}', "'#{session_name}'"],
  ['#(echo hi)', "'#(echo hi)'"],
  ['%x', "'%x'"],
  ['%1', "'%1'"],
  ['%if', "'%if'"],
  ['%%', "'%%'"],
  ['~', "'~'"],
  ['~root', "'~root'"],
  ['a~b', "'a~b'"],
  ['$HOME', "'$HOME'"],
  ['${HOME}', "'${HOME}'"],
  ['$', "'$'"],
  ['"', `'"'`],
  [`"'"`, `'"'\\''"'`],
  ['-x', "'-x'"],
  ['--', "'--'"],
  ['  ', "'  '"],
  ['', "''"],
  ['a\nb', "'a'\\012'b'"],
  ['\r', '\\015'],
  ['\t', '\\011'],
  ['\u001b[1mbold', "\\033'[1mbold'"],
  ['\u0001\u0002\u001f\u007f', '\\001\\002\\037\\177'],
  ['é', "'é'"],
  ['日本語', "'日本語'"],
  ['😀', "'😀'"],
  ['\\u00e9', "'\\u00e9'"],
  ['\\n', "'\\n'"],
  ['\\e', "'\\e'"],
  ["'; kill-server; '", "\\''; kill-server; '\\'"],
  ['"; kill-server; "', `'"; kill-server; "'`],
  ['x\n kill-server', "'x'\\012' kill-server'"],
  ['\\\n', "'\\'\\012"],
  ["a\\'b", "'a\\'\\''b'"],
  ['#', "'#'"],
  ['##', "'##'"],
];

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
