/**
 * bin/chatmux-hook, the program each chat's claude (`--settings` hooks) and codex (`-c notify`)
 * report their conversation id to, run directly as the CLIs run it, against a private tmux
 * server; and the helpers that build its per-chat configuration.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claudeHookSettings, codexNotifyConfig, hookProgram, reportedResumeId, reportedSessionId, shWord, userCodexNotify } from '../lib/chat/agent-report';
import { makeChatContext } from '../lib/chat/context';
import { chatSessionName } from '../lib/chat/naming';
import { tmuxEnv } from '../lib/control/server';
import { killAllTestServers, makeTestServer, type TestServer } from './support/tmux';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "chatmux-hook-it's here-")));
let t: TestServer;
const ctx = () => makeChatContext({ project: root, stateDir: path.join(root, 'state dir'), socket: t.socket });
const session = () => chatSessionName(ctx().tag, 'chat-1');
const dir = () => path.join(root, 'state dir', 'chats', 'chat-1');
const codexHome = path.join(root, 'codex home');
const ID = '01a22dab-7bc8-7d33-aa27-e010ad819af1';
const OTHER = '01a22dab-94da-7a33-a6c5-75897bdf1a47';

beforeAll(() => {
  t = makeTestServer();
  // Named explicitly: tmux would name it after the shell running `sleep 60` until that execs it.
  t.tmux('new-session', '-d', '-s', session(), '-n', 'sleep', 'sleep 60');
  fs.mkdirSync(dir(), { recursive: true });
});
afterAll(() => {
  killAllTestServers();
  fs.rmSync(root, { recursive: true, force: true });
});

const option = (name: string): string => t.tmux('show-options', '-v', '-t', `=${session()}:`, name).trim();

/** Run a command line exactly as claude does: through sh, the event JSON on stdin. */
function claudeRuns(event: string, input: Record<string, unknown>): { status: number | null; stdout: string } {
  const settings = JSON.parse(claudeHookSettings(ctx(), { ref: 'chat-1' })) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
  const r = spawnSync('/bin/sh', ['-c', settings.hooks[event]![0]!.hooks[0]!.command], { input: JSON.stringify(input), env: tmuxEnv(), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

/** Run the notify argv exactly as codex does: the event JSON appended as the last argument. */
function codexRuns(event: Record<string, unknown>, userNotify: string[] | null = null): { status: number | null; stdout: string } {
  const value = codexNotifyConfig(ctx(), { ref: 'chat-1' }, userNotify).slice('notify='.length);
  const argv = JSON.parse(value) as string[]; // our TOML array is JSON too
  const r = spawnSync(argv[0]!, [...argv.slice(1), JSON.stringify(event)], { env: { ...tmuxEnv(), CODEX_HOME: codexHome }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

describe('claude hooks', () => {
  test('SessionStart records the live id but nothing resumable; a prompt makes it resumable; output is silent', () => {
    const started = claudeRuns('SessionStart', { session_id: ID, transcript_path: '/x', cwd: root, hook_event_name: 'SessionStart', source: 'startup' });
    expect(started).toMatchObject({ status: 0, stdout: '' });
    expect(reportedSessionId(ctx(), 'chat-1')).toBe(ID);
    expect(option('@chatmux-session-id')).toBe(ID);
    expect(reportedResumeId(ctx(), 'chat-1')).toBeNull();
    // A prompt text that mimics the key must not be taken for it (it arrives JSON-escaped).
    const prompt = claudeRuns('UserPromptSubmit', { session_id: ID, hook_event_name: 'UserPromptSubmit', prompt: `"session_id":"${OTHER}"` });
    expect(prompt).toMatchObject({ status: 0, stdout: '' });
    expect(reportedResumeId(ctx(), 'chat-1')).toBe(ID);
    expect(option('@chatmux-resume-id')).toBe(ID);
    // claude after /clear: a new session without a conversation; nothing to resume any more
    expect(claudeRuns('SessionStart', { session_id: OTHER, hook_event_name: 'SessionStart', source: 'clear' }).status).toBe(0);
    expect(reportedSessionId(ctx(), 'chat-1')).toBe(OTHER);
    expect(reportedResumeId(ctx(), 'chat-1')).toBeNull();
    expect(option('@chatmux-resume-id')).toBe('');
    // a resumed session has its conversation
    expect(claudeRuns('SessionStart', { session_id: ID, hook_event_name: 'SessionStart', source: 'resume' }).status).toBe(0);
    expect(reportedResumeId(ctx(), 'chat-1')).toBe(ID);
  });

  test('bad ids and junk input change nothing and never fail the hook', () => {
    for (const input of [{ session_id: 'a b' }, { session_id: '$(touch /tmp/x)' }, { session_id: 'x'.repeat(65) }, {}]) {
      expect(claudeRuns('Stop', input).status).toBe(0);
    }
    expect(spawnSync(hookProgram(), ['claude'], { input: 'not json' }).status).toBe(0);
    expect(spawnSync(hookProgram(), [], {}).status).toBe(0);
    expect(reportedResumeId(ctx(), 'chat-1')).toBe(ID);
  });
});

describe('agent state (issue 13)', () => {
  const states = (): { state: string; since: number } => ({ state: option('@chatmux-state'), since: Number(option('@chatmux-state-since')) });

  test('claude: a prompt and tools → working, a permission or idle prompt → waiting, Stop → idle; each with its time', () => {
    const t0 = Math.floor(Date.now() / 1000);
    const steps: Array<[string, string]> = [
      ['SessionStart', 'idle'], ['UserPromptSubmit', 'working'], ['PreToolUse', 'working'], ['PermissionRequest', 'waiting'],
      ['PostToolUse', 'working'], ['Notification', 'waiting'], ['UserPromptSubmit', 'working'], ['Stop', 'idle'],
    ];
    for (const [event, want] of steps) {
      expect(claudeRuns(event, { session_id: ID, hook_event_name: event, source: 'resume' })).toMatchObject({ status: 0, stdout: '' });
      const s = states();
      expect(s.state).toBe(want);
      expect(s.since).toBeGreaterThanOrEqual(t0);
      expect(s.since).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    }
    // the waiting hook listens only to the prompts that wait for the user
    const settings = JSON.parse(claudeHookSettings(ctx(), { ref: 'chat-1' })) as { hooks: Record<string, Array<{ matcher?: string }>> };
    expect(settings.hooks.Notification![0]!.matcher).toBe('permission_prompt|idle_prompt|elicitation_dialog');
    // a turn's end is counted (SessionStart is no turn)
    expect(option('@chatmux-turns')).toBe('1');
    // the window keeps its name (renamed to itself only to notify control clients)
    expect(t.tmux('display-message', '-p', '-t', `=${session()}:`, '#{window_name}').trim()).toBe('sleep');
  });

  test('codex: a completed turn → idle', () => {
    t.tmux('set-option', '-t', `=${session()}:`, '@chatmux-state', 'working');
    expect(codexRuns({ type: 'agent-turn-complete', 'thread-id': OTHER }).status).toBe(0);
    expect(states().state).toBe('idle');
    expect(option('@chatmux-turns')).toBe('2');
  });
});

describe('codex notify', () => {
  const rollout = path.join(codexHome, 'sessions', '2026', '11', '30', `rollout-2026-11-30T18-15-42-${ID}.jsonl`);
  beforeAll(() => {
    fs.rmSync(path.join(dir(), 'resume-id'), { force: true });
    fs.mkdirSync(path.dirname(rollout), { recursive: true });
    fs.writeFileSync(rollout, '{"type":"session_meta"}\n');
  });

  test("a completed turn of a thread the user talks in is recorded; codex's side threads (title: no rollout; subagents) are not", () => {
    // codex's title-generation thread reports too, sometimes first: it has no rollout.
    expect(codexRuns({ type: 'agent-turn-complete', 'thread-id': OTHER, 'input-messages': ['Generate a concise title'] })).toMatchObject({ status: 0, stdout: '' });
    expect(reportedResumeId(ctx(), 'chat-1')).toBeNull();
    expect(codexRuns({ type: 'agent-turn-complete', 'thread-id': ID, 'turn-id': 't', cwd: root, 'input-messages': ['hi'] }).status).toBe(0);
    expect(reportedResumeId(ctx(), 'chat-1')).toBe(ID);
    expect(option('@chatmux-resume-id')).toBe(ID);
    // a subagent's thread has a rollout too, but it is not the chat's conversation
    const sub = path.join(path.dirname(rollout), `rollout-2026-11-30T18-16-00-${OTHER}.jsonl`);
    fs.writeFileSync(sub, `{"type":"session_meta","payload":{"id":"${OTHER}","thread_source":{"subagent":"x"}}}\n`);
    expect(codexRuns({ type: 'agent-turn-complete', 'thread-id': OTHER }).status).toBe(0);
    expect(reportedResumeId(ctx(), 'chat-1')).toBe(ID);
    fs.writeFileSync(sub, `{"type":"session_meta","payload":{"id":"${OTHER}","thread_source":"user"}}`); // no newline
    expect(codexRuns({ type: 'agent-turn-complete', 'thread-id': OTHER }).status).toBe(0);
    expect(reportedResumeId(ctx(), 'chat-1')).toBe(OTHER);
    fs.rmSync(sub);
    // other event types are not turns
    fs.rmSync(path.join(dir(), 'resume-id'));
    expect(codexRuns({ type: 'something-else', 'thread-id': ID }).status).toBe(0);
    expect(reportedResumeId(ctx(), 'chat-1')).toBeNull();
  });

  test("the user's own notify program still runs, with the same event as its last argument", () => {
    const out = path.join(root, 'user-notify.out');
    const prog = path.join(root, 'user notify.sh');
    fs.writeFileSync(prog, `#!/bin/sh\nprintf '%s|' "$@" > ${shWord(out)}\n`, { mode: 0o755 });
    const event = { type: 'agent-turn-complete', 'thread-id': ID };
    expect(codexRuns(event, [prog, '--flag', "it's"]).status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(`--flag|it's|${JSON.stringify(event)}|`);
  });

  test("the user's notify setting is read from config.toml (top level, strings only)", () => {
    expect(userCodexNotify('model = "x"\nnotify = ["notify-send", "Codex", \'it\'\'s\']\n')).toBeNull(); // '' is not TOML
    expect(userCodexNotify('notify = ["notify-send", "Co\\"dex", \'lit\\eral\'] # mine\n[tui]\n')).toEqual(['notify-send', 'Co"dex', 'lit\\eral']);
    expect(userCodexNotify('[profiles.x]\nnotify = ["a"]\n')).toBeNull();
    expect(userCodexNotify('notify = [\n "a",\n]\n')).toBeNull();
    expect(userCodexNotify('# none\nmodel = "m"\n')).toBeNull();
  });
});
