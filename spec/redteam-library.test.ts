/**
 * Red team of the library entry (issue 15.6), as a program embedding chatmux (the `wg` TUI)
 * and an attacker would use it: values passed straight to the library functions, with none
 * of the CLI's own checks in front. Bad input must give a ChatInputError and change nothing
 * (registry bytes, tmux sessions); hostile but valid text must be stored exactly and never
 * run. Everything on private tmux sockets.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ChatInputError, ChatStateError, archiveChat, askChat, chatPane, closeChat, createChat, listChats, makeChatContext, openChat, readRegistry, registryPath, renameChat,
  sendToChat, startChat, type ChatContext, type NewChatInput,
} from '../lib/api/chats';
import { capturePane, ControlClient, linkWindow, newSession, TmuxArgumentError, TmuxCli, TmuxClosedError, TmuxCommandError, TmuxNotFoundError } from '../lib/api/control';
import { LiveChats } from '../lib/api/live';
import { RegistryWriteRefused, updateRegistry } from '../lib/chat/registry';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { chatProject, removeChatProjects } from './support/chat-project';
import { runChatmux } from './support/chatmux-cli';
import { filesUnder, watchArgv } from './support/secrets';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

afterAll(() => {
  killAllTestServers();
  removeChatProjects();
});

/** A value of the wrong type, as plain JavaScript may pass it (TypeScript would refuse). */
const any = (v: unknown) => v as never;

const canaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-libred-canary-'));
afterAll(() => fs.rmSync(canaryDir, { recursive: true, force: true }));
const canary = path.join(canaryDir, 'ran');

/** What a refused call must leave alone: the registry's bytes and the server's sessions. */
function snapshot(ctx: ChatContext, cli: TmuxCli): Promise<[string | null, string[]]> {
  const reg = fs.existsSync(registryPath(ctx)) ? fs.readFileSync(registryPath(ctx), 'utf8') : null;
  return cli.run(['list-sessions', '-F', '#{session_id} #{session_name} #{@chatmux-name}']).then((out) => [reg, out]);
}

