/**
 * Red team (issues 10.4, 11): a `chat list` killed (SIGKILL) while it brings lost chats back.
 * Measured with the real CLI: kill-server, `chat list`, kill -9 after 2.4 s, `chat list` again:
 * one chat ran with no output pipe (pane_pipe 0), so nothing it printed reached output.log,
 * for as long as it ran; the next lists saw a live session and left it alone.
 * Here the death is made deterministic: the resumer's tmux runner fails at its pipe-pane.
 */
import { afterAll, expect, test } from '@jest/globals';
import { killAllTestServers } from './support/tmux';
import { chatFixture, runChatmux } from './support/chatmux-cli';
import { makeChatContext } from '../lib/chat/context';
import { resumeLost } from '../lib/chat/chat-resume';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { TmuxCli, type TmuxRunner } from '../lib/control/exec';

afterAll(() => killAllTestServers());

const { t, p, g } = chatFixture();

test('a chat whose resumer died between new-session and pipe-pane gets its output log at the next list', async () => {
  for (let i = 0; i < 2; i++) expect(await runChatmux([...g, 'chat', 'new', '--executor', 'shell'])).toMatchObject({ code: 0 });
  t.tmux('kill-server');
  const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
  const real = new TmuxCli(chatServerOptions(ctx));
  // The resumer "dies" at its first pipe-pane: every later tmux command of it fails too.
  let dead = false;
  const dying: TmuxRunner = {
    run: async (args) => {
      if (args[0] === 'pipe-pane') dead = true;
      if (dead) throw new Error('killed');
      return real.run(args);
    },
  };
  await resumeLost(dying, ctx).catch(() => undefined);
  expect(dead).toBe(true);

  const listed = await runChatmux([...g, 'chat', 'list']);
  expect(listed).toMatchObject({ code: 0 });
  const pipes = t.tmux('list-panes', '-a', '-F', '#{session_name} #{pane_dead} #{pane_pipe}').trim().split('\n').sort();
  expect(pipes).toHaveLength(2);
  for (const line of pipes) expect(line).toMatch(/ 0 1$/);
}, 60_000);
