/**
 * The REAL codex (0.169.0) and claude (2.1.328) CLIs, installed into a cache outside the repo
 * (fixtures/install-agent-clis.sh), run as chatmux chats against the local stub server on a
 * private tmux socket. HOME, CODEX_HOME and CLAUDE_CONFIG_DIR point at a temp "user" folder
 * holding fake config files, so the real user's files are never touched and we can prove
 * chatmux leaves them alone. Without the CLIs: one SKIP line each, tests skipped.
 * Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStub, type RecordedRequest, type Stub } from '../fixtures/stub-server';
import { agentClis, skipLine } from './support/agent-clis';
import { capture, chatFixture, cleanEnv, runChatmux } from './support/chatmux-cli';
import { filesUnder, pidsWithArgvContaining } from './support/secrets';
import { killAllTestServers, waitFor } from './support/tmux';

const clis = agentClis();
skipLine('codex', clis);
skipLine('claude', clis);
const codexTest = clis.codex ? test : test.skip;
const claudeTest = clis.claude ? test : test.skip;
const bothTest = clis.codex && clis.claude ? test : test.skip;

const KEY_VAR = 'CHATMUX_REAL_KEY';
const KEY = `sk-real-${randomBytes(12).toString('hex')}`;
const PANE_REPLY = 'Pong from the stub server';

afterAll(() => killAllTestServers());

/** path → sha256 of every file under `dir`. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [path.relative(dir, f), createHash('sha256').update(fs.readFileSync(f)).digest('hex')]));
}

/** Text of the user messages in a Responses request (codex), in order. */
function responsesUserTexts(r: RecordedRequest): string[] {
  const input = (r.body as { input?: Array<{ role?: string; content?: Array<{ text?: string }> }> }).input ?? [];
  return input.filter((i) => i.role === 'user').map((i) => (i.content ?? []).map((c) => c.text ?? '').join(''));
}

const ua = (r: RecordedRequest): string => String(r.headers['user-agent'] ?? '');

