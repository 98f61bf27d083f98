/**
 * A paste into a nex chat is one message (issue 12.3), driven as a person would: the outer
 * terminal (an outer tmux) pastes with bracketed-paste markers into the UI, the UI pastes into
 * the chat's pane, and nex joins on the markers, not on a timer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { tmuxEnv } from '../lib/control/server';
import { startStub, type Stub } from '../fixtures/stub-server';
import { disposeUi, makeUiDriver, type UiDriver } from './support/ui-driver';

let ui: UiDriver | null = null;
let stub: Stub;
beforeAll(async () => {
  stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => {
  disposeUi(ui);
  ui = null;
});

describe('paste', () => {
  test('a multi-line paste into a nex chat is sent as one message when Enter follows, not line by line', async () => {
    const d = makeUiDriver();
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'nex', '--name', 'nexus', '-m', 'stub-model', '-e', stub.url).code).toBe(0);
    d.start();
    await d.waitScreen(/nexus • nex • running[\s\S]*\/help for help/);
    const outer = (...args: string[]) => execFileSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
    outer('set-buffer', '-b', 'clip', 'paste one\npaste two\npaste three');
    // -p: brackets the paste because the UI asked its terminal for bracketed paste.
    outer('paste-buffer', '-p', '-d', '-b', 'clip', '-t', '=ui:');
    await d.waitScreen(/paste three/);
    await new Promise((r) => setTimeout(r, 400));
    expect(stub.modelRequests()).toHaveLength(0);
    d.keys('Enter');
    await d.waitScreen(/echo: paste one\s[\s\S]*\(messages: 1\)/);
    expect(stub.modelRequests()).toHaveLength(1);
    const msgs = (stub.modelRequests()[0]!.body as { messages: Array<{ content: string }> }).messages;
    expect(msgs[msgs.length - 1]!.content).toBe('paste one\npaste two\npaste three');
  }, 30000);
});
