/**
 * Issue 11.2, R in the UI (LiveChats.restartChat) on a dead claude chat: with the scripted
 * stand-in fixtures/fake-claude, which like claude 2.1.328 refuses `--resume` of a session
 * without messages ("No conversation found with session ID …", exit 1) and reports its session
 * through the `--settings` hooks chatmux gives it.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStub } from '../fixtures/stub-server';
import { TmuxCli } from '../lib/control/exec';
import { makeChatContext } from '../lib/chat/context';
import { getChat } from '../lib/chat/chat-record';
import { createChat } from '../lib/chat/lifecycle';
import { LiveChats } from '../lib/chat/live';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { killAllTestServers, testSocketName, waitFor } from './support/tmux';

const FAKE_CLAUDE = path.resolve(__dirname, '..', 'fixtures', 'fake-claude');
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-restart-')));
afterAll(() => {
  killAllTestServers();
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

const screenOf = (live: LiveChats, ref: string): string => {
  const t = live.terminal(ref);
  return t ? Array.from({ length: t.rows }, (_, i) => t.rowText(i)).join('\n') : '';
};

describe('R on a dead claude chat', () => {
  test('without a turn it comes back running with a new session; with one it resumes the session claude reported', async () => {
    const stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
    const ctx = makeChatContext({ project: root, stateDir: path.join(root, '.chatmux'), socket: testSocketName(), warn: () => {} });
    const env = { ...process.env, CHATMUX_CLAUDE_BIN: FAKE_CLAUDE, FAKE_AGENT_HOME: path.join(root, 'agent-home') };
    const cli = new TmuxCli(chatServerOptions(ctx));
    const idle = await createChat(cli, ctx, { executor: 'claude', name: 'idle', endpoint: stub.url }, env);
    const busy = await createChat(cli, ctx, { executor: 'claude', name: 'busy', endpoint: stub.url }, env);
    const live = await LiveChats.start(ctx, { width: 100, height: 30, env });
    try {
      await live.show([{ ref: idle.ref, cols: 100, rows: 14 }, { ref: busy.ref, cols: 100, rows: 14 }]);
      await waitFor(() => screenOf(live, busy.ref).includes('you>'), 10_000, 'busy ready');
      await live.sendKeys(busy.ref, Buffer.from('first words\r'));
      await waitFor(() => screenOf(live, busy.ref).includes('echo: first words'), 10_000, 'busy reply');
      const sessionOf = (ref: string): string => /session ([0-9a-f-]{36})/.exec(screenOf(live, ref))![1]!;
      const [idleSession, busySession] = [sessionOf(idle.ref), sessionOf(busy.ref)];
      for (const c of [idle, busy]) {
        await live.sendKeys(c.ref, Buffer.from('/exit\r'));
        await waitFor(() => live.get(c.ref)?.dead, 10_000, `${c.ref} dead`);
      }

      await live.restartChat(idle.ref);
      await waitFor(() => /session [0-9a-f-]{36}/.test(screenOf(live, idle.ref)), 10_000, 'idle restarted');
      await new Promise((r) => setTimeout(r, 500)); // a refused --resume would exit at once
      expect(live.get(idle.ref)?.dead).toBeFalsy();
      expect(screenOf(live, idle.ref)).not.toContain('No conversation found');
      expect(sessionOf(idle.ref)).not.toBe(idleSession);
      expect((await getChat(ctx, idle.ref)).resumeId).toBeNull();

      await live.restartChat(busy.ref);
      await waitFor(() => screenOf(live, busy.ref).includes('resumed 2 earlier turns'), 10_000, 'busy resumed');
      expect(sessionOf(busy.ref)).toBe(busySession);
      expect((await getChat(ctx, busy.ref)).resumeId).toBe(busySession);
    } finally {
      await live.leaveAll();
      await stub.close();
    }
  }, 60_000);
});
