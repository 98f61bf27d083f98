/**
 * Changes made elsewhere show at once (issue 12.5): a rename, a role, a close and an archive
 * made with the CLI appear in a running UI within a second, with no polling (file and tmux
 * notifications).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';

let ui: UiDriver | null = null;
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

describe('changes made elsewhere', () => {
  test('CLI rename (with role), close and archive reach a running UI within a second', async () => {
    const d = makeUiDriver({ width: 120, height: 30 });
    ui = d;
    for (const n of ['alpha', 'beta']) expect(d.cli('chat', 'new', '--executor', 'cmd', '--name', n, '--', 'cat').code).toBe(0);
    d.start();
    await d.waitScreen(/alpha • cmd • running/);
    await d.waitScreen(/beta cmd running/);
    const within = async (pattern: RegExp, ms: number): Promise<void> => {
      await d.waitScreen(pattern, ms);
    };
    expect(d.cli('chat', 'rename', 'chat-1', 'renamed', '--role', 'boss').code).toBe(0);
    await within(/renamed \[boss\] • cmd • running/, 1000);
    expect(d.cli('chat', 'close', 'chat-2').code).toBe(0);
    await within(/beta cmd closed/, 1000);
    expect(d.cli('chat', 'archive', 'chat-2').code).toBe(0);
    await within(/Chats \(1\)/, 1000);
    expect(d.screen()).not.toContain('beta');
  }, 30000);
});