describe('hostile values passed straight to the chat functions', () => {
  const p = chatProject('libred');
  let ref = '';
  beforeAll(async () => {
    ref = (await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sh'], name: 'first' })).ref;
  }, 20_000);

  const refused: [string, () => Promise<unknown>][] = [
    ['an unknown executor', () => createChat(p.cli, p.ctx, { executor: any('bash'), argv: ['sh'] })],
    ['a name that is a number', () => createChat(p.cli, p.ctx, { executor: 'shell', name: any(42) })],
    ['a role that is an object', () => createChat(p.cli, p.ctx, { executor: 'shell', role: any({ toString: () => 'x' }) })],
    ['argv as one string', () => createChat(p.cli, p.ctx, { executor: 'cmd', argv: any('sh -c id') })],
    ['argv holding a number', () => createChat(p.cli, p.ctx, { executor: 'cmd', argv: any(['sh', 5]) })],
    ['a model that is a number', () => createChat(p.cli, p.ctx, { executor: 'shell', model: any(7) })],
    ['a parent that is a number', () => createChat(p.cli, p.ctx, { executor: 'shell', parent: any(1) })],
    ...(['NaN', '-5', '0', '1.5', '1e9'] as const).map((w): [string, () => Promise<unknown>] => [`width ${w}`, () => createChat(p.cli, p.ctx, { executor: 'shell', width: Number(w) })]),
    ['height Infinity', () => createChat(p.cli, p.ctx, { executor: 'shell', height: Infinity })],
    // Echoed whole before: a 1 MB error message.
    ['a 1 MB model', () => createChat(p.cli, p.ctx, { executor: 'shell', model: 'm'.repeat(1_000_000) })],
    ['a 1 MB key variable name', () => createChat(p.cli, p.ctx, { executor: 'shell', apiKeyEnv: 'K'.repeat(1_000_000) })],
    ['rename to undefined', () => renameChat(p.cli, p.ctx, ref, any(undefined))],
    ['rename with a null role', () => renameChat(p.cli, p.ctx, ref, 'x', any(null))],
    ['startChat at width -1', () => startChat(p.cli, p.ctx, ref, { width: -1 })],
    ['openChat at height 1e6', () => openChat(p.cli, p.ctx, ref, { height: 1e6 })],
    ['send a number', () => sendToChat(p.cli, p.ctx, ref, any(12))],
    ['send text holding NUL', () => sendToChat(p.cli, p.ctx, ref, `echo a\0; touch ${canary}`)],
    ['ask with no message', () => askChat(p.ctx, ref, any({}))],
    ['ask with a negative timeout', () => askChat(p.ctx, ref, { message: 'hi', timeoutMs: -1 })],
  ];
  test.each(refused)('%s: ChatInputError, registry and tmux unchanged', async (_what, call) => {
    const before = await snapshot(p.ctx, p.cli);
    const err = await call().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ChatInputError);
    expect((err as Error).message).not.toMatch(/[\n\r\x1b]/);
    expect((err as Error).message.length).toBeLessThan(500);
    expect(await snapshot(p.ctx, p.cli)).toEqual(before);
    expect((await readRegistry(p.ctx)).chats.map((c) => [c.ref, c.state])).toEqual([[ref, 'running']]);
  });

  test('a 1 MB ref full of escapes: one short escaped line, nothing changed', async () => {
    const before = await snapshot(p.ctx, p.cli);
    const hostile = '\x1b]0;HACKED\x07\n' + 'y'.repeat(1_000_000);
    for (const call of [closeChat, archiveChat, (r: TmuxCli, c: ChatContext, x: string) => renameChat(r, c, x, 'n')]) {
      const err = (await call(p.cli, p.ctx, hostile).then(() => null, (e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(ChatInputError);
      expect(err.message.length).toBeLessThan(300);
      expect(err.message).not.toMatch(/[\n\x1b\x07]/);
    }
    expect(await snapshot(p.ctx, p.cli)).toEqual(before);
  });

  test('hostile but valid names are stored exactly and never run', async () => {
    const names = [`'; run-shell 'touch ${canary}' #{pane_id}`, `#(touch ${canary}) $(touch ${canary})`, `\`touch ${canary}\` "`, '-t =x', '\\"\\', 'x;kill-server'];
    for (const name of names) {
      const renamed = await renameChat(p.cli, p.ctx, ref, name, name);
      expect([renamed.name, renamed.role]).toEqual([name, name]);
      const shown = await p.cli.run(['display-message', '-p', '-t', renamed.session, '#{@chatmux-name}']);
      expect(shown).toEqual([name]);
    }
    const made = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sh', '-c', 'printf "%s|" "$@"; sleep 60', 'sh', "a'b", '$(x)', '-x', '#{y}'], name: names[0] });
    const pane = (await chatPane(p.cli, p.ctx, made))!.id;
    await waitFor(async () => (await capturePane(p.cli, pane)).join('\n').includes("a'b|$(x)|-x|#{y}|"), 5000, 'argv printed exactly');
    await closeChat(p.cli, p.ctx, made.ref);
    // Bytes that are not text (NUL, 0xff, ESC) reach the program exactly when passed as a Buffer.
    const od = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sh', '-c', 'stty raw -echo; head -c 8 | od -An -tx1 | tr -d " \\n"; echo "|"; exec sleep 60'] });
    const odPane = (await chatPane(p.cli, p.ctx, od))!.id;
    await sendToChat(p.cli, p.ctx, od.ref, Buffer.from([0x00, 0xff, 0x1b, 0x41, 0x00]), { enter: false });
    // Valid UTF-8 with a NUL in it: it went the text way, where tmux takes no NUL (TmuxArgumentError).
    await sendToChat(p.cli, p.ctx, od.ref, Buffer.from('A\0B'), { enter: false });
    await waitFor(async () => (await capturePane(p.cli, odPane)).join('').includes('00ff1b4100410042|'), 5000, 'the bytes, exactly');
    await closeChat(p.cli, p.ctx, od.ref);
    expect(fs.existsSync(canary)).toBe(false);
  }, 20_000);
});

describe('makeChatContext checks what an embedder passes', () => {
  const ok = { project: os.tmpdir(), stateDir: path.join(os.tmpdir(), 'x'), socket: 'chatmux-test-x' };
  test.each([
    ['a socket with a slash', { socket: '../../tmp/evil' }],
    ['an empty socket', { socket: '' }],
    ['a socket of dots', { socket: '..' }],
    ['a socket with a space', { socket: 'a b' }],
    ['a socket that is a number', { socket: any(3) }],
    ['a project with NUL', { project: '/tmp/a\0b' }],
    ['a state dir with NUL', { stateDir: '/tmp/a\0b' }],
    ['a project that is undefined', { project: any(undefined) }],
  ])('%s: ChatInputError', (_what, bad) => {
    expect(() => makeChatContext({ ...ok, ...bad })).toThrow(ChatInputError);
  });
  test('the CLI refuses the same socket names as bad input (exit 2; `..` gave exit 1 from the library)', async () => {
    for (const socket of ['..', '.']) {
      const res = await runChatmux(['--socket', socket, '--no-tmux', 'chat', 'list'], { cwd: os.tmpdir() });
      expect([socket, res.code, res.stderr]).toEqual([socket, 2, expect.stringMatching(/^chatmux: --socket "\.+": use letters/)]);
    }
  }, 20_000);
  test('a project folder with a backslash, a newline and a leading dash is used exactly', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-libred-'));
    const project = path.join(base, '-p\\r\no;j $(x)');
    fs.mkdirSync(project);
    const socket = chatProject('libred-folder').socket;
    const ctx = makeChatContext({ project, stateDir: path.join(project, '.chatmux'), socket, warn: () => {} });
    const cli = new TmuxCli(chatServerOptions(ctx));
    try {
      const c = await createChat(cli, ctx, { executor: 'cmd', argv: ['sh', '-c', 'pwd; sleep 60'] });
      const pane = (await chatPane(cli, ctx, c))!.id;
      await waitFor(async () => (await capturePane(cli, pane)).join('\n').includes('o;j $(x)'), 5000, 'pwd printed');
      expect(c.cwd).toBe(project);
      await archiveChat(cli, ctx, c.ref);
      expect((await readRegistry(ctx)).chats.map((x) => x.state)).toEqual(['archived']);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  }, 20_000);
});

test('the registry writer refuses a record the next read would call corrupt (it set every chat aside)', async () => {
  const p = chatProject('libred-writer');
  const made = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sleep', '60'] } satisfies NewChatInput);
  const before = fs.readFileSync(registryPath(p.ctx));
  const warnings: string[] = [];
  p.ctx.warn = (m) => warnings.push(m);
  await expect(updateRegistry(p.ctx, (reg) => void Object.assign(reg.chats[0]!, { name: 5 }))).rejects.toThrow(RegistryWriteRefused);
  expect(fs.readFileSync(registryPath(p.ctx))).toEqual(before);
  expect((await listChats(p.cli, p.ctx)).map((c) => c.ref)).toEqual([made.ref]);
  expect(warnings).toEqual([]);
}, 20_000);

describe('ControlClient used directly', () => {
  /** Settles within `ms`, or says it hung. */
  const settled = <T>(p: Promise<T>, ms = 5000) =>
    Promise.race([p.then((v) => ({ ok: v }), (e: unknown) => ({ err: e })), new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms))]);

  test('a listener that throws on every %output: the reader carries on, every reply goes to its own command', async () => {
    const t = makeTestServer();
    const thrown: unknown[] = [];
    const c = await ControlClient.connect({ server: t.server, target: { newSession: { name: 'view', command: ['sleep', '600'] } }, onListenerError: (e) => thrown.push(e) });
    try {
      c.on('output', () => {
        throw new Error('embedder bug');
      });
      const work = await newSession(c, { name: 'work', command: ['sh', '-c', 'while :; do echo flood-flood-flood; done'] });
      await linkWindow(c, work.windowId, c.sessionId!);
      // The flood reaches the listener first (else 200 quick replies can all come back before
      // its first %output: seen on tmux 3.5a), then the replies interleave with it.
      await waitFor(() => thrown.length > 0, 10_000, 'the flood reaching the listener');
      const during = thrown.length;
      // Before, a throw dropped the rest of the chunk and a lost %end shifted every later reply
      // onto the wrong command (or none: a hang).
      const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => settled(c.command(['display-message', '-p', `reply-${i}`]))));
      expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => ({ ok: [`reply-${i}`] })));
      expect(thrown.length).toBeGreaterThan(during);
      expect(thrown.every((e) => (e as Error).message === 'embedder bug')).toBe(true);
    } finally {
      await c.close();
      t.kill();
    }
  }, 30_000);

  test('hostile connect targets and command lines: a typed error each, nothing run, the connection still in step', async () => {
    const t = makeTestServer();
    const target = (name: string) => ({ server: t.server, target: { newSession: { name } } });
    await expect(ControlClient.connect(target('a;b'))).rejects.toThrow(TmuxArgumentError); // was a bare TypeError
    await expect(ControlClient.connect({ server: t.server, target: { attach: `$(touch ${canary});x` } })).rejects.toThrow(TmuxClosedError);
    const c = await ControlClient.connect({
      server: t.server,
      target: { newSession: { name: 'view', command: ['sh', '-c', 'echo "$@"; sleep 60', 'sh', `$(touch ${canary})`, ';', '#{pane_id}'], cwd: `/tmp/a\nb$(touch ${canary})` } },
    });
    try {
      for (const args of [[], [''], ['\n'], ['%begin'], ['display-message', '-p', '\0']]) await expect(c.command(args)).rejects.toThrow(TmuxArgumentError);
      await expect(c.command(['list-sessions', '\\'])).rejects.toThrow(TmuxCommandError);
      // Formats are display-message's own business (`-l` is tmux 3.4+): none in these.
      for (const text of ['a;b', ';', `$(touch ${canary})`, `'"\\ {}`, 'x'.repeat(100_000)]) expect(await c.command(['display-message', '-p', text])).toEqual([text]);
      expect(await c.command(['display-message', '-p', 'in-step'])).toEqual(['in-step']);
      expect(fs.existsSync(canary)).toBe(false);
    } finally {
      await c.close();
      t.kill();
    }
  }, 20_000);

  test('commands racing close() and a server killed mid-command all settle, with TmuxClosedError', async () => {
    const t = makeTestServer();
    const c = await ControlClient.connect({ server: t.server, target: { newSession: { name: 'view', command: ['sleep', '600'] } } });
    const before = Array.from({ length: 30 }, (_, i) => settled(c.command(['display-message', '-p', `${i}`])));
    const closing = settled(c.close());
    const after = Array.from({ length: 10 }, () => settled(c.command(['list-sessions'])));
    for (const r of [...(await Promise.all(before)), ...(await Promise.all(after))]) {
      expect(r).not.toBe('hung');
      if (typeof r === 'object' && 'err' in r) expect(r.err).toBeInstanceOf(TmuxClosedError);
    }
    expect(await closing).toEqual({ ok: 'detached' });

    const c2 = await ControlClient.connect({ server: t.server, target: { newSession: { name: 'view2', command: ['sleep', '600'] } } });
    const pending = Array.from({ length: 30 }, (_, i) => settled(c2.command(['display-message', '-p', `${i}`])));
    t.tmux('kill-server');
    for (const r of await Promise.all(pending)) expect(r).not.toBe('hung');
    expect(await settled(c2.closed)).toEqual({ ok: 'server killed' });
    expect(await settled(c2.command(['list-sessions']))).toEqual({ err: expect.any(TmuxClosedError) });
    expect(await settled(c2.close())).toEqual({ ok: 'server killed' });
  }, 30_000);
});

