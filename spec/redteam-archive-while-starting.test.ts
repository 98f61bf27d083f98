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
import { readRegistry, withRegistryFs } from '../lib/chat/registry';
import { realFs, type FsSeam } from '../lib/chat/atomic-write';
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

test('chat new whose registry fills up after its draft does not claim "nothing was changed"', async () => {
  const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
  const r = new TmuxCli(chatServerOptions(ctx));
  // The draft's two writes (chats.json and its backup) go through; every later one hits a full disk.
  let opens = 0;
  const filling: FsSeam = {
    ...realFs,
    openSync(file, flags, mode) {
      if (flags === 'wx' && ++opens > 2) {
        const e = new Error('ENOSPC: injected') as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        throw e;
      }
      return realFs.openSync(file, flags, mode);
    },
  };
  const err = await withRegistryFs(filling, () => createChat(r, ctx, { executor: 'cmd', argv: ['sleep', '600'] })).then(() => null, (e: Error) => e);
  // Measured on a tmpfs out of inodes: "could not lock …: no space left on device (ENOSPC); nothing was changed"
  // while chats.json held the new chat as `starting` (until a later list marked it closed).
  expect(err?.message).toMatch(/^could not write .*chats\.json: no space left on device \(ENOSPC\); chat-2 stays recorded as starting until the next chat list marks it closed$/);
  const reg = await readRegistry(ctx);
  expect(reg.chats.find((c) => c.ref === 'chat-2')?.state).toBe('starting');
  expect(sessionsOf(t)).toEqual([]);
}, 60_000);
