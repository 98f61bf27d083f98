/**
 * The UI's chats keep (and restore) a short scrollback: older lines stay in tmux, where scroll
 * mode reads them (spec/ui-scroll.test.ts). A restore of 1,000 lines made showing a chat off
 * screen take 0.16–0.20 s and delayed the start (issue 15.4).
 */
import { describe, expect, jest, test } from '@jest/globals';
import { lazy } from '../lib/ui/lazy-chat';
import { LiveWiring, UI_SCROLLBACK } from '../lib/ui/live-wiring';
import type { Ui } from '../lib/ui/ui-context';
import type { LiveOptions } from '../lib/chat/live-types';

describe('the UI connects its chats', () => {
  test('with a scrollback of at most 200 lines per emulator', async () => {
    let options: LiveOptions | null = null;
    const start = (_sources: unknown, opts: () => LiveOptions): Promise<never> => {
      options = opts();
      return Promise.reject(new Error('not connecting in this test'));
    };
    const multi = jest.spyOn(lazy, 'multi').mockReturnValue({ MultiChats: { start } } as unknown as ReturnType<typeof lazy.multi>);
    const ui = { geometry: { cols: () => 80, rows: () => 24 }, ctx: { project: '/p', stateDir: '/p/.chatmux', socket: 'x' }, o: { env: {} } } as unknown as Ui;
    try {
      await expect(new LiveWiring(ui).connect()).rejects.toThrow('not connecting');
    } finally {
      multi.mockRestore();
    }
    expect(UI_SCROLLBACK).toBeLessThanOrEqual(200);
    expect(options).toMatchObject({ scrollback: UI_SCROLLBACK, pauseHidden: true, width: 80, height: 24 });
  });
});