describe('LiveChats as two embedders of one project', () => {
  test('leaveAll twice at once resolves only when this view has gone; the other embedder keeps its own', async () => {
    const p = chatProject('libred-live');
    const chat = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sh'] });
    const views = async () => (await p.cli.run(['list-sessions', '-F', '#{session_name}'])).filter((n) => n.startsWith('chatmux-view-')).sort();
    const a = await LiveChats.start(p.ctx, { width: 80, height: 24 });
    const b = await LiveChats.start(p.ctx, { width: 80, height: 24 });
    expect(await views()).toEqual([a.viewSession, b.viewSession].sort());
    const first = a.leaveAll();
    await a.leaveAll(); // a signal handler racing the app's own quit: it resolved at once
    expect(a.client.isClosed).toBe(true);
    expect(await views()).toEqual([b.viewSession]);
    await first;
    await a.leaveAll();
    // B still sees the chat's output over its own connection.
    const seen: Buffer[] = [];
    b.client.on('output', (_pane, data) => seen.push(data));
    await sendToChat(p.cli, p.ctx, chat.ref, 'echo still-$((40+2))');
    await waitFor(() => Buffer.concat(seen).toString().includes('still-42'), 5000, 'output through B');
    // A third embedder meets a corrupt registry: restored from the backup, the chat listed.
    fs.writeFileSync(registryPath(p.ctx), '{"version": 1, "chats": [');
    const c = await LiveChats.start(p.ctx, { width: 80, height: 24 });
    expect(c.list().map((x) => x.ref)).toEqual([chat.ref]);
    await Promise.all([c.leaveAll(), b.leaveAll(), c.leaveAll()]);
    expect(await views()).toEqual([]);
    expect((await listChats(p.cli, p.ctx)).map((x) => [x.ref, x.state])).toEqual([[chat.ref, 'running']]);
  }, 30_000);
});

