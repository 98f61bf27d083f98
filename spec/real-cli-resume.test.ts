/**
 * Issue 11.1 / 11.2 with the REAL codex (0.169.0) and claude (2.1.328) CLIs against the stub:
 * each chat comes back after `kill-server` as itself. Three codex chats in one folder on the
 * user's own codex setup (a user-like CODEX_HOME whose config.toml points the user's own provider
 * at the stub and has an auth.json: what makes codex use its shared app-server daemon), one of
 * them without a turn; two claude chats (`-e`), one without a turn. After the server dies,
 * `chatmux chat list` brings them back (resumeLost, as a UI restart does); every resumed request
 * must carry its own chat's earlier turns and no other's, the turn-less chats start fresh and
 * run, and the user's files are byte-identical. Skips (one SKIP line) without the CLIs.
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
const bothTest = clis.codex && clis.claude ? test : test.skip;

const KEY_VAR = 'CHATMUX_RESUME_KEY';
const KEY = `sk-resume-${randomBytes(12).toString('hex')}`;
const USER_KEY = `sk-users-own-${randomBytes(8).toString('hex')}`;

afterAll(() => killAllTestServers());

type Ref = { ref: string; session: string };

/** Each user-role text of a request, one entry per text block (codex Responses or claude Messages). */
function userTexts(r: RecordedRequest): string[] {
  const body = r.body as { input?: Array<{ role?: string; content?: unknown }>; messages?: Array<{ role?: string; content?: unknown }> };
  const out: string[] = [];
  for (const m of body.input ?? body.messages ?? []) {
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') out.push(m.content);
    else if (Array.isArray(m.content)) for (const c of m.content as Array<{ text?: string }>) if (typeof c.text === 'string') out.push(c.text);
  }
  return out;
}

const MARK = /\b(alpha|beta|gamma|xray|yankee) (one|two)\b/g;

