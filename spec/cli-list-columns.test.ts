/**
 * `chatmux chat list` lines its columns up on the terminal whatever the names: a name in 日本語
 * or with 🚀 takes two columns a character (it was padded by characters, so every column
 * after such a name stood off by one per wide character).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { columns } from '../lib/cli/columns';
import { chatFixture, FAKE_AGENT, runChatmux } from './support/chatmux-cli';
import { killAllTestServers } from './support/tmux';

afterAll(() => killAllTestServers());

describe('chat list columns', () => {
  const { g } = chatFixture();

  test('rows with wide names line up with the header', async () => {
    for (const name of ['plain', '日本 🚀 ok', 'e\u0301clair']) {
      expect(await runChatmux([...g, 'chat', 'new', '--executor', 'cmd', '--name', name, '--', FAKE_AGENT])).toMatchObject({ code: 0 });
    }
    const r = await runChatmux([...g, 'chat', 'list']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    // Display columns before the executor column, counted here by hand: 日 本 🚀 are two each, the accent none.
    const wide = (s: string): number => [...s].reduce((n, ch) => n + (/[日本🚀]/u.test(ch) ? 2 : ch === '\u0301' ? 0 : 1), 0);
    const at = wide(header!.slice(0, header!.indexOf('EXECUTOR')));
    expect(rows.length).toBe(3);
    for (const row of rows) expect(wide(row.slice(0, row.indexOf(' cmd ') + 1))).toBe(at);
  }, 30000);

  test('column widths: wide characters two, combining marks and joiners none', () => {
    expect(columns('abc')).toBe(3);
    expect(columns('日本語')).toBe(6);
    expect(columns('🚀 x')).toBe(4);
    expect(columns('e\u0301')).toBe(1);
    expect(columns('한국어')).toBe(6);
    expect(columns('❤\ufe0f')).toBe(1);
  });
});