test('a key through the library (LiveChats.newChat over control mode, env given, not process.env): only in its own chat', async () => {
  const p = chatProject('libred-key');
  const key = `sk-libred-${Math.random().toString(36).slice(2)}${Date.now()}`;
  const stopWatch = watchArgv(key);
  const live = await LiveChats.start(p.ctx, { width: 80, height: 24, env: { ...process.env, LIBRED_TEST_KEY: key } });
  try {
    const ref = await live.newChat({ executor: 'cmd', argv: ['sh', '-c', 'printf "key-%s-chars\\n" "${#LIBRED_TEST_KEY}"; exec sleep 60'], apiKeyEnv: 'LIBRED_TEST_KEY' });
    await live.renameChat(ref, 'renamed');
    await sendToChat(live.client, p.ctx, ref, 'typed');
    const pane = (await chatPane(p.cli, p.ctx, (await readRegistry(p.ctx)).chats[0]!))!.id;
    await waitFor(async () => (await capturePane(p.cli, pane)).join('\n').includes(`key-${key.length}-chars`), 5000, 'the key reached its chat');
    expect(await stopWatch()).toEqual([]);
    for (const f of filesUnder(p.ctx.stateDir)) expect([f, fs.readFileSync(f, 'latin1').includes(key)]).toEqual([f, false]);
    const session = (await readRegistry(p.ctx)).chats[0]!.session;
    for (const args of [['show-options', '-g'], ['show-options', '-s'], ['show-options', '-gw'], ['show-options', '-t', session], ['show-options', '-w', '-t', session], ['show-environment', '-g']]) {
      expect([args.join(' '), (await p.cli.run(args)).join('\n').includes(key)]).toEqual([args.join(' '), false]);
    }
  } finally {
    await stopWatch().catch(() => []);
    await live.leaveAll();
  }
}, 30_000);

