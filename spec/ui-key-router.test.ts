import { describe, expect, test } from '@jest/globals';
import { KeyRouter } from '../lib/ui/key-router';
import type { Ui } from '../lib/ui/ui-context';

/** A UI with one live chat focused in its pane: what the router reads, and what it sent. */
function fakeUi(): { ui: Ui; sent: Buffer[]; state: Record<string, unknown> } {
  const sent: Buffer[] = [];
  const state: Record<string, unknown> = {
    quitting: false, dialog: null, prefixPending: false, focus: 'pane', focusRef: 'chat-1',
    live: {
      get: (ref: string) => (ref === 'chat-1' ? { ref, paneId: '%1', dead: false } : undefined),
      list: () => [],
      sendKeys: async (_ref: string, b: Uint8Array) => void sent.push(Buffer.from(b)),
    },
  };
  const ui = { state, scroll: { active: false }, chrome: { tooSmall: { hidden: true } }, prefixByte: 0x0f, status: { paint() {} } } as unknown as Ui;
  return { ui, sent, state };
}

describe('key router: typed text for the focused chat', () => {
  test('a UTF-8 character cut between two reads reaches the chat byte-exact (not as U+FFFD)', () => {
    const { ui, sent } = fakeUi();
    const r = new KeyRouter(ui);
    const e = Buffer.from('é', 'utf8');
    r.onData(Buffer.from([0x61, e[0]!]));
    r.onData(Buffer.from([e[1]!, 0x62]));
    expect(Buffer.concat(sent).toString('hex')).toBe(Buffer.from('aéb', 'utf8').toString('hex'));
  });

  test('a read goes as one send, in order; the prefix and escape sequences still go through the modes', () => {
    const { ui, sent, state } = fakeUi();
    const r = new KeyRouter(ui);
    r.onData(Buffer.from('hello\r'));
    expect(sent.map((b) => b.toString())).toEqual(['hello\r']);
    // The prefix byte is never forwarded: it arms the prefix.
    r.onData(Buffer.from('x\x0f'));
    expect(sent.map((b) => b.toString())).toEqual(['hello\r', 'x']);
    expect(state.prefixPending).toBe(true);
  });

  test('nothing is forwarded while the tree has focus or the chat is dead', () => {
    const { ui, sent, state } = fakeUi();
    const r = new KeyRouter(ui);
    state.focus = 'tree';
    r.onData(Buffer.from('jk'));
    state.focus = 'pane';
    (state.live as { get: unknown }).get = () => ({ ref: 'chat-1', paneId: '%1', dead: true });
    r.onData(Buffer.from('def'));
    expect(sent).toEqual([]);
  });
});
