/**
 * Red team (issue 10.1): the registry AND its backup damaged. With chats.json missing and
 * chats.json.bak corrupt, `chat list` printed "no chats" and wrote an empty registry over both:
 * every running chat's session became an orphan, the bad backup was gone for inspection.
 */
import { afterAll, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAllTestServers } from './support/tmux';
import { chatFixture, runChatmux } from './support/chatmux-cli';

afterAll(() => killAllTestServers());

const { t, p, g } = chatFixture();

/** Fresh chats in a fresh state dir (the server of an earlier case killed). */
async function twoChats(): Promise<string[]> {
  try {
    t.tmux('kill-server');
  } catch {
    /* first case: no server yet */
  }
  fs.rmSync(p.stateDir, { recursive: true, force: true });
  const refs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await runChatmux([...g, 'chat', 'new', '--', 'sleep', '600']);
    expect(res).toMatchObject({ code: 0 });
    refs.push(res.stdout.trim());
  }
  return refs;
}

test('chats.json and its backup both deleted: chat list rebuilds the running chats from tmux (it said "no chats")', async () => {
  const refs = await twoChats();
  for (const f of ['chats.json', 'chats.json.bak']) fs.rmSync(path.join(p.stateDir, f));
  const listed = await runChatmux([...g, 'chat', 'list', '--all', '--json']);
  expect(listed).toMatchObject({ code: 0 });
  expect((JSON.parse(listed.stdout) as { ref: string; lifecycle: string }[]).map((c) => [c.ref, c.lifecycle])).toEqual(refs.map((r) => [r, 'running']));
}, 60_000);

test.each([
  ['missing', (f: string) => fs.rmSync(f)],
  ['corrupt', (f: string) => fs.writeFileSync(f, '{"version": 1, "chats": [ oops')],
])('chats.json %s and its backup corrupt: running chats are rebuilt from tmux, both bad files kept', async (_what, damage) => {
  const refs = await twoChats();
  damage(path.join(p.stateDir, 'chats.json'));
  fs.writeFileSync(path.join(p.stateDir, 'chats.json.bak'), 'garbage\n');
  const listed = await runChatmux([...g, 'chat', 'list', '--all', '--json']);
  expect(listed).toMatchObject({ code: 0 });
  expect(listed.stderr).toMatch(/its backup was unreadable too \(kept as chats\.json\.bak\.corrupt-/);
  expect((JSON.parse(listed.stdout) as { ref: string; lifecycle: string }[]).map((c) => [c.ref, c.lifecycle])).toEqual(refs.map((r) => [r, 'running']));
  const kept = fs.readdirSync(p.stateDir).filter((f) => f.startsWith('chats.json.bak.corrupt-'));
  expect(kept.map((f) => fs.readFileSync(path.join(p.stateDir, f), 'utf8'))).toEqual(['garbage\n']);
}, 60_000);