test('createChat through a runner that cannot reach tmux (a closed connection, no tmux binary) fails before its entry is written', async () => {
  const p = chatProject('libred-gone');
  const first = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sleep', '60'] });
  const live = await LiveChats.start(p.ctx, { width: 80, height: 24 });
  p.kill();
  await live.client.closed;
  const before = fs.readFileSync(registryPath(p.ctx));
  // Before: a `closed` chat-2 ("could not start: tmux connection closed") was left behind, one per try.
  await expect(live.newChat({ executor: 'shell' })).rejects.toThrow(TmuxClosedError);
  await expect(createChat(live.client, p.ctx, { executor: 'shell' })).rejects.toThrow(TmuxClosedError);
  await expect(createChat(new TmuxCli({ ...chatServerOptions(p.ctx), tmuxPath: '/nonexistent/tmux' }), p.ctx, { executor: 'shell' })).rejects.toThrow(TmuxNotFoundError);
  expect(fs.readFileSync(registryPath(p.ctx))).toEqual(before);
  expect((await readRegistry(p.ctx)).chats.map((c) => c.ref)).toEqual([first.ref]);
  await live.leaveAll();
}, 20_000);

test("LiveChats' previousView removes only a view session of this project (a chat's session name given there was killed, agent and all)", async () => {
  const p = chatProject('libred-prev');
  const chat = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sleep', '600'] });
  const other = makeChatContext({ project: p.ctx.project, stateDir: path.join(p.ctx.project, 'other-state'), socket: p.socket, warn: () => {} });
  const otherView = await LiveChats.start(other, { width: 80, height: 24 });
  const dropped = await LiveChats.start(p.ctx, { width: 80, height: 24 });
  dropped.detachNow(); // a connection that dropped: its view session stays behind
  await dropped.client.closed;
  const sessions = async () => (await p.cli.run(['list-sessions', '-F', '#{session_name}'])).sort();
  const wrong = await LiveChats.start(p.ctx, { width: 80, height: 24, previousView: chat.session });
  const wrong2 = await LiveChats.start(p.ctx, { width: 80, height: 24, previousView: otherView.viewSession });
  expect(await sessions()).toEqual([chat.session, otherView.viewSession, dropped.viewSession, wrong.viewSession, wrong2.viewSession].sort());
  const right = await LiveChats.start(p.ctx, { width: 80, height: 24, previousView: dropped.viewSession });
  expect(await sessions()).toEqual([chat.session, otherView.viewSession, wrong.viewSession, wrong2.viewSession, right.viewSession].sort());
  await Promise.all([wrong, wrong2, right, otherView].map((l) => l.leaveAll()));
  expect(await sessions()).toEqual([chat.session]);
}, 30_000);

