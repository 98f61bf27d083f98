import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ControlClient } from '../lib/control/client';
import type { ControlTransport } from '../lib/control/transport';
import * as cmd from '../lib/control/commands';
import { TmuxClosedError, TmuxCommandError } from '../lib/control/errors';
import { formatLiteral } from '../lib/control/quote';
import { killAllTestServers, makeTestServer, waitFor, type TestServer } from './support/tmux';
import { QUOTE_VECTORS } from './support/quote-vectors';

const clients: ControlClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) if (!c.isClosed) await c.close();
});
afterAll(() => killAllTestServers());

async function connect(t: TestServer, name = 'view'): Promise<ControlClient> {
  const c = await ControlClient.connect({ server: t.server, target: { newSession: { name, command: ['cat'], width: 80, height: 24 } } });
  clients.push(c);
  return c;
}

/** Collect a pane's output bytes from the client. */
function collect(c: ControlClient, pane: string): { text: () => string } {
  const chunks: Buffer[] = [];
  c.on('output', (p, d) => {
    if (p === pane) chunks.push(d);
  });
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('ControlClient against tmux', () => {
  test('create, list and kill sessions', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    expect(c.sessionName).toBe('view');
    const created = await cmd.newSession(c, { name: 'chat one', command: ['sleep', '100'], width: 100, height: 30 });
    expect(created.sessionId).toMatch(/^\$\d+$/);
    expect(created.windowId).toMatch(/^@\d+$/);
    expect(created.paneId).toMatch(/^%\d+$/);
    expect(created.panePid).toBeGreaterThan(0);
    const names = (await cmd.listSessions(c)).map((s) => s.name).sort();
    expect(names).toEqual(['chat one', 'view']);
    expect(await cmd.hasSession(c, '=chat one')).toBe(true);
    expect(await cmd.hasSession(c, '=chat')).toBe(false); // no prefix matching
    await cmd.killSession(c, created.sessionId);
    expect((await cmd.listSessions(c)).map((s) => s.name)).toEqual(['view']);
    await expect(cmd.killSession(c, '=nosuch')).rejects.toThrow(TmuxCommandError);
    t.kill();
  });

  test('new-session -x/-y from a one-shot client: the window has that size and still follows its clients', async () => {
    // tmux 3.2 sized it like the calling client (80x24) under window-size latest.
    const t = makeTestServer();
    const created = await cmd.newSession(t.cli, { name: 'sized', command: ['sleep', '100'], width: 100, height: 30 });
    const [w] = await cmd.listWindows(t.cli, created.sessionId);
    expect([w!.width, w!.height]).toEqual([100, 30]);
    // Not left at window-size manual: a control client viewing the window resizes it.
    expect(t.tmux('show-options', '-w', '-v', '-t', created.windowId, 'window-size').trim()).toBe('');
    const c = await connect(t);
    await cmd.linkWindow(c, created.windowId, c.sessionName!);
    await cmd.refreshClientSize(c, { width: 70, height: 20 });
    await waitFor(async () => {
      const [x] = await cmd.listWindows(c, created.sessionId);
      return x!.width === 70 && x!.height === 20;
    }, 5000, 'window follows the client');
    t.kill();
  });

  test('a window linked from another session delivers its output', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const chat = await cmd.newSession(c, { name: 'chat', command: ['cat'] });
    const out = collect(c, chat.paneId);
    await cmd.sendText(c, chat.paneId, 'before-link\r');
    await new Promise((r) => setTimeout(r, 200));
    expect(out.text()).not.toContain('before-link');
    await cmd.linkWindow(c, chat.windowId, c.sessionId!);
    await cmd.sendText(c, chat.paneId, 'after-link é😀\r');
    await waitFor(() => out.text().includes('after-link é😀'), 5000, 'linked output');
    await cmd.unlinkWindow(c, c.sessionId!, chat.windowId);
    expect(await cmd.hasSession(c, chat.sessionId)).toBe(true);
    t.kill();
  });

  test('send-keys -H delivers exact bytes', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-bytes-'));
    const file = path.join(dir, 'got');
    // A raw-mode reader that dumps what it receives as hex.
    const reader = `stty raw -echo; head -c 8 | od -An -tx1 > ${file}; sleep 100`;
    const s = await cmd.newSession(c, { name: 'bytes', command: ['sh', '-c', reader] });
    await new Promise((r) => setTimeout(r, 300));
    await cmd.sendBytes(c, s.paneId, Uint8Array.from([0x03, 0x1b, 0xff, 0x80, 0x41, 0x0a, 0x7f, 0x00]));
    const hex = await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim(), 5000, 'bytes file');
    expect(String(hex).replace(/\s+/g, ' ')).toBe('03 1b ff 80 41 0a 7f 00');
    fs.rmSync(dir, { recursive: true, force: true });
    t.kill();
  });

  test('capture after the alternate screen', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const script = "printf 'main-line-1\\nmain-line-2\\n'; printf '\\033[?1049h\\033[HALT-SCREEN'; sleep 100";
    const s = await cmd.newSession(c, { name: 'alt', command: ['sh', '-c', script], width: 40, height: 10 });
    await waitFor(async () => (await cmd.capturePane(c, s.paneId)).join('\n').includes('ALT-SCREEN'), 5000, 'alt screen');
    const [pane] = await cmd.listPanes(c, { target: s.paneId });
    expect(pane!.alternateOn).toBe(true);
    expect(pane!.width).toBe(40);
    const saved = await cmd.capturePane(c, s.paneId, { alternate: true, quiet: true });
    expect(saved.join('\n')).toContain('main-line-2');
    const visible = await cmd.capturePane(c, s.paneId, { escapes: true });
    expect(visible[0]).toContain('ALT-SCREEN');
    t.kill();
  });

  test('200 commands in flight resolve in order', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => cmd.displayMessage(c, `n-${i}`)));
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => `n-${i}`));
    // An error in the middle rejects only its own command.
    const mixed = await Promise.allSettled([cmd.displayMessage(c, 'a'), cmd.killSession(c, '=nope'), cmd.displayMessage(c, 'b')]);
    expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((mixed[1] as PromiseRejectedResult).reason).toBeInstanceOf(TmuxCommandError);
    expect(((mixed[1] as PromiseRejectedResult).reason as TmuxCommandError).tmuxMessage).toContain("can't find session");
    t.kill();
  });

  test('server killed under the client → closed with a reason, pending commands reject', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const closed = new Promise<string>((r) => c.once('closed', r));
    t.kill();
    expect(await closed).toBe('server killed');
    await expect(cmd.displayMessage(c, 'x')).rejects.toThrow(TmuxClosedError);
  });

  test('own session killed → closed: session killed; close() → detached', async () => {
    const t = makeTestServer();
    const c = await connect(t, 'a');
    await cmd.newSession(c, { name: 'other', command: ['cat'] });
    const closed = new Promise<string>((r) => c.once('closed', r));
    t.tmux('kill-session', '-t', '=a');
    expect(await closed).toBe('session killed');
    const c2 = await connect(t, 'b');
    expect(await c2.close()).toBe('detached');
    expect(t.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean).sort()).toEqual(['b', 'other']);
    t.kill();
  });

  test('tmux missing or too old: connect fails with a reason a user can read', async () => {
    const t = makeTestServer();
    await expect(ControlClient.connect({ server: { ...t.server, tmuxPath: '/nonexistent/tmux' }, target: { attach: '=x' } })).rejects.toThrow(/tmux not found/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-oldtmux-'));
    const fake = path.join(dir, 'tmux');
    fs.writeFileSync(fake, '#!/bin/sh\necho "tmux 3.1c"\n', { mode: 0o755 });
    await expect(ControlClient.connect({ server: { ...t.server, tmuxPath: fake }, target: { attach: '=x' } })).rejects.toThrow(/version too old: tmux 3\.1c is too old/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('attach to a missing session fails with tmux’s message', async () => {
    const t = makeTestServer();
    t.tmux('new-session', '-d', '-s', 'exists');
    await expect(ControlClient.connect({ server: t.server, target: { attach: '=missing' } })).rejects.toThrow(/can't find session/);
    t.kill();
  });

  test('flow control: pause-after is on; a paused pane is reported and resume() continues it', async () => {
    const t = makeTestServer();
    const c = await ControlClient.connect({ server: t.server, target: { newSession: { name: 'v', command: ['cat'] } }, pauseAfter: 1 });
    clients.push(c);
    expect(await cmd.displayMessage(c, '#{client_flags}')).toContain('pause-after=1');
    const s = await cmd.newSession(c, { name: 'ticker', command: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.05; done'] });
    await cmd.linkWindow(c, s.windowId, c.sessionId!);
    const out = collect(c, s.paneId);
    await waitFor(() => out.text().includes('tick-'), 5000, 'first output');
    // tmux pauses a lagging pane the same way; a manual pause takes the timing out of the test.
    expect(c.flowControl).toBe(true);
    const paused = new Promise<string>((r) => c.once('paused', r));
    expect(await c.pause(s.paneId)).toBe(true);
    expect(await paused).toBe(s.paneId);
    expect(c.paused.has(s.paneId)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const frozen = out.text().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(out.text().length).toBe(frozen); // nothing delivered while paused
    await c.resume(s.paneId);
    expect(c.paused.has(s.paneId)).toBe(false);
    await waitFor(() => out.text().length > frozen, 5000, 'output after resume');
    t.kill();
  });
});

describe('flow control on a server that refuses pause-after', () => {
  /** A scripted control-mode peer: answers the pause-after flag with %error, records every line. */
  function refusingPeer(): { transport: ControlTransport; written: string[] } {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const written: string[] = [];
    let n = 1;
    let end: () => void = () => {};
    const exited = new Promise<{ code: number | null; stderr: string }>((r) => (end = () => r({ code: 0, stderr: '' })));
    stdin.on('data', (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n').filter(Boolean)) {
        written.push(line);
        n++;
        const failed = line.startsWith("refresh-client '-f'");
        stdout.write(`%begin 1 ${n} 1\n${failed ? 'unknown flag: pause-after\n' : ''}%${failed ? 'error' : 'end'} 1 ${n} 1\n`);
      }
    });
    stdin.on('finish', () => {
      stdout.end('%exit\n');
      end();
    });
    // The argv command's block: the connection is ready.
    stdout.write('%begin 1 1 0\n%end 1 1 0\n%session-changed $0 v\n');
    return { transport: { stdin, stdout, exited, kill: end }, written };
  }

  test('the connection still opens; pause() pauses nothing and says so', async () => {
    const peer = refusingPeer();
    const c = await ControlClient.connect({ server: { socket: 'unused' }, target: { attach: '=v' }, transport: peer.transport });
    clients.push(c);
    expect(c.flowControl).toBe(false);
    expect(await c.pause('%1')).toBe(false);
    expect(peer.written).toEqual(["refresh-client '-f' 'pause-after=5'"]);
  });
});

describe('quoting against the real tmux lexer', () => {
  test('every vector round-trips byte-exactly through set-buffer / show-buffer', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-quote-'));
    for (const [i, [input]] of QUOTE_VECTORS.entries()) {
      if (input === '') continue; // set-buffer refuses empty data; covered by the option case below
      await c.command(['set-buffer', '-b', `v${i}`, '--', input]);
      await c.command(['save-buffer', '-b', `v${i}`, path.join(dir, String(i))]);
      expect(fs.readFileSync(path.join(dir, String(i)), 'utf8')).toBe(input);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await cmd.setOption(c, { global: true }, '@empty', '');
    expect(await cmd.showOptionValue(c, { global: true }, '@empty')).toBe('');
    t.kill();
  });

  test('#(touch FILE) in names never runs; the server runs no second command', async () => {
    const t = makeTestServer();
    const c = await connect(t);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-hostile-'));
    const file = path.join(dir, 'pwned');
    const hostile = [`#(touch ${file})`, `x'; kill-server; '`, `a;kill-server`, `"; kill-server; "`, `{kill-server}`, `$(touch ${file})`];
    for (const [i, name] of hostile.entries()) {
      const s = await cmd.newSession(c, { name: `${name}-${i}`, windowName: name, cwd: dir, command: ['sleep', '100'] });
      expect(s.sessionName).toBe(`${name}-${i}`);
      await cmd.setOption(c, { session: s.sessionId }, '@chatmux-name', name);
      expect(await cmd.showOptionValue(c, { session: s.sessionId }, '@chatmux-name')).toBe(name);
      const [w] = await cmd.listWindows(c, s.sessionId);
      expect(w!.name).toBe(name);
    }
    await cmd.displayMessage(c, formatLiteral(`#(touch ${file})`));
    await new Promise((r) => setTimeout(r, 500));
    expect(fs.existsSync(file)).toBe(false);
    expect((await cmd.listSessions(c)).length).toBe(hostile.length + 1);
    fs.rmSync(dir, { recursive: true, force: true });
    t.kill();
  });
});
