/**
 * Issue 14.4 on this machine: the UI's tmux server killed under it (OOM killer, kill-server).
 * The UI says "tmux: reconnecting (attempt N)", connects again by itself (the start brings back
 * the chats the dead server lost) and shows the chat running, with no stale view session.
 */
import { afterEach, expect, test } from '@jest/globals';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

test('tmux server killed under the UI: reconnecting (attempt 1), then the chat is back and typing works', async () => {
  const d = (ui = makeUiDriver());
  expect(d.cli('chat', 'new', '--executor', 'shell', '--name', 'phoenix').code).toBe(0);
  d.start();
  await d.waitScreen(/phoenix • shell • running/, 15000);
  d.tmux('kill-server');
  await d.waitScreen(/tmux: reconnecting \(attempt 1\)/, 5000);
  await d.waitScreen(/tmux: reconnected/, 15000);
  await d.waitScreen(/phoenix • shell • running/, 10000);
  d.type('echo back-$((9*9))');
  d.keys('Enter');
  await d.waitScreen(/back-81/);
  const views = d.tmux('list-sessions', '-F', '#{@chatmux-view}').split('\n').filter((v) => v === '1');
  expect(views.length).toBe(1);
});