test('two LiveChats and the plain functions creating, closing, renaming and archiving at once in one process: refs unique, every state right', async () => {
  const p = chatProject('libred-race');
  const first = await createChat(p.cli, p.ctx, { executor: 'cmd', argv: ['sleep', '600'] });
  const [a, b] = await Promise.all([LiveChats.start(p.ctx, { width: 80, height: 24 }), LiveChats.start(p.ctx, { width: 80, height: 24 })]);
  const argv = ['sleep', '600'];
  const creations = Array.from({ length: 4 }, () => [a.newChat({ executor: 'cmd', argv }), b.newChat({ executor: 'cmd', argv }), createChat(p.cli, p.ctx, { executor: 'cmd', argv }).then((c) => c.ref)]).flat();
  // A rename or close landing after the archive is refused ("is archived"): either order is right.
  const unlessArchived = (step: Promise<unknown>) => step.then(() => true, (e: unknown) => (e instanceof ChatStateError ? false : Promise.reject(e)));
  const [refs, , wasRenamed] = await Promise.all([Promise.all(creations), Promise.all([unlessArchived(a.closeChat(first.ref)), archiveChat(p.cli, p.ctx, first.ref)]), unlessArchived(b.renameChat(first.ref, 'renamed'))]);
  expect(new Set(refs).size).toBe(12);
  const reg = await readRegistry(p.ctx);
  expect(reg.chats.filter((c) => c.ref !== first.ref).map((c) => c.state)).toEqual(Array(12).fill('running'));
  const old = reg.chats.find((c) => c.ref === first.ref)!;
  expect([old.state, old.name]).toEqual(['archived', wasRenamed ? 'renamed' : '']);
  const sessions = (await p.cli.run(['list-sessions', '-F', '#{session_name}'])).filter((n) => n.startsWith('wg-chat-'));
  expect(sessions.length).toBe(12);
  await Promise.all([a.leaveAll(), b.leaveAll()]);
}, 30_000);