describe('every chat comes back as itself after kill-server (real CLIs)', () => {
  const { t, p, g } = chatFixture('two codex');
  let stub: Stub;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const userFiles = new Map<string, string>();
  const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

  beforeAll(async () => {
    stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 180_000 });
    home = path.join(p.root, 'home');
    const codexHome = path.join(home, '.codex');
    fs.mkdirSync(codexHome, { recursive: true });
    const notifyLog = path.join(p.root, 'user-notify.log');
    const userNotify = path.join(p.root, 'user-notify.sh');
    fs.writeFileSync(userNotify, `#!/bin/sh\nfor a; do last=$a; done\nprintf '%s\\n' "$last" >> '${notifyLog}'\n`, { mode: 0o755 });
    // The user's own codex: their provider (here the stub), their key variable, their notify
    // program, their login, and the keys codex itself would add on its first starts.
    fs.writeFileSync(path.join(codexHome, 'config.toml'), [
      'model = "stub-model"',
      'model_provider = "mine"',
      `notify = [${JSON.stringify(userNotify)}, "from-user-config"]`,
      '',
      '[model_providers.mine]',
      'name = "my own server"',
      `base_url = "${stub.url}/v1"`,
      'wire_api = "responses"',
      'env_key = "USER_CODEX_KEY"',
      '',
      `[projects.${JSON.stringify(p.project)}]`,
      'trust_level = "trusted"',
      '',
      '[tui]',
      'screen_reader_detection_done = true',
      '',
      '[tui.model_availability_nux]',
      '"gpt-6.1-sol" = 4',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(codexHome, 'auth.json'), `{"OPENAI_API_KEY":"${USER_KEY}"}\n`);
    for (const f of filesUnder(home)) userFiles.set(path.relative(home, f), sha(f));
    env = cleanEnv({
      HOME: home,
      CODEX_HOME: codexHome,
      USER_CODEX_KEY: USER_KEY,
      CHATMUX_CODEX_BIN: clis.codex ?? '/nonexistent/codex',
      CHATMUX_CLAUDE_BIN: clis.claude ?? '/nonexistent/claude',
      [KEY_VAR]: KEY,
    });
  });
  afterAll(async () => {
    await stub.close();
    // Anything still running from this test's home (a codex daemon, if one was started) goes now.
    for (const pid of home ? pidsWithArgvContaining(home) : []) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  const newChat = async (args: string[]): Promise<Ref> => {
    const r = await runChatmux([...g, 'chat', 'new', ...args, '--json'], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as Ref;
  };
  const codexReady = (c: Ref) => waitFor(() => /Ask Codex|›/.test(capture(t, c.session)), 40_000, `${c.ref}: codex prompt`);
  const claudeReady = (c: Ref) => waitFor(() => /^❯/m.test(capture(t, c.session)), 40_000, `${c.ref}: claude prompt`);
  const say = async (c: Ref, text: string): Promise<void> => {
    expect(await runChatmux([...g, 'chat', 'send', c.ref, text], { env })).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => capture(t, c.session).includes(`${text} (messages:`), 40_000, `${c.ref}: reply to ${text}`);
  };
  /** The marker texts of every request that carried `text` as a user message of its own. */
  const markersSentWith = (text: string): string[][] =>
    stub.modelRequests().filter((r) => userTexts(r).includes(text)).map((r) => userTexts(r).flatMap((u) => [...u.matchAll(MARK)].map((m) => m[0])));
  const panes = async (): Promise<Map<string, { dead: boolean; exitStatus: number | null }>> => {
    const j = JSON.parse((await runChatmux([...g, 'sessions', '--json'], { env })).stdout) as { sessions: Array<{ name: string; windows: Array<{ panes: Array<{ dead: boolean; exitStatus: number | null }> }> }> };
    return new Map(j.sessions.map((s) => [s.name, s.windows[0]!.panes[0]!]));
  };

  bothTest('three own-login codex chats and two claude chats, with and without turns, through kill-server and resume', async () => {
    const claudeArgs = ['--executor', 'claude', '-m', 'stub-model', '-e', stub.url, '--api-key-env', KEY_VAR];
    const alpha = await newChat(['--executor', 'codex', '--name', 'alpha']);
    const beta = await newChat(['--executor', 'codex', '--name', 'beta']);
    const gamma = await newChat(['--executor', 'codex', '--name', 'gamma']);
    const xray = await newChat([...claudeArgs, '--name', 'xray']);
    const yankee = await newChat([...claudeArgs, '--name', 'yankee']);
    for (const c of [alpha, beta, gamma]) await codexReady(c);
    for (const c of [xray, yankee]) await claudeReady(c);
    await say(gamma, 'gamma one');
    await say(alpha, 'alpha one');
    await say(yankee, 'yankee one');
    // beta and xray: never a turn.

    t.tmux('kill-server');
    const back = await runChatmux([...g, 'chat', 'list', '--json'], { env });
    expect(back.code).toBe(0);
    expect(back.stderr).toContain(`resumed ${[alpha, beta, gamma, xray, yankee].map((c) => c.ref).join(', ')}`);
    expect(back.stderr).toContain(`${beta.ref}: nothing to resume`);
    expect(back.stderr).toContain(`${xray.ref}: nothing to resume`);
    for (const c of [alpha, beta, gamma]) await codexReady(c);
    for (const c of [xray, yankee]) await claudeReady(c);
    // Every chat runs (the turn-less claude chat used to come back dead(1): "No conversation found").
    const live = await panes();
    for (const c of [alpha, beta, gamma, xray, yankee]) expect({ ref: c.ref, ...live.get(c.session) }).toMatchObject({ ref: c.ref, dead: false });
    expect(capture(t, xray.session)).not.toContain('No conversation found');

    await say(alpha, 'alpha two');
    await say(beta, 'beta one');
    await say(gamma, 'gamma two');
    await say(xray, 'xray one');
    await say(yankee, 'yankee two');
    // Each resumed request carries its own chat's earlier turns and no other's (codex's title
    // request also quotes the prompt, as one longer text: not matched exactly).
    const expected: Record<string, string[]> = {
      'alpha two': ['alpha one', 'alpha two'],
      'beta one': ['beta one'],
      'gamma two': ['gamma one', 'gamma two'],
      'xray one': ['xray one'],
      'yankee two': ['yankee one', 'yankee two'],
    };
    for (const [text, markers] of Object.entries(expected)) {
      const sent = markersSentWith(text);
      expect({ text, requests: sent.length }).toMatchObject({ text, requests: expect.any(Number) });
      expect(sent.length).toBeGreaterThan(0);
      for (const m of sent) expect({ text, markers: [...new Set(m)].sort() }).toEqual({ text, markers });
    }

    // No shared codex daemon: nothing runs from the user's codex home, and no daemon log in a pane.
    expect(pidsWithArgvContaining(path.join(home, '.codex', 'packages'))).toEqual([]);
    for (const c of [alpha, beta, gamma]) expect(capture(t, c.session)).not.toMatch(/"timestampMs"|"processPid"/);
    // The user's own notify program still ran, once per completed turn of theirs at least.
    expect(fs.readFileSync(path.join(p.root, 'user-notify.log'), 'utf8')).toContain('"type":"agent-turn-complete"');
    // The user's files: byte-identical (codex adds only its own session and state files).
    const after = new Map(filesUnder(home).map((f) => [path.relative(home, f), sha(f)]));
    for (const [f, h] of userFiles) expect({ f, h: after.get(f) }).toEqual({ f, h });
  }, 300_000);
});
