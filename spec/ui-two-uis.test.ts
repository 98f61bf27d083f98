/**
 * Two UIs on one project (issue 12.2), driven as a person would: a chat takes the size of the
 * UI where it was last focused or typed into, and the first UI's size again as soon as the
 * second UI quits.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

let uis: UiDriver[] = [];
afterEach(() => {
  for (const d of uis.reverse()) disposeUi(d);
  uis = [];
});

// tmux 3.3+: per-window sizes (refresh-client -C @id:WxH); 3.2: the owning UI resizes the window.

describe('two UIs', () => {
  test('the chat follows the UI last typed into, and gets the first UI size back when the second quits', async () => {
    const a = makeUiDriver({ width: 160, height: 45 });
    uis.push(a);
    expect(a.cli('chat', 'new', '--executor', 'cmd', '--name', 'shared', '--', 'cat').code).toBe(0);
    a.start();
    await a.waitScreen(/shared • cmd • running/);
    const windowSize = (): string => a.tmux('display-message', '-p', '-t', '=' + sessionOf(a) + ':', '#{window_width}x#{window_height}').trim();
    const big = await waitFor(() => (/^\d+x\d+$/.test(windowSize()) ? windowSize() : null), 5000, 'size');
    const [bw] = big.split('x').map(Number);
    expect(bw).toBeGreaterThan(100);

    const b = makeUiDriver({ project: a.project, socket: a.socket, session: 'ui2', width: 100, height: 30 });
    uis.push(b);
    b.start();
    await b.waitScreen(/shared • cmd • running/);
    // Only opening the second UI does not take the chat from the first.
    await new Promise((r) => setTimeout(r, 500));
    expect(windowSize()).toBe(big);
    // Typing in the second UI: the chat takes its size.
    b.type('x');
    const small = await waitFor(() => (windowSize() !== big ? windowSize() : null), 5000, 'the second UI size');
    expect(Number(small.split('x')[0])).toBeLessThan(bw!);
    // Typing in the first again: its size.
    a.type('y');
    await waitFor(() => windowSize() === big, 5000, `the first UI size again (now ${windowSize()})`);
    b.type('z');
    await waitFor(() => windowSize() === small, 5000, `the second UI size again (now ${windowSize()})`);
    // The second UI quits (leaving the chat running): the chat is the first UI's size at once.
    b.keys('C-o', 'q');
    await b.waitScreen('You have 1 active chat.');
    b.keys('a');
    await waitFor(() => b.exitCode() !== null, 8000, 'second UI exit');
    await waitFor(() => windowSize() === big, 3000, `the first UI size after the second quit (now ${windowSize()})`);
  }, 60000);
});

function sessionOf(d: UiDriver): string {
  return d.tmux('list-sessions', '-F', '#{session_name}').split('\n').find((n) => n.startsWith('wg-chat-'))!;
}
