/** The real UI, driven through an outer tmux with send-keys / capture-pane. */
import { afterEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import { makeUiDriver, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

let ui: UiDriver | null = null;
afterEach(() => {
  ui?.stop();
  // The chat server may still be flushing a log when it dies: retry the removal.
  if (ui) fs.rmSync(ui.project, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  ui = null;
});

/** Chat sessions on chatmux's socket ([] once the server has exited with no sessions). */
function chatSessions(d: UiDriver): string[] {
  let out = '';
  try {
    out = d.tmux('list-sessions', '-F', '#{session_name}');
  } catch {
    return [];
  }
  return out.split('\n').filter((n) => n.startsWith('wg-chat-'));
}

/** An empty project: the welcome screen, then a shell chat with two keystrokes (n, Enter). */
async function freshUiWithShellChat(): Promise<UiDriver> {
  const d = makeUiDriver();
  ui = d;
  d.start();
  await d.waitScreen('Welcome to chatmux');
  d.keys('n');
  await d.waitScreen('New chat');
  d.keys('Enter');
  await d.waitScreen(/shell #1 • shell • running/);
  // The chat shows behind the dialog as soon as tmux has it; the dialog keeps the keys until the
  // creation is done (CI: typing at the first sight of the label went into the closing dialog).
  await waitFor(() => !d.screen().includes('New chat'), 15000, 'the new-chat dialog to close');
  return d;
}

describe('chatmux UI end to end', () => {
  test('empty folder: welcome, then a shell chat with two keystrokes; typing echoes; quit without chats is immediate', async () => {
    ui = await freshUiWithShellChat();
    ui.type('echo typed-$((40+2))');
    ui.keys('Enter');
    await ui.waitScreen('typed-42');
    expect(chatSessions(ui).length).toBe(1);
    // Closing the only chat leaves none running: quit exits at once.
    ui.keys('C-o', 'x');
    await ui.waitScreen(/shell #1 • shell • closed/);
    ui.keys('C-o', 'q');
    await waitFor(() => ui!.exitCode() !== null, 5000, 'exit');
    expect(ui.exitCode()).toBe(0);
    expect(chatSessions(ui)).toEqual([]);
  });

  test('Alt+→ moves to the next chat by name; a chat created elsewhere appears by name', async () => {
    ui = makeUiDriver();
    expect(ui.cli('chat', 'new', '--executor', 'cmd', '--name', 'alpha', '--', 'sh', '-c', 'echo ALPHA-SCREEN; exec cat').code).toBe(0);
    expect(ui.cli('chat', 'new', '--executor', 'cmd', '--name', 'beta', '--role', 'review', '--', 'sh', '-c', 'echo BETA-SCREEN; exec cat').code).toBe(0);
    ui.start();
    await ui.waitScreen(/alpha • cmd • running[\s\S]*ALPHA-SCREEN/);
    ui.keys('M-Right');
    await ui.waitScreen(/beta \[review\] • cmd • running[\s\S]*BETA-SCREEN/);
    ui.keys('M-Right'); // wraps
    await ui.waitScreen(/alpha • cmd • running/);
    ui.keys('M-Left');
    await ui.waitScreen(/beta \[review\] • cmd/);
    expect(ui.cli('chat', 'new', '--executor', 'cmd', '--name', 'gamma 🚀', '--', 'sh', '-c', 'echo GAMMA-SCREEN; exec cat').code).toBe(0);
    await ui.waitScreen(/gamma 🚀/);
    ui.keys('M-Right');
    await ui.waitScreen(/gamma 🚀 • cmd • running[\s\S]*GAMMA-SCREEN/);
  });

  test('exit prompt: Esc cancels, s chooses per chat, a leaves all, c closes all', async () => {
    ui = makeUiDriver();
    for (const n of ['one', 'two']) expect(ui.cli('chat', 'new', '--executor', 'cmd', '--name', n, '--', 'cat').code).toBe(0);
    ui.start();
    await ui.waitScreen(/one • cmd • running/);
    ui.keys('C-o', 'q');
    await ui.waitScreen('You have 2 active chats.');
    ui.keys('Escape');
    await waitFor(() => !ui!.screen().includes('You have 2 active chats.'), 5000, 'prompt closed');
    // per chat: close "one", leave "two"
    ui.keys('C-o', 'q');
    await ui.waitScreen('You have 2 active chats.');
    ui.keys('s');
    await ui.waitScreen(/\[l\] leave/);
    ui.keys('c');
    ui.keys('l');
    await waitFor(() => ui!.exitCode() !== null, 8000, 'exit');
    expect(ui.exitCode()).toBe(0);
    const list = JSON.parse(ui.cli('chat', 'list', '--json').stdout) as Array<{ name: string; lifecycle: string }>;
    expect(list.map((c) => `${c.name}:${c.lifecycle}`).sort()).toEqual(['one:closed', 'two:running']);
    expect(chatSessions(ui).length).toBe(1);
    // a: leave all
    ui.start();
    await ui.waitScreen(/two • cmd • running/);
    ui.keys('C-o', 'q');
    await ui.waitScreen('You have 1 active chat.');
    ui.keys('a');
    await waitFor(() => ui!.exitCode() !== null, 8000, 'exit');
    expect(chatSessions(ui).length).toBe(1);
    expect(chatSessions(ui).join(' ')).not.toContain('chatmux-view');
    expect(ui.tmux('list-sessions', '-F', '#{session_name}')).not.toContain('chatmux-view');
    // c: close all
    ui.start();
    await ui.waitScreen(/two • cmd • running/);
    ui.keys('C-o', 'q');
    await ui.waitScreen('You have 1 active chat.');
    ui.keys('c');
    await waitFor(() => ui!.exitCode() !== null, 8000, 'exit');
    expect(chatSessions(ui)).toEqual([]);
  });

  test('SIGKILL the UI: the chat lives on; the next start shows its earlier output', async () => {
    ui = await freshUiWithShellChat();
    ui.type('echo before-kill-$((7*6))');
    ui.keys('Enter');
    await ui.waitScreen('before-kill-42');
    const pid = ui.uiPid();
    expect(pid).not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => ui!.exitCode() !== null, 5000, 'UI gone');
    expect(chatSessions(ui).length).toBe(1);
    // Output produced while no UI was running is there too.
    ui.cli('chat', 'send', 'chat-1', 'echo while-away-$((50+5))');
    ui.start();
    await ui.waitScreen(/before-kill-42[\s\S]*while-away-55/);
  });
});
