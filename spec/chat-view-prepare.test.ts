/**
 * The steps before a UI connects (sweep, clean-up, resume, tmux -V) can start ahead, while the
 * UI loads (issue 15.4): a chat lost with a dead server is back before anything connects, and
 * the connection that follows takes that work instead of doing it again.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { createChat } from '../lib/chat/lifecycle';
import { LiveChats } from '../lib/chat/live';
import { localHost } from '../lib/chat/host';
import { listSessions } from '../lib/control/commands';
import { startAhead, takeAhead } from '../lib/chat/view-prepare';
import { killAllTestServers, waitFor } from './support/tmux';
import { chatProject, removeChatProjects } from './support/chat-project';

afterAll(() => {
  killAllTestServers();
  removeChatProjects();
});

describe('startAhead', () => {
  test('a lost chat is resumed before the UI connects; connecting takes that work, once', async () => {
    const s = chatProject('ahead');
    const other = chatProject('ahead-other');
    const chat = await createChat(s.cli, s.ctx, { executor: 'cmd', name: 'lost', argv: ['cat'] });
    s.kill(); // the server dies: the chat is lost until something resumes it
    const warned: string[] = [];
    const ctx = { ...s.ctx, warn: (m: string) => void warned.push(m) };
    startAhead(ctx);
    // Another project's connection does not take this one's work.
    expect(takeAhead(other.ctx, process.env, localHost(other.ctx))).toBeNull();
    const chatSessions = async (): Promise<string[]> =>
      (await listSessions(s.cli).catch(() => [])).map((x) => x.name).filter((n) => n === chat.session);
    await waitFor(async () => ((await chatSessions()).length === 1 ? true : null), 10_000, 'resumed ahead');
    const live = await LiveChats.start(ctx, { width: 80, height: 24 });
    try {
      expect(live.get(chat.ref)?.paneId).toBeTruthy();
      // Resumed once (a second resume would have found it running anyway, but not run again).
      expect(await chatSessions()).toHaveLength(1);
      // Taken: a later connection (a reconnect) does the steps itself.
      expect(takeAhead(ctx, process.env, localHost(ctx))).toBeNull();
      expect(warned).toEqual([]);
    } finally {
      await live.leaveAll();
    }
  }, 60_000);
});