describe('real agent CLIs against the stub', () => {
  const { t, p, g } = chatFixture();
  let stub: Stub;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let userFilesBefore: Record<string, string>;
  const chats: Record<string, { ref: string; session: string }> = {};

  beforeAll(async () => {
    stub = await startStub({ reply: PANE_REPLY, idleTimeoutMs: 120_000 });
    // The "user": their own codex and claude config, which chatmux must not change.
    home = path.join(p.root, 'home');
    fs.mkdirSync(path.join(home, '.codex'), { recursive: true });
    fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
    fs.writeFileSync(path.join(home, '.codex', 'config.toml'), 'model = "gpt-users-own"\n\n[projects."/elsewhere"]\ntrust_level = "trusted"\n');
    fs.writeFileSync(path.join(home, '.codex', 'auth.json'), '{"OPENAI_API_KEY":"sk-users-own-codex-key"}\n');
    fs.writeFileSync(path.join(home, '.claude', '.claude.json'), '{"hasCompletedOnboarding":false,"projects":{}}\n');
    fs.writeFileSync(path.join(home, '.claude', 'settings.json'), '{"model":"users-own-model"}\n');
    fs.writeFileSync(path.join(home, '.claude.json'), '{"numStartups":7}\n');
    userFilesBefore = snapshot(home);
    env = cleanEnv({
      HOME: home,
      CODEX_HOME: path.join(home, '.codex'),
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CHATMUX_CODEX_BIN: clis.codex ?? '/nonexistent/codex',
      CHATMUX_CLAUDE_BIN: clis.claude ?? '/nonexistent/claude',
      [KEY_VAR]: KEY,
    });
  });
  afterAll(async () => {
    await stub.close();
  });

  async function newChat(executor: 'codex' | 'claude'): Promise<{ ref: string; session: string }> {
    const r = await runChatmux([...g, 'chat', 'new', '--executor', executor, '-m', 'stub-model', '-e', stub.url, '--api-key-env', KEY_VAR, '--json'], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as { ref: string; session: string };
  }

  codexTest('codex chat: no trust prompt, the request goes to the stub with the bearer key, the reply shows in the pane', async () => {
    stub.setDefault({ kind: 'reply', text: PANE_REPLY });
    const chat = (chats.codex = await newChat('codex'));
    await waitFor(() => /Ask Codex|›/.test(capture(t, chat.session)), 20_000, 'codex prompt');
    expect(capture(t, chat.session)).not.toMatch(/Trust this folder/);
    const before = stub.modelRequests().length;
    expect(await runChatmux([...g, 'chat', 'send', chat.ref, 'say hi from the pane'], { env })).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => capture(t, chat.session).includes(`• ${PANE_REPLY}`), 20_000, 'codex reply in the pane');
    const reqs = stub.modelRequests().slice(before).filter((r) => ua(r).startsWith('codex-tui/'));
    expect(reqs.length).toBeGreaterThan(0);
    for (const r of reqs) {
      expect(r).toMatchObject({ method: 'POST', path: '/v1/responses', api: 'responses' });
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect((r.body as { model: string }).model).toBe('stub-model');
    }
    expect(reqs.some((r) => responsesUserTexts(r).includes('say hi from the pane'))).toBe(true);
    // stderr goes through the logging wrapper and the screen still renders (checked above).
    const log = fs.readFileSync(path.join(p.stateDir, 'chats', chat.ref, 'stderr.log'), 'utf8');
    expect(log.split('\n')[0]).toMatch(/^# chatmux \S+ start chat-\d+: stderr of codex, tee'd through a pipe/);
    // its own CODEX_HOME, seeded with the folder's trust
    expect(fs.readFileSync(path.join(p.stateDir, 'chats', chat.ref, 'codex-home', 'config.toml'), 'utf8')).toContain(`[projects.${JSON.stringify(p.project)}]\ntrust_level = "trusted"`);
  }, 60_000);

  claudeTest('claude chat: no onboarding, trust or key prompt, the request goes to the stub with the bearer key, the reply shows', async () => {
    stub.setDefault({ kind: 'reply', text: PANE_REPLY });
    const chat = (chats.claude = await newChat('claude'));
    await waitFor(() => /^❯/m.test(capture(t, chat.session)), 30_000, 'claude prompt');
    const screen = capture(t, chat.session);
    expect(screen).not.toMatch(/custom API key|trust this folder|Unable to connect|Select login method|Choose the text style/i);
    const before = stub.modelRequests().length;
    expect(await runChatmux([...g, 'chat', 'send', chat.ref, 'say hi to claude'], { env })).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => capture(t, chat.session).includes(`● ${PANE_REPLY}`), 30_000, 'claude reply in the pane');
    const reqs = stub.modelRequests().slice(before).filter((r) => ua(r).startsWith('claude-cli/'));
    expect(reqs.length).toBeGreaterThan(0);
    for (const r of reqs) {
      expect(r.path).toMatch(/^\/v1\/messages(\?|$)/);
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.headers['x-api-key']).toBeUndefined();
    }
    const log = fs.readFileSync(path.join(p.stateDir, 'chats', chat.ref, 'stderr.log'), 'utf8');
    expect(log.split('\n')[0]).toMatch(/^# chatmux \S+ start chat-\d+: stderr of claude, tee'd through a pipe/);
  }, 60_000);

  bothTest("the key lives only in the chats' session environments; the user's config files are unchanged", async () => {
    const { codex, claude } = chats;
    expect(codex && claude).toBeTruthy();
    expect(t.tmux('show-environment', '-t', `=${codex!.session}`)).toContain(`${KEY_VAR}=${KEY}`);
    expect(t.tmux('show-environment', '-t', `=${claude!.session}`)).toContain(`ANTHROPIC_AUTH_TOKEN=${KEY}`);
    expect(t.tmux('show-environment', '-g')).not.toContain(KEY);
    for (const s of [codex!.session, claude!.session]) {
      for (const scope of [['-g'], ['-s'], ['-w', '-g'], ['-t', `=${s}:`], ['-w', '-t', `=${s}:`], ['-p', '-t', `=${s}:`]]) {
        expect(t.tmux('show-options', ...scope)).not.toContain(KEY);
      }
    }
    expect(pidsWithArgvContaining(KEY)).toEqual([]);
    // Every file under the state dir, including the per-chat CODEX_HOME / CLAUDE_CONFIG_DIR the CLIs write to.
    const files = filesUnder(p.stateDir);
    expect(files.some((f) => f.includes(`${path.sep}codex-home${path.sep}`))).toBe(true);
    expect(files.some((f) => f.includes(`${path.sep}claude-config${path.sep}`))).toBe(true);
    expect(files.filter((f) => fs.readFileSync(f).includes(KEY))).toEqual([]);
    expect(snapshot(home)).toEqual(userFilesBefore);
  }, 30_000);

  codexTest('chatmux ask on a codex chat whose pane holds the session: a clear error; after chat close it continues the pane\'s conversation', async () => {
    const chat = chats.codex!;
    stub.setDefault({ kind: 'echo' });
    const busy = await runChatmux([...g, 'ask', chat.ref, 'while the pane runs'], { env });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe(`chatmux: ${chat.ref}'s codex session is open in its pane (codex lets one process write a session): type into it with chatmux chat send ${chat.ref}, or chatmux chat close ${chat.ref} and ask again\n`);
    expect((await runChatmux([...g, 'chat', 'close', chat.ref], { env })).code).toBe(0);
    const before = stub.modelRequests().length;
    const r = await runChatmux([...g, 'ask', chat.ref, 'and now headless'], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^echo: and now headless/);
    const reqs = stub.modelRequests().slice(before);
    expect(reqs).toHaveLength(1);
    expect(ua(reqs[0]!)).toMatch(/^codex_exec\//);
    expect(reqs[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    const texts = responsesUserTexts(reqs[0]!);
    expect(texts.indexOf('say hi from the pane')).toBeGreaterThanOrEqual(0);
    expect(texts.indexOf('say hi from the pane')).toBeLessThan(texts.indexOf('and now headless'));
  }, 60_000);

  codexTest('seed 002: five chatmux ask turns on a new codex chat; the stub sees all five, each carrying the earlier turns', async () => {
    const chat = await newChat('codex');
    stub.setDefault({ kind: 'echo' });
    const before = stub.requests.length;
    for (let i = 1; i <= 5; i++) {
      const r = await runChatmux([...g, 'ask', chat.ref, `turn ${i}`], { env });
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^echo: turn ${i} \\(messages: \\d+\\)\\n$`));
    }
    const reqs = stub.requests.slice(before);
    expect(reqs).toHaveLength(5);
    reqs.forEach((r, i) => {
      expect(r).toMatchObject({ method: 'POST', path: '/v1/responses' });
      expect(r.headers.host).toBe(`127.0.0.1:${stub.port}`);
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      const turns = responsesUserTexts(r).filter((x) => /^turn \d$/.test(x));
      expect(turns).toEqual(Array.from({ length: i + 1 }, (_, k) => `turn ${k + 1}`));
    });
    // one codex session for the chat, recorded as its resume id; every turn in its transcript
    const listed = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout) as Array<{ ref: string; resumeId: string | null }>;
    expect(listed.find((c) => c.ref === chat.ref)!.resumeId).toMatch(/^[0-9a-f-]{36}$/);
    const transcript = fs.readFileSync(path.join(p.stateDir, 'chats', chat.ref, 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { user: string; assistant: string });
    expect(transcript.map((x) => x.user)).toEqual(['turn 1', 'turn 2', 'turn 3', 'turn 4', 'turn 5']);
    expect(transcript[4]!.assistant).toMatch(/^echo: turn 5/);
    chats.asked = chat;
  }, 60_000);

  codexTest('an endpoint error is one line on stderr, exit 1, and a line in the chat\'s stderr log', async () => {
    const chat = chats.asked!;
    stub.enqueue({ kind: 'error', status: 400, message: 'model "stub-model" is not loaded on this server' });
    const r = await runChatmux([...g, 'ask', chat.ref, 'this one fails'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('chatmux: codex: model "stub-model" is not loaded on this server\n');
    const log = fs.readFileSync(path.join(p.stateDir, 'chats', chat.ref, 'stderr.log'), 'utf8');
    expect(log).toMatch(/\n\S+ chatmux ask: codex: model "stub-model" is not loaded on this server\n/);
    const transcript = fs.readFileSync(path.join(p.stateDir, 'chats', chat.ref, 'transcript.jsonl'), 'utf8');
    expect(transcript).not.toContain('this one fails');
  }, 30_000);
});
