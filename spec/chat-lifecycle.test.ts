/**
 * Chats as tmux sessions, driven through the real `bin/chatmux` on private sockets:
 * lifecycle, concurrency, hostile input, secrets. Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAllTestServers, waitFor } from './support/tmux';
import { BIN, chatFixture, cleanEnv, capture, FAKE_AGENT, sessionsOf, runChatmux, runProcess } from './support/chatmux-cli';
import { projectTag } from '../lib/chat/naming';
import { openChat } from '../lib/chat/lifecycle';
import { makeChatContext } from '../lib/chat/context';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { TmuxCli } from '../lib/control/exec';
import { shellQuote } from '../lib/control/commands';

afterAll(() => killAllTestServers());

describe('chat lifecycle through the CLI', () => {
  const { t, p, g } = chatFixture();
  const env = cleanEnv({ CHATMUX_CLAUDE_BIN: FAKE_AGENT });

  test('create → list → send → close → open fresh → archive', async () => {
    const created = await runChatmux([...g, 'chat', 'new', '--executor', 'claude', '--name', 'first', '--role', 'tester', '--json'], { env });
    expect(created.stderr).toBe('');
    expect(created).toMatchObject({ code: 0 });
    const rec = JSON.parse(created.stdout);
    expect(rec.ref).toBe('chat-1');
    expect(rec.session).toBe(`wg-chat-${projectTag(p.project, p.stateDir)}-chat-1`);
    // claude gets a known new session uuid; nothing is resumable until claude reports a turn
    expect(rec.resumeId).toBeNull();
    await waitFor(() => capture(t, rec.session).includes('READY'), 5000, 'agent start');
    const sessionIdOf = (screen: string): string => /ARGV\[--session-id\]\nARGV\[([0-9a-f-]{36})\]/.exec(screen)![1]!;
    const firstUuid = sessionIdOf(capture(t, rec.session));

    const list = await runChatmux([...g, 'chat', 'list', '--json'], { env });
    expect(list).toMatchObject({ code: 0 });
    const listed = JSON.parse(list.stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ ref: 'chat-1', name: 'first', role: 'tester', executor: 'claude', lifecycle: 'running', live: true });
    const table = await runChatmux([...g, 'chat', 'list'], { env });
    expect(table.stdout).toMatch(/^REF\s+NAME\s+ROLE\s+EXECUTOR\s+STATE\s+SINCE\s+SESSION\s+PARENT\nchat-1\s+first\s+tester\s+claude\s+idle\s+\d+s\s+wg-chat-/);

    const sent = await runChatmux([...g, 'chat', 'send', 'chat-1', 'hello', 'there'], { env });
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => capture(t, rec.session).includes('GOT[hello there]'), 5000, 'text in pane');
    // stdin, multi-line: pasted, each line arrives
    const piped = await runChatmux([...g, 'chat', 'send', 'chat-1'], { env, input: 'line one\nline two\n' });
    expect(piped).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => capture(t, rec.session).includes('GOT[line two]'), 5000, 'piped text');
    expect(capture(t, rec.session)).toContain('GOT[line one]');
    // logs: output via pipe-pane, stderr tee'd
    await waitFor(() => fs.readFileSync(path.join(p.stateDir, 'chats', 'chat-1', 'output.log'), 'utf8').includes('GOT[hello there]'), 5000, 'output.log');
    const log = await runChatmux([...g, 'chat', 'log', 'chat-1', '--stderr'], { env });
    expect(log.stdout).toMatch(/^# chatmux .* start chat-1: stderr of claude, tee.d through a pipe/);
    expect(log.stdout).toContain('ERR[hello there]');

    const closed = await runChatmux([...g, 'chat', 'close', 'chat-1'], { env });
    expect(closed).toMatchObject({ code: 0 });
    expect(sessionsOf(t)).not.toContain(rec.session);
    const afterClose = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout);
    expect(afterClose[0]).toMatchObject({ ref: 'chat-1', state: 'closed', live: false });

    // next open starts fresh: a new claude session id, no --resume
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket });
    const r = new TmuxCli(chatServerOptions(ctx));
    const reopened = await openChat(r, ctx, 'chat-1', { env });
    expect(reopened.state).toBe('running');
    expect(reopened.resumeId).toBeNull();
    await waitFor(() => capture(t, rec.session).includes('READY'), 5000, 'reopened');
    const screen = capture(t, rec.session);
    expect(sessionIdOf(screen)).not.toBe(firstUuid);
    expect(screen).not.toContain('--resume');

    const archived = await runChatmux([...g, 'chat', 'archive', 'chat-1'], { env });
    expect(archived).toMatchObject({ code: 0 });
    expect(sessionsOf(t)).not.toContain(rec.session);
    expect(JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout)).toEqual([]);
    const all = JSON.parse((await runChatmux([...g, 'chat', 'list', '--all', '--json'], { env })).stdout);
    expect(all[0]).toMatchObject({ ref: 'chat-1', state: 'archived' });
    // refs are never reused
    const next = await runChatmux([...g, 'chat', 'new', '--', FAKE_AGENT], { env });
    expect(next.stdout.trim()).toBe('chat-2');
  });

  test('usage errors exit 2 with a message that says what to do; rename works', async () => {
    const unknown = await runChatmux([...g, 'chat', 'send', 'chat-9', 'x'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown chat 'chat-9' (see chatmux chat list)");
    const badRef = await runChatmux([...g, 'chat', 'close', 'nope'], { env });
    expect(badRef.code).toBe(2);
    const badUrl = await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '-e', 'ftp://x'], { env });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('must start with http:// or https://');
    const noKey = await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '--api-key-env', 'CHATMUX_SPEC_UNSET_KEY'], { env });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('CHATMUX_SPEC_UNSET_KEY: the variable is not set');
    const badParent = await runChatmux([...g, 'chat', 'new', '--parent', 'chat-77'], { env });
    expect(badParent.code).toBe(2);
    const cmdless = await runChatmux([...g, 'chat', 'new', '--executor', 'cmd'], { env });
    expect(cmdless.code).toBe(2);
    const help = await runChatmux(['chat', 'new', '--help'], { env });
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toContain('Example:');

    const made = await runChatmux([...g, 'chat', 'new', '--name', 'old', '--', FAKE_AGENT], { env });
    expect(made).toMatchObject({ code: 0, stderr: '' });
    const ref = made.stdout.trim();
    const renamed = await runChatmux([...g, 'chat', 'rename', ref, 'new name', '--role', 'r2'], { env });
    expect(renamed).toMatchObject({ code: 0 });
    const session = `wg-chat-${projectTag(p.project, p.stateDir)}-${ref}`;
    expect(t.tmux('show-options', '-v', '-t', `=${session}:`, '@chatmux-name').trim()).toBe('new name');
    const row = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout).find((c: { ref: string }) => c.ref === ref);
    expect(row).toMatchObject({ name: 'new name', role: 'r2' });
    // a pane left in copy mode (someone scrolling) still gets the text as text
    t.tmux('copy-mode', '-t', `=${session}:`);
    expect(t.tmux('display-message', '-p', '-t', `=${session}:`, '#{pane_in_mode}').trim()).toBe('1');
    expect(await runChatmux([...g, 'chat', 'send', ref, 'after copy mode'], { env })).toMatchObject({ code: 0 });
    await waitFor(() => capture(t, session).includes('GOT[after copy mode]'), 5000, 'text after copy mode');
  });
});

describe('a chat started from inside a chat', () => {
  const { t, p, g } = chatFixture();

  test('finds socket, state dir and project from the chat environment, even from a subfolder', async () => {
    const sub = path.join(p.project, 'sub dir');
    fs.mkdirSync(sub);
    const parent = JSON.parse((await runChatmux([...g, 'chat', 'new', '--name', 'parent', '--cwd', sub, '--json', '--', '/bin/sh'])).stdout);
    const cmd = [process.execPath, BIN, 'chat', 'new', '--parent'].map(shellQuote).join(' ') + ' "$CHATMUX_CHAT_REF" --name child -- ' + shellQuote(FAKE_AGENT);
    t.tmux('send-keys', '-t', `=${parent.session}:`, '-l', `${cmd}; echo "child-exit=$?"`);
    t.tmux('send-keys', '-t', `=${parent.session}:`, 'Enter');
    await waitFor(() => capture(t, parent.session).includes('child-exit=0'), 8000, 'child created');
    const chats = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'])).stdout);
    expect(chats.map((c: { ref: string; parent: string | null; name: string }) => [c.ref, c.name, c.parent])).toEqual([['chat-1', 'parent', null], ['chat-2', 'child', 'chat-1']]);
    expect(chats[1].session).toBe(`wg-chat-${projectTag(p.project, p.stateDir)}-chat-2`);
    expect(chats[1].cwd).toBe(p.project); // --cwd defaults to the project folder, wherever it was run
  });
});

describe('concurrency and survival', () => {
  const { t, p, g } = chatFixture();

  test('10 concurrent `chat new` → 10 distinct refs, sessions and registry entries', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => runChatmux([...g, 'chat', 'new', '--name', `c${i}`, '--', FAKE_AGENT], { timeoutMs: 30000 })));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
    const refs = results.map((r) => r.stdout.trim());
    expect(new Set(refs).size).toBe(10);
    expect([...refs].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `chat-${i + 1}`).sort());
    const tag = projectTag(p.project, p.stateDir);
    expect(sessionsOf(t).filter((s) => s.startsWith(`wg-chat-${tag}-`)).sort()).toEqual(refs.map((r) => `wg-chat-${tag}-${r}`).sort());
    const reg = JSON.parse(fs.readFileSync(path.join(p.stateDir, 'chats.json'), 'utf8'));
    expect(reg.chats).toHaveLength(10);
    expect(reg.chats.every((c: { state: string }) => c.state === 'running')).toBe(true);
    expect(fs.statSync(path.join(p.stateDir, 'chats.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(p.stateDir).mode & 0o777).toBe(0o700);
  });

  test('the chat outlives the process that created it (kill -9)', async () => {
    // A creator that stays alive after creating the chat, so it can be killed hard.
    const script = `
      const { makeChatContext } = require(${JSON.stringify(path.resolve(__dirname, '../dist/lib/chat/context.js'))});
      const { createChat } = require(${JSON.stringify(path.resolve(__dirname, '../dist/lib/chat/lifecycle.js'))});
      const { chatServerOptions } = require(${JSON.stringify(path.resolve(__dirname, '../dist/lib/chat/tmux-server.js'))});
      const { TmuxCli } = require(${JSON.stringify(path.resolve(__dirname, '../dist/lib/control/exec.js'))});
      const ctx = makeChatContext({ project: ${JSON.stringify(p.project)}, stateDir: ${JSON.stringify(p.stateDir)}, socket: ${JSON.stringify(t.socket)} });
      createChat(new TmuxCli(chatServerOptions(ctx)), ctx, { executor: 'cmd', name: 'orphan', argv: [${JSON.stringify(FAKE_AGENT)}] })
        .then((c) => { process.stdout.write(c.ref + '\\n'); setInterval(() => {}, 1000); });
    `;
    const child = spawn(process.execPath, ['-e', script], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    const ref = await new Promise<string>((resolve) => child.stdout.once('data', (b: Buffer) => resolve(b.toString().trim())));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    const session = `wg-chat-${projectTag(p.project, p.stateDir)}-${ref}`;
    expect(sessionsOf(t)).toContain(session);
    const sent = await runChatmux([...g, 'chat', 'send', ref, 'still here']);
    expect(sent).toMatchObject({ code: 0 });
    await waitFor(() => capture(t, session).includes('GOT[still here]'), 5000, 'orphan answers');
  });
});

describe('hostile input', () => {
  const { t, p, g } = chatFixture("we'ird; #{x} proj");
  const marker = path.join(p.root, 'PWNED');
  const touch = `#(touch ${marker})`;

  test('names, roles, argv and sent text with quotes, ;, \\, #(), {}, non-ASCII, 10 KB are safe', async () => {
    const names = [`it's`, 'say "hi"', 'a;b', 'back\\slash', touch, '{}', 'café ☕ 日本', `'; kill-server; '`, `${touch} #{session_name} #[fg=red]`];
    for (const name of names) {
      const r = await runChatmux([...g, 'chat', 'new', '--name', name, '--role', name, '--json', '--', FAKE_AGENT], {});
      expect(r.stderr).toBe('');
      expect(r).toMatchObject({ code: 0 });
      expect(JSON.parse(r.stdout).name).toBe(name);
    }
    const listed = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'])).stdout) as { name: string; role: string; session: string; ref: string }[];
    expect(listed.map((c) => c.name)).toEqual(names);
    expect(listed.map((c) => c.role)).toEqual(names);
    // tmux holds the same literal values
    for (const c of listed) expect(t.tmux('show-options', '-v', '-t', `=${c.session}:`, '@chatmux-name').replace(/\n$/, '')).toBe(c.name);

    const big = 'x'.repeat(10 * 1024);
    const argv = [`'`, '"', ';', '\\', touch, '{}', 'two words', 'new\nline', '$HOME', '`id`', big];
    const made = await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT, ...argv]);
    expect(made).toMatchObject({ code: 0 });
    const rec = JSON.parse(made.stdout);
    expect(rec.argv).toEqual([FAKE_AGENT, ...argv]);
    const out = path.join(p.stateDir, 'chats', rec.ref, 'output.log');
    await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('READY'), 5000, 'argv printed');
    const printed = fs.readFileSync(out, 'utf8').replace(/\r/g, '');
    for (const a of argv.filter((a) => !a.includes('\n') && a !== big)) expect(printed).toContain(`ARGV[${a}]\n`);
    expect(printed).toContain(`ARGV[${big}]`);
    expect(printed).toContain('ARGV[$HOME]');

    // sent text
    const text = `${touch} '"; \\ {} #{pane_id} ünï`;
    expect(await runChatmux([...g, 'chat', 'send', rec.ref, text])).toMatchObject({ code: 0 });
    await waitFor(() => fs.readFileSync(out, 'utf8').includes('GOT['), 5000, 'hostile text');
    expect(fs.readFileSync(out, 'utf8')).toContain(`GOT[${text}]`);
    // a non-UTF-8 line on stdin is sent as exact bytes
    expect(await runChatmux([...g, 'chat', 'send', rec.ref], { input: Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]) })).toMatchObject({ code: 0 });
    await waitFor(() => fs.readFileSync(out).includes(Buffer.from([0x47, 0x4f, 0x54, 0x5b, 0x61, 0xff, 0xfe, 0x62, 0x5d])), 5000, 'raw bytes');
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('control characters and oversize labels are refused with exit 2; non-UTF-8 argv bytes are safe', async () => {
    for (const bad of ['two\nlines', 'tab\there', 'esc\x1b[31m', 'y'.repeat(10 * 1024)]) {
      const r = await runChatmux([...g, 'chat', 'new', '--name', bad, '--', FAKE_AGENT]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/chatmux: name (".*" contains a control character|is longer than)/);
      const role = await runChatmux([...g, 'chat', 'new', '--role', bad, '--', FAKE_AGENT]);
      expect(role.code).toBe(2);
    }
    const made = await runChatmux([...g, 'chat', 'new', '--', FAKE_AGENT]);
    expect((await runChatmux([...g, 'chat', 'rename', made.stdout.trim(), 'a\nb'])).code).toBe(2);
    // Raw bytes 0xff 0xfe in argv (only a shell can pass them): stored as U+FFFD, nothing breaks.
    const sh = `exec "$0" "$1" ${g.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} chat new --name "$(printf 'n\\377\\376')" --json -- "$2" "$(printf 'a\\377b')"`;
    const r = await runProcess('/bin/sh', ['-c', sh, process.execPath, path.resolve(__dirname, '../bin/chatmux'), FAKE_AGENT]);
    expect(r).toMatchObject({ code: 0 });
    const rec = JSON.parse(r.stdout);
    expect(rec.name.startsWith('n')).toBe(true);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('secrets', () => {
  const { t, p, g } = chatFixture();
  const key = `sk-spec-${randomBytes(12).toString('hex')}`;

  test('the API key appears only in the chat session environment', async () => {
    const env = cleanEnv({ CHATMUX_SPEC_KEY: key, CHATMUX_CODEX_BIN: FAKE_AGENT, CHATMUX_CLAUDE_BIN: FAKE_AGENT });
    const codex = await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '-m', 'stub-model', '-e', 'http://127.0.0.1:9/v1', '--api-key-env', 'CHATMUX_SPEC_KEY', '--json'], {
      env: { ...env, FAKE_SHOW_VARS: 'CHATMUX_SPEC_KEY,ANTHROPIC_API_KEY,ANTHROPIC_AUTH_TOKEN' },
    });
    expect(codex).toMatchObject({ code: 0 });
    const claude = await runChatmux([...g, 'chat', 'new', '--executor', 'claude', '-e', 'http://127.0.0.1:9', '--api-key-env', 'CHATMUX_SPEC_KEY', '--json'], {
      env: { ...env, FAKE_SHOW_VARS: 'CHATMUX_SPEC_KEY,ANTHROPIC_API_KEY,ANTHROPIC_AUTH_TOKEN' },
    });
    expect(claude).toMatchObject({ code: 0 });
    const recs = [JSON.parse(codex.stdout), JSON.parse(claude.stdout)];
    // the key reached both agents (they print its length only)
    for (const rec of recs) await waitFor(() => capture(t, rec.session).includes('READY'), 5000, 'agent');
    // codex reads the variable named by env_key; claude with -e reads ANTHROPIC_AUTH_TOKEN; neither gets the other
    expect(capture(t, recs[0].session)).toContain(`KEYLEN[CHATMUX_SPEC_KEY=${key.length}]\nKEYLEN[ANTHROPIC_API_KEY=0]\nKEYLEN[ANTHROPIC_AUTH_TOKEN=0]`);
    expect(capture(t, recs[1].session)).toContain(`KEYLEN[CHATMUX_SPEC_KEY=0]\nKEYLEN[ANTHROPIC_API_KEY=0]\nKEYLEN[ANTHROPIC_AUTH_TOKEN=${key.length}]`);
    expect(capture(t, recs[0].session)).toContain('ARGV[model_providers.chatmux.env_key="CHATMUX_SPEC_KEY"]');
    // allowed place: the session environment
    expect(t.tmux('show-environment', '-t', `=${recs[0].session}`)).toContain(`CHATMUX_SPEC_KEY=${key}`);
    expect(t.tmux('show-environment', '-t', `=${recs[1].session}`)).toContain(`ANTHROPIC_AUTH_TOKEN=${key}`);
    // nowhere else: global environment, options, argv of any process, state files
    expect(t.tmux('show-environment', '-g')).not.toContain(key);
    for (const scope of [['-g'], ['-s'], ['-w', '-g'], ['-t', `=${recs[0].session}:`], ['-w', '-t', `=${recs[0].session}:`], ['-p', '-t', `=${recs[0].session}:`]]) {
      expect(t.tmux('show-options', ...scope)).not.toContain(key);
    }
    const leaks: string[] = [];
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`).includes(key)) leaks.push(pid);
      } catch {
        /* gone */
      }
    }
    expect(leaks).toEqual([]);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (e.isFile()) files.push(f);
      }
    };
    walk(p.stateDir);
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect({ f, leaked: fs.readFileSync(f).includes(key) }).toEqual({ f, leaked: false });
    const sessionsJson = await runChatmux([...g, 'sessions', '--json'], { env });
    expect(sessionsJson.stdout).not.toContain(key);
  });
});
