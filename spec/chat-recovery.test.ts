/**
 * Recovery paths of the chat layer on private tmux sockets: adoption vs sweep vs another
 * project with the same folder name, a corrupt registry, resumeLost after kill-server, the
 * inspector, and the node-pty fallback without tmux. Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAllTestServers, systemTmuxVersion, waitFor } from './support/tmux';
import { versionAtLeast } from '../lib/control/version';
import { chatFixture, cleanEnv, capture, FAKE_AGENT, globalArgs, sessionsOf, runChatmux, tempProject } from './support/chatmux-cli';
import { projectTag } from '../lib/chat/naming';
import { makeChatContext } from '../lib/chat/context';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { sweep } from '../lib/chat/sweep';
import { warnNoTmuxOnce } from '../lib/chat/fallback';
import { plainText } from '../lib/chat/logs';
import { TmuxCli } from '../lib/control/exec';
import { startStub } from '../fixtures/stub-server';

afterAll(() => killAllTestServers());

const readJson = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f: string, v: unknown) => fs.writeFileSync(f, JSON.stringify(v, null, 2));

describe('sweep, adoption and two projects with the same folder name', () => {
  const { t, p: a, g: ga } = chatFixture('same');
  const b = tempProject('same', { lazy: true });
  beforeAll(() => b.create());
  afterAll(() => b.cleanup());
  const gb = globalArgs(t.socket, b);
  const tagA = projectTag(a.project, a.stateDir);
  const tagB = projectTag(b.project, b.stateDir);

  test('adopts sessions with metadata, sweeps archived ones, reports unknown ones, leaves the other project alone', async () => {
    expect(tagA).not.toBe(tagB);
    expect(tagA.startsWith('same-')).toBe(true);
    for (let i = 0; i < 3; i++) expect(await runChatmux([...ga, 'chat', 'new', '--name', `a${i}`, '--', FAKE_AGENT, `arg ${i}`])).toMatchObject({ code: 0 });
    for (let i = 0; i < 2; i++) expect(await runChatmux([...gb, 'chat', 'new', '--name', `b${i}`, '--', FAKE_AGENT])).toMatchObject({ code: 0 });
    const regA = path.join(a.stateDir, 'chats.json');
    const regB = path.join(b.stateDir, 'chats.json');
    // A loses chat-1 from its registry (as if another process made it); chat-2 is archived but its session still runs.
    const ra = readJson(regA);
    ra.chats = ra.chats.filter((c: { ref: string }) => c.ref !== 'chat-1');
    ra.chats.find((c: { ref: string }) => c.ref === 'chat-2').state = 'archived';
    writeJson(regA, ra);
    // B also has an archived chat with a live session: A's sweep must not touch it.
    const rb = readJson(regB);
    rb.chats.find((c: { ref: string }) => c.ref === 'chat-2').state = 'archived';
    writeJson(regB, rb);
    const regBText = fs.readFileSync(regB, 'utf8');
    // Our prefix without metadata; a program's own session; view sessions of both projects.
    t.tmux('new-session', '-d', '-s', `wg-chat-${tagA}-chat-50`);
    t.tmux('new-session', '-d', '-s', 'someone-else');
    t.tmux('new-session', '-d', '-s', 'view-a');
    t.tmux('set-option', '-t', '=view-a:', '@chatmux-view', '1');
    t.tmux('set-option', '-t', '=view-a:', '@chatmux-project', a.project);
    t.tmux('new-session', '-d', '-s', 'view-b');
    t.tmux('set-option', '-t', '=view-b:', '@chatmux-view', '1');
    t.tmux('set-option', '-t', '=view-b:', '@chatmux-project', b.project);
    const before = sessionsOf(t).sort();

    const dry = await runChatmux([...ga, 'sweep', '--dry-run', '--json']);
    expect(dry).toMatchObject({ code: 0 });
    const dryReport = JSON.parse(dry.stdout);
    expect(dryReport.adopted.map((x: { ref: string }) => x.ref)).toEqual(['chat-1']);
    expect(dryReport.killed.map((x: { session: string }) => x.session)).toEqual([`wg-chat-${tagA}-chat-2`]);
    expect(dryReport.unknown.map((x: { session: string }) => x.session)).toEqual([`wg-chat-${tagA}-chat-50`]);
    expect(sessionsOf(t).sort()).toEqual(before);
    expect(readJson(regA).chats.map((c: { ref: string }) => c.ref)).toEqual(['chat-2', 'chat-3']);

    const real = await runChatmux([...ga, 'sweep']);
    expect(real).toMatchObject({ code: 0 });
    expect(real.stdout).toContain(`adopt  wg-chat-${tagA}-chat-1 as chat-1`);
    expect(real.stdout).toContain(`kill   wg-chat-${tagA}-chat-2  (chat is archived)`);
    expect(real.stdout).toContain(`report wg-chat-${tagA}-chat-50`);
    const after = sessionsOf(t);
    expect(after).not.toContain(`wg-chat-${tagA}-chat-2`);
    for (const s of [`wg-chat-${tagA}-chat-1`, `wg-chat-${tagA}-chat-3`, `wg-chat-${tagA}-chat-50`, `wg-chat-${tagB}-chat-1`, `wg-chat-${tagB}-chat-2`, 'someone-else', 'view-a', 'view-b']) {
      expect(after).toContain(s);
    }
    // The adopted record is complete: argv and name came back from the session's options.
    const adopted = readJson(regA).chats.find((c: { ref: string }) => c.ref === 'chat-1');
    expect(adopted).toMatchObject({ name: 'a0', executor: 'cmd', argv: [FAKE_AGENT, 'arg 0'], state: 'running', cwd: a.project });
    expect(fs.readFileSync(regB, 'utf8')).toBe(regBText);

    // A stale view session (past the grace period, no client) goes; the other project's stays.
    const ctxA = makeChatContext({ project: a.project, stateDir: a.stateDir, socket: t.socket });
    const report = await sweep(new TmuxCli(chatServerOptions(ctxA)), ctxA, { now: Date.now() / 1000 + 60 });
    expect(report.killed.map((k) => k.session)).toEqual(['view-a']);
    expect(sessionsOf(t)).toContain('view-b');
    // Killing the view did not take the chat windows with it.
    expect(sessionsOf(t)).toContain(`wg-chat-${tagA}-chat-3`);

    // B's own sweep handles B's archived chat.
    const swB = await runChatmux([...gb, 'sweep', '--json']);
    expect(JSON.parse(swB.stdout).killed.map((k: { session: string }) => k.session)).toEqual([`wg-chat-${tagB}-chat-2`]);
    expect(sessionsOf(t)).toContain(`wg-chat-${tagA}-chat-1`);
  });

  test('a corrupt registry with no backup is kept aside and rebuilt from tmux user options, with a warning', async () => {
    const regA = path.join(a.stateDir, 'chats.json');
    fs.writeFileSync(regA, '{"version": 1, "chats": [ oops');
    // Without the backup (registry-faults covers restoring from it): rebuilt from tmux.
    fs.rmSync(regA + '.bak');
    const listed = await runChatmux([...ga, 'chat', 'list', '--json']);
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stderr).toMatch(/warning: .*chats\.json was unreadable .*kept as chats\.json\.corrupt-/);
    expect(listed.stderr).toMatch(/recovered 2 chat\(s\) from tmux: chat-1, chat-3/);
    const chats = JSON.parse(listed.stdout);
    expect(chats.map((c: { ref: string; name: string }) => [c.ref, c.name])).toEqual([['chat-1', 'a0'], ['chat-3', 'a2']]);
    expect(fs.readdirSync(a.stateDir).filter((f) => f.startsWith('chats.json.corrupt-'))).toHaveLength(1);
    // refs keep counting from the highest known one
    expect((await runChatmux([...ga, 'chat', 'new', '--', FAKE_AGENT])).stdout.trim()).toBe('chat-4');
  });

  test('sessions inspector: windows, panes, clients, dead status, owning chat', async () => {
    const made = await runChatmux([...ga, 'chat', 'new', '--name', 'dies', '--json', '--', '/bin/sh', '-c', 'echo bye; exit 7']);
    const rec = JSON.parse(made.stdout);
    const res = await runChatmux([...ga, 'sessions', '--json']);
    expect(res).toMatchObject({ code: 0 });
    const x = JSON.parse(res.stdout);
    expect(x.serverRunning).toBe(true);
    const deadPane = async () => JSON.parse((await runChatmux([...ga, 'sessions', '--json'])).stdout).sessions.find((s: { name: string }) => s.name === rec.session).windows[0].panes[0];
    await waitFor(async () => (await deadPane()).dead, 5000, 'dead pane');
    // The status follows the dead mark; tmux < 3.4 sometimes never records it (then "exited").
    const known = await waitFor(async () => (await deadPane()).exitStatus !== null, 5000, 'exit status').then(() => true, () => false);
    if (versionAtLeast(systemTmuxVersion(), 3, 4)) expect(known).toBe(true);
    const y = JSON.parse((await runChatmux([...ga, 'sessions', '--json'])).stdout);
    const dead = y.sessions.find((s: { name: string }) => s.name === rec.session);
    expect(dead.chat).toMatchObject({ ref: rec.ref, name: 'dies', executor: 'cmd', project: a.project });
    expect(dead.windows[0].panes[0]).toMatchObject({ dead: true, exitStatus: known ? 7 : null });
    const live = y.sessions.find((s: { name: string }) => s.name === `wg-chat-${tagA}-chat-1`);
    expect(live.windows[0].panes[0]).toMatchObject({ dead: false, command: 'sh', width: 120, height: 40 });
    expect(live.windows[0].panes[0].pid).toBeGreaterThan(1);
    expect(live.clients).toEqual([]);
    expect(y.sessions.find((s: { name: string }) => s.name === 'someone-else').chat).toBeNull();
    const text = await runChatmux([...ga, 'sessions']);
    expect(text.stdout).toContain(known ? `dead (exit status 7)` : 'dead (exited)');
    // the chat list shows the exit too
    const table = await runChatmux([...ga, 'chat', 'list']);
    expect(table.stdout).toMatch(new RegExp(`${rec.ref}\\s+dies\\s+cmd\\s+exited${known ? '\\(7\\)' : '\\s'}`));
  });
});

describe('resumeLost after the tmux server died', () => {
  const { t, p, g } = chatFixture();
  const codexHome = path.join(p.root, 'codex-home');
  const env = cleanEnv({ CHATMUX_CLAUDE_BIN: FAKE_AGENT, CHATMUX_CODEX_BIN: FAKE_AGENT, CODEX_HOME: codexHome, FAKE_AGENT_REPORT: '1' });

  test('each running chat comes back with its own resume argv and its saved output above', async () => {
    const claude = JSON.parse((await runChatmux([...g, 'chat', 'new', '--executor', 'claude', '-m', 'opus', '--json'], { env })).stdout);
    // Two codex chats in the same folder; the first writes its rollout later, so "the newest/oldest
    // rollout in this folder" would give each chat the other's conversation.
    const codex1 = JSON.parse((await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '--json', '--', '--fake-rollout', codexHome, '1.5'], { env })).stdout);
    const codex2 = JSON.parse((await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '--json', '--', '--fake-rollout', codexHome, '0'], { env })).stdout);
    const cmd = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT, 'plain'], { env })).stdout);
    const closed = JSON.parse((await runChatmux([...g, 'chat', 'new', '--json', '--', FAKE_AGENT, 'closed'], { env })).stdout);
    expect(await runChatmux([...g, 'chat', 'close', closed.ref], { env })).toMatchObject({ code: 0 });
    const rolloutOf = async (session: string): Promise<string> => {
      await waitFor(() => /ROLLOUT\[/.test(capture(t, session)), 5000, 'rollout');
      return /ROLLOUT\[([0-9a-f-]{36})\]/.exec(capture(t, session))![1]!;
    };
    // A turn: the agent reports its id to the chat's hook (codex notify, claude UserPromptSubmit).
    const turn = async (rec: { ref: string; session: string }, text: string): Promise<void> => {
      expect(await runChatmux([...g, 'chat', 'send', rec.ref, text], { env })).toMatchObject({ code: 0 });
      await waitFor(() => capture(t, rec.session).includes(`GOT[${text}]`), 5000, `${rec.ref} got ${text}`);
      await waitFor(() => fs.existsSync(path.join(p.stateDir, 'chats', rec.ref, 'resume-id')), 5000, `${rec.ref} reported`);
    };
    const id1 = await rolloutOf(codex1.session);
    const id2 = await rolloutOf(codex2.session);
    expect(id1).not.toBe(id2);
    await turn(codex2, 'two-first');
    await turn(codex1, 'one-first');
    await turn(claude, 'before-kill');
    const claudeId = /ARGV\[--session-id\]\nARGV\[([0-9a-f-]{36})\]/.exec(capture(t, claude.session))![1]!;
    // `chat list` records the ids the agents reported.
    const listed = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout);
    const byRef = (ref: string) => listed.find((c: { ref: string }) => c.ref === ref);
    expect(byRef(codex1.ref).resumeId).toBe(id1);
    expect(byRef(codex2.ref).resumeId).toBe(id2);
    expect(byRef(claude.ref).resumeId).toBe(claudeId);
    await waitFor(() => fs.readFileSync(path.join(p.stateDir, 'chats', claude.ref, 'output.log'), 'utf8').includes('GOT[before-kill]'), 5000, 'output.log');
    // A codex chat nobody listed while it ran: its reported id is read when resuming.
    const codex3 = JSON.parse((await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '--json', '--', '--fake-rollout', codexHome, '0'], { env })).stdout);
    const id3 = await rolloutOf(codex3.session);
    await turn(codex3, 'three-first');
    // A codex chat that never had a turn: nothing of its own to resume (its rollout is the newest).
    const codex4 = JSON.parse((await runChatmux([...g, 'chat', 'new', '--executor', 'codex', '--json', '--', '--fake-rollout', codexHome, '0'], { env })).stdout);
    await rolloutOf(codex4.session);

    t.tmux('kill-server');
    expect(sessionsOf(t)).toEqual([]);
    const back = await runChatmux([...g, 'chat', 'list', '--json'], { env });
    expect(back).toMatchObject({ code: 0 });
    expect(back.stderr).toContain(`resumed ${claude.ref}, ${codex1.ref}, ${codex2.ref}, ${cmd.ref}, ${codex3.ref}, ${codex4.ref}`);
    expect(back.stderr).toContain(`${codex4.ref}: nothing to resume (no codex session id recorded); starting a fresh conversation`);
    const chats = JSON.parse(back.stdout);
    expect(chats.filter((c: { live: boolean }) => c.live).map((c: { ref: string }) => c.ref)).toEqual([claude.ref, codex1.ref, codex2.ref, cmd.ref, codex3.ref, codex4.ref]);
    expect(sessionsOf(t)).not.toContain(closed.session);

    await waitFor(() => capture(t, claude.session).includes('READY'), 5000, 'claude resumed');
    const claudeScreen = capture(t, claude.session);
    expect(claudeScreen).toContain(`ARGV[--model]\nARGV[opus]\nARGV[--resume]\nARGV[${claudeId}]`);
    expect(claudeScreen).toMatch(/--- chat-1: last output before tmux lost its session ---[\s\S]*GOT\[before-kill\][\s\S]*--- resumed /);
    for (const [rec, id] of [[codex1, id1], [codex2, id2], [codex3, id3]] as const) {
      await waitFor(() => capture(t, rec.session).includes('ARGV[resume]'), 5000, 'codex resumed');
      expect(capture(t, rec.session)).toContain(`ARGV[resume]\nARGV[${id}]`);
    }
    await waitFor(() => capture(t, codex4.session).includes('READY'), 5000, 'codex4 fresh');
    expect(capture(t, codex4.session)).not.toContain('ARGV[resume]');
    await waitFor(() => capture(t, cmd.session).includes('ARGV[plain]'), 5000, 'cmd rerun');
    // A second list resumes nothing more.
    const again = await runChatmux([...g, 'chat', 'list'], { env });
    expect(again.stderr).toBe('');
  }, 90_000);
});

describe('a nex chat against a stub endpoint', () => {
  const { t, p, g } = chatFixture();

  test('answers, and after kill-server continues from its transcript', async () => {
    const stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 30000 });
    try {
      const env = cleanEnv({ CHATMUX_SPEC_NEX_KEY: 'sk-dummy-nex' });
      const made = await runChatmux([...g, 'chat', 'new', '--executor', 'nex', '-m', 'stub-model', '-e', `${stub.url}/v1`, '--api-key-env', 'CHATMUX_SPEC_NEX_KEY', '--json'], { env });
      expect(made).toMatchObject({ code: 0 });
      const rec = JSON.parse(made.stdout);
      await waitFor(() => capture(t, rec.session).includes('/exit'), 8000, 'nex prompt');
      expect(await runChatmux([...g, 'chat', 'send', rec.ref, 'hello nex'], { env })).toMatchObject({ code: 0 });
      await waitFor(() => capture(t, rec.session).includes('echo: hello nex (messages: 1)'), 8000, 'reply');
      expect(stub.requests.some((r) => r.headers.authorization === 'Bearer sk-dummy-nex')).toBe(true);
      t.tmux('kill-server');
      const back = await runChatmux([...g, 'chat', 'list'], { env });
      expect(back.stderr).toContain(`resumed ${rec.ref}`);
      await waitFor(() => /resumed 1 earlier turn/.test(capture(t, rec.session)), 8000, 'transcript reloaded');
      expect(await runChatmux([...g, 'chat', 'send', rec.ref, 'second'], { env })).toMatchObject({ code: 0 });
      await waitFor(() => capture(t, rec.session).includes('echo: second (messages: 3)'), 8000, 'history kept');
    } finally {
      await stub.close();
    }
  });
});

describe('fallback without tmux', () => {
  const p = tempProject('proj', { lazy: true });
  beforeAll(() => p.create());
  afterAll(() => p.cleanup());

  test('with tmux hidden from PATH a chat runs under node-pty and the warning prints once', async () => {
    // A PATH with the few tools the fake agent needs and no tmux.
    const bin = path.join(p.root, 'bin');
    fs.mkdirSync(bin);
    for (const tool of ['sh', 'tr', 'cat', 'sleep', 'mkdir']) fs.symlinkSync(`/bin/${tool}`, path.join(bin, tool));
    const env = cleanEnv({ PATH: bin });
    const res = await runChatmux(['--project', p.project, '--state-dir', p.stateDir, 'chat', 'new', '--name', 'fg', '--', FAKE_AGENT, 'x y'], {
      env,
      input: 'hello pty\nexit 3\n',
    });
    const out = plainText(res.stdout);
    expect(out).toContain('ARGV[x y]');
    expect(out).toContain('GOT[hello pty]');
    expect(res.stderr.match(/stop when it exits/g)).toHaveLength(1);
    expect(res.stderr).toContain('tmux is not on PATH');
    expect(res.stderr).toContain('chat-1 exited with status 3');
    expect(res.code).toBe(1);
    const listed = await runChatmux(['--project', p.project, '--state-dir', p.stateDir, 'chat', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ ref: 'chat-1', name: 'fg', state: 'closed', live: null });
    const send = await runChatmux(['--project', p.project, '--state-dir', p.stateDir, 'chat', 'send', 'chat-1', 'x'], { env });
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('needs tmux (tmux is not on PATH)');
  });

  test('the warning is printed once per process', () => {
    const warnings: string[] = [];
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: 'unused', warn: (m) => warnings.push(m) });
    warnNoTmuxOnce(ctx, '--no-tmux');
    warnNoTmuxOnce(ctx, '--no-tmux');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('stop when it exits');
  });
});
