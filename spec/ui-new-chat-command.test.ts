/**
 * The new-chat dialog's command line is split as a shell splits words (lib/ui/shell-words.ts):
 * `sh -c 'echo "hello world"; exec cat'` runs as typed (it was split on every space, and the
 * chat died at once with `Syntax error: Unterminated quoted string`); an unterminated quote is
 * said in the dialog, nothing is created.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { shellWords } from '../lib/ui/shell-words';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

describe('shell words', () => {
  test('quotes and backslashes as in a POSIX shell, nothing expanded', () => {
    expect(shellWords(`sh -c 'echo "hello world"; exec cat'`)).toEqual(['sh', '-c', 'echo "hello world"; exec cat']);
    expect(shellWords(`  a  "b c"  d\\ e '' "" `)).toEqual(['a', 'b c', 'd e', '', '']);
    expect(shellWords(`"a \\"q\\" \\\\ \\$x \\n" 'it''s' $HOME`)).toEqual(['a "q" \\ $x \\n', 'its', '$HOME']);
    expect(shellWords('x"y z"w')).toEqual(['xy zw']);
    expect(shellWords('')).toEqual([]);
    expect(() => shellWords(`sh -c 'oops`)).toThrow("unterminated ' quote");
    expect(() => shellWords(`say "hi`)).toThrow('unterminated " quote');
  });
});

describe('new chat dialog: command', () => {
  test('a quoted command line runs as typed; an unterminated quote is said in the dialog', async () => {
    const d = makeUiDriver({ width: 120, height: 30 });
    ui = d;
    d.start();
    await d.waitScreen('Welcome to chatmux');
    const toCommand = (): void => {
      d.keys('n');
      d.keys('Right'); // shell → cmd
      for (let i = 0; i < 6; i++) d.keys('Tab');
    };
    toCommand();
    await d.waitScreen(/New chat[\s\S]*executor.*\bcmd\b/);
    d.type(`sh -c 'oops`);
    d.keys('Enter');
    await d.waitScreen("command: unterminated ' quote");
    d.keys('Escape');
    expect(JSON.parse(d.cli('chat', 'list', '--json').stdout)).toEqual([]);
    toCommand();
    d.type(`sh -c 'echo "hello  world"; exec cat'`);
    d.keys('Enter');
    await d.waitScreen(/[x│]hello  world/);
  }, 30000);
});
