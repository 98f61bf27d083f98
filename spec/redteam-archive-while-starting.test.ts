/**
 * Red team (issue 10.3): `chat archive` of a chat whose `chat new` is still starting it.
 * Measured with the real CLI (2 chat new racing an archive, a close, lists, a sweep and a UI's
 * resumeLost): chat new then failed with "tmux pipe-pane: no current target" and recorded the
 * chat as closed "could not start" over the archive — an archived chat came back to the list.
 * Made deterministic: the archive runs when chat new reaches its pipe-pane.
 */
import { afterAll, expect, test } from '@jest/globals';
import { killAllTestServers } from './support/tmux';
import { chatFixture, sessionsOf } from './support/chatmux-cli';
import { makeChatContext } from '../lib/chat/context';
import { archiveChat, createChat } from '../lib/chat/lifecycle';
import { readRegistry } from '../lib/chat/registry';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { TmuxCli, type TmuxRunner } from '../lib/control/exec';

afterAll(() => killAllTestServers());

const { t, p } = chatFixture();

test('an archive that lands while chat new is starting the chat stays archived', async () => {
  const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
  const real = new TmuxCli(chatServerOptions(ctx));
  let archived = false;
  const racing: TmuxRunner = {
    run: async (args) => {
      if (args[0] === 'pipe-pane' && !archived) {
        archived = true;
        await archiveChat(real, ctx, 'chat-1');
      }
      return real.run(args);
    },
  };
  await createChat(racing, ctx, { executor: 'cmd', argv: ['sleep', '600'] }).catch(() => undefined);
  expect(archived).toBe(true);
  const reg = await readRegistry(ctx);
  expect(reg.chats.map((c) => [c.ref, c.state])).toEqual([['chat-1', 'archived']]);
  expect(sessionsOf(t)).toEqual([]);
}, 60_000);
