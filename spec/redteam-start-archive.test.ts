/**
 * Red team (chaos sweep): `chat start` racing `chat archive` or `chat close` on the same chat.
 * openChat started the session outside the registry lock and wrote `running` after it: an
 * archive landing in between (exit 0) was undone — in 8 of 12 CLI rounds the archived chat ran
 * again (its session up, or killed by the archive and resumed by the next list). Now the start
 * runs under the lock: a stop before it is refused or honoured, a stop after it kills what it
 * started. And a start whose `running` could not be written (a full disk, chaos round 48) left
 * its session up under a chat recorded closed: exit 1, yet the chat ran. And kill -9 of
 * `chat start` between its session and its record left a closed chat running for good (1 of
 * 16 kills at 340–940 ms); the start now records its pid first, and the next list finishes or
 * clears it. Real tmux; the library calls the CLI makes.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { chatFixture, sessionsOf } from './support/chatmux-cli';
import { killAllTestServers } from './support/tmux';
import { makeChatContext } from '../lib/chat/context';
import { archiveChat, closeChat, createChat, openChat } from '../lib/chat/lifecycle';
import { readRegistry, updateRegistry, withRegistryFs } from '../lib/chat/registry';
import { spawnSync } from 'node:child_process';
import { realFs, type FsSeam } from '../lib/chat/atomic-write';
import { startChat } from '../lib/chat/restart';
import { resumeLost } from '../lib/chat/chat-resume';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { TmuxCli } from '../lib/control/exec';

afterAll(() => killAllTestServers());

describe('chat start racing a stop', () => {
  const { t, p } = chatFixture();

  test.each(['archive', 'close'] as const)('start racing %s at 0–70 ms: the stop is never undone (state running ⇔ session live; a finished archive stays archived)', async (stop) => {
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
    const r = new TmuxCli(chatServerOptions(ctx));
    const bad: string[] = [];
    for (let i = 0; i < 8; i++) {
      const chat = await createChat(r, ctx, { executor: 'cmd', argv: ['cat'] });
      await closeChat(r, ctx, chat.ref);
      const started = startChat(r, ctx, chat.ref).then(() => 'started', (e: Error) => e.message);
      await new Promise((res) => setTimeout(res, i * 10));
      await (stop === 'archive' ? archiveChat(r, ctx, chat.ref) : closeChat(r, ctx, chat.ref));
      const startOutcome = await started;
      // What a later `chat list` does: it must not bring a stopped chat back.
      await resumeLost(r, ctx);
      const rec = (await readRegistry(ctx)).chats.find((c) => c.ref === chat.ref)!;
      const live = sessionsOf(t).includes(rec.session);
      if (stop === 'archive' && rec.state !== 'archived') bad.push(`${chat.ref} +${i * 10}ms: archived, then ${rec.state} (start: ${startOutcome})`);
      if ((rec.state === 'running') !== live) bad.push(`${chat.ref} +${i * 10}ms: ${rec.state} with session ${live ? 'live' : 'gone'} (start: ${startOutcome})`);
    }
    expect(bad).toEqual([]);
  }, 60_000);
});

describe('a start that cannot record itself', () => {
  const { t, p } = chatFixture();

  test('chat start / attach of a closed chat on a full disk: exit with the error, no session left, still closed', async () => {
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
    const r = new TmuxCli(chatServerOptions(ctx));
    const chat = await createChat(r, ctx, { executor: 'cmd', argv: ['cat'] });
    await closeChat(r, ctx, chat.ref);
    const full: FsSeam = {
      ...realFs,
      writeSync: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    for (const start of [() => openChat(r, ctx, chat.ref), () => startChat(r, ctx, chat.ref)]) {
      await expect(withRegistryFs(full, start)).rejects.toThrow(/no space left on device/);
      expect(sessionsOf(t)).not.toContain(chat.session);
      expect((await readRegistry(ctx)).chats.find((c) => c.ref === chat.ref)?.state).toBe('closed');
    }
  });
});

describe('a chat start killed half-way', () => {
  const { t, p } = chatFixture();

  test('its pid recorded on a closed chat: with the session up the next list finishes its setup and says running; without, the chat stays closed and the pid goes', async () => {
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
    const r = new TmuxCli(chatServerOptions(ctx));
    const a = await createChat(r, ctx, { executor: 'cmd', argv: ['cat'] });
    const b = await createChat(r, ctx, { executor: 'cmd', argv: ['cat'] });
    for (const c of [a, b]) await closeChat(r, ctx, c.ref);
    // A starter that has ended, as kill -9 leaves it: its pid in the record; a's session up, bare
    // (new-session done, no options or output pipe yet).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await updateRegistry(ctx, (reg) => {
      for (const c of reg.chats) Object.assign(c, { starterPid: Number(dead), pidStart: '1' });
    });
    t.tmux('new-session', '-d', '-s', a.session, 'cat');
    const report = await resumeLost(r, ctx);
    expect(report.repaired.map((x) => x.what)).toEqual([
      `chat start (pid ${dead}) was interrupted after starting its session; finished its setup`,
      `chat start (pid ${dead}) was interrupted before its session started; still closed`,
    ]);
    const reg = await readRegistry(ctx);
    expect(reg.chats.map((c) => [c.ref, c.state, c.starterPid])).toEqual([[a.ref, 'running', null], [b.ref, 'closed', null]]);
    expect(t.tmux('show-options', '-v', '-t', `=${a.session}:`, '@chatmux-owner').trim()).toBe(ctx.owner);
    expect(t.tmux('display-message', '-p', '-t', `=${a.session}:`, '#{pane_pipe}').trim()).toBe('1');
    expect(sessionsOf(t)).not.toContain(b.session);
  });
});
