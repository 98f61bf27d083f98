/**
 * Agent state (issue 13) from the agents' own signals, with the REAL claude (2.1.328) and codex
 * (0.169.0) CLIs and chatmux's nex against the local stub, watched by `chatmux events --json`
 * (one control connection). claude asks permission for a tool the stub makes it call: waiting;
 * answered in the pane: working again, then idle. The user's own config files stay
 * byte-identical. Without the CLIs: one SKIP line each, those tests skipped.
 * Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStub, type Stub } from '../fixtures/stub-server';
import { agentClis, agentUserHome, skipLine } from './support/agent-clis';
import { BIN, capture, chatFixture, cleanEnv, runChatmux } from './support/chatmux-cli';
import { filesUnder } from './support/secrets';
import { killAllTestServers, waitFor } from './support/tmux';

const clis = agentClis();
skipLine('codex', clis);
skipLine('claude', clis);
const codexTest = clis.codex ? test : test.skip;
const claudeTest = clis.claude ? test : test.skip;

const KEY_VAR = 'CHATMUX_REAL_KEY';
const KEY = `sk-real-${randomBytes(12).toString('hex')}`;

afterAll(() => killAllTestServers());

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [path.relative(dir, f), createHash('sha256').update(fs.readFileSync(f)).digest('hex')]));
}

describe('agent state from the agents themselves', () => {
  const { t, p, g } = chatFixture();
  let stub: Stub;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let userFilesBefore: Record<string, string>;
  let events: ChildProcess;
  let out = '';

  /** The state events `chatmux events --json` printed for one chat, in order. */
  const statesOf = (ref: string): string[] =>
    out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; ref: string; state?: string }).filter((e) => e.ref === ref && e.event === 'state').map((e) => e.state!);

  beforeAll(async () => {
    stub = await startStub({ reply: 'Done from the stub', idleTimeoutMs: 180_000 });
    home = path.join(p.root, 'home');
    const userEnv = agentUserHome(home, clis, {
      '.codex/config.toml': 'model = "gpt-users-own"\nnotify = ["/bin/true", "users-own"]\n',
      '.claude/settings.json': '{"model":"users-own-model","hooks":{}}\n',
      '.claude.json': '{"numStartups":7}\n',
    }, { [KEY_VAR]: KEY });
    userFilesBefore = snapshot(home);
    env = cleanEnv(userEnv);
    // A first chat starts the server; events then follows every change on one connection.
    expect((await runChatmux([...g, 'chat', 'new', '--executor', 'shell', '--name', 'anchor'], { env })).code).toBe(0);
    events = spawn(process.execPath, [BIN, ...g, 'events', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    events.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor(() => t.tmux('list-sessions', '-F', '#{session_name}').includes('chatmux-view'), 10_000, 'events connected');
  }, 30_000);
  afterAll(async () => {
    events?.kill('SIGINT');
    await stub.close();
  });

  async function newChat(executor: 'codex' | 'claude' | 'nex', extra: string[] = []): Promise<{ ref: string; session: string }> {
    const r = await runChatmux([...g, 'chat', 'new', '--executor', executor, '-m', 'stub-model', '-e', stub.url, '--api-key-env', KEY_VAR, '--json', '--', ...extra], { env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as { ref: string; session: string };
  }

  const listedState = async (ref: string): Promise<string | undefined> =>
    (JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout) as Array<{ ref: string; state: string }>).find((c) => c.ref === ref)?.state;

  claudeTest('claude: a turn with a tool — working, waiting for permission, working after the answer in the pane, idle', async () => {
    // claude's default here is auto mode (a classifier answers); ask the user like most setups do.
    const chat = await newChat('claude', ['--permission-mode', 'default']);
    await waitFor(() => /^❯/m.test(capture(t, chat.session)), 30_000, 'claude prompt');
    expect(await listedState(chat.ref)).toBe('idle');
    // a command that changes the folder: claude asks before running it
    stub.enqueue({ kind: 'tool', name: 'Bash', input: { command: 'touch state-probe-42.txt', description: 'Create the probe file' } });
    stub.setDefault({ kind: 'reply', text: 'Done from the stub', delayMs: 300 });
    expect(await runChatmux([...g, 'chat', 'send', chat.ref, 'run the probe'], { env })).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => statesOf(chat.ref).includes('waiting'), 30_000, `claude waiting (events: ${statesOf(chat.ref).join(',')})`);
    expect(await listedState(chat.ref)).toBe('waiting');
    // the hook reports the permission request a moment before claude draws its dialog
    await waitFor(() => /Do you want to proceed/.test(capture(t, chat.session)), 15_000, 'the permission dialog');
    // the user answers in the pane: yes (the first choice)
    // (the dialog draws before it reads keys, as codex's prompt does: a key sent at once can be
    // lost, so press again if the chat still waits a few seconds later)
    await new Promise((r) => setTimeout(r, 1000));
    t.tmux('send-keys', '-t', `=${chat.session}:`, 'Enter');
    await waitFor(() => statesOf(chat.ref).at(-1) !== 'waiting', 5_000, 'the answer taken').catch(() => {
      t.tmux('send-keys', '-t', `=${chat.session}:`, 'Enter');
    });
    await waitFor(() => statesOf(chat.ref).at(-1) === 'idle', 30_000, `claude idle (events: ${statesOf(chat.ref).join(',')})`);
    expect(statesOf(chat.ref)).toEqual(['working', 'waiting', 'working', 'idle']);
    await waitFor(() => capture(t, chat.session).includes('Done from the stub'), 10_000, 'the final reply');
    expect(fs.existsSync(path.join(p.project, 'state-probe-42.txt'))).toBe(true);
  }, 90_000);

  codexTest('codex: a turn goes working (Enter sent through chatmux: inferred) → idle (its notify program)', async () => {
    const chat = await newChat('codex');
    await waitFor(() => /Ask Codex|›/.test(capture(t, chat.session)), 30_000, 'codex prompt');
    await new Promise((r) => setTimeout(r, 1000)); // its prompt draws before it reads keys
    stub.setDefault({ kind: 'reply', text: 'Done from the stub', delayMs: 300 });
    expect(await runChatmux([...g, 'chat', 'send', chat.ref, 'say hi'], { env })).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => statesOf(chat.ref).at(-1) === 'idle', 30_000, 'codex idle').catch((e: Error) => {
      throw new Error(`${e.message}; events: ${statesOf(chat.ref).join(',')}; pane:\n${capture(t, chat.session)}`);
    });
    expect(statesOf(chat.ref)).toEqual(['working', 'idle']);
    expect(await listedState(chat.ref)).toBe('idle');
  }, 90_000);

  test('nex: a turn goes working → idle, reported by nex itself', async () => {
    const chat = await newChat('nex');
    await waitFor(() => /> $|nex/m.test(capture(t, chat.session)), 15_000, 'nex prompt');
    stub.setDefault({ kind: 'reply', text: 'Done from the stub, slowly', delayMs: 300 });
    expect(await runChatmux([...g, 'chat', 'send', chat.ref, 'hello nex'], { env })).toMatchObject({ code: 0, stderr: '' });
    await waitFor(() => statesOf(chat.ref).at(-1) === 'idle' && statesOf(chat.ref).includes('working'), 20_000, `nex idle (events: ${statesOf(chat.ref).join(',')})`);
    expect(statesOf(chat.ref)).toEqual(['working', 'idle']);
  }, 60_000);

  test("the user's own claude and codex settings files are byte-identical after all of it", () => {
    expect(snapshot(home)).toEqual(userFilesBefore);
  });
});
