/**
 * Agent state (issue 13) from the command line: shell chats derived by tmux, stalled derived by
 * the reader, `chatmux chat list` STATE/SINCE, `chatmux wait`, `chatmux events --json`; and
 * the state model's rules. Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { makeChatContext } from '../lib/chat/context';
import { effectiveState, parseStates, SESSION_STATE_FORMAT, type AgentState, type RawChatState } from '../lib/chat/agent-state';
import { alertBytes, alertOptions, callsUser, nextAttention } from '../lib/ui/state-marks';
import { BIN, chatFixture, cleanEnv, runChatmux } from './support/chatmux-cli';
import { killAllTestServers, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

describe('state model', () => {
  const raw = (o: Partial<RawChatState>): RawChatState => ({
    session: 's', reported: null, reportedSince: null, dead: false, deadStatus: null, foregroundIdle: null, activity: null, turns: 0, ...o,
  });

  test('records parse; junk is dropped; agents show what they reported, shells what runs', () => {
    const m = parseStates('a|working|100|0||-|120|3;b|||;c|idle|5|1|3|-||;bogus;d|weird|9|0||0|130|;');
    expect([...m.keys()]).toEqual(['a', 'c', 'd']);
    expect(m.get('a')).toMatchObject({ reported: 'working', reportedSince: 100, foregroundIdle: null, activity: 120, turns: 3 });
    expect(effectiveState(m.get('c'), 0, 1000)).toEqual({ state: 'exited', since: null, exitStatus: 3, turns: 0 });
    // a shell running something is working, whatever was stored (its since only when they agree)
    expect(effectiveState(m.get('d'), 131_000, 300_000)).toEqual({ state: 'working', since: null, exitStatus: null, turns: 0 });
    expect(effectiveState(raw({ foregroundIdle: false, reported: 'working', reportedSince: 50 }), 60_000, 300_000).since).toBe(50_000);
    expect(effectiveState(undefined, 0, 1).state).toBe('closed');
    expect(effectiveState(raw({}), 0, 1).state).toBe('idle'); // an agent before its first report
    expect(SESSION_STATE_FORMAT).not.toMatch(/@chatmux-name|@chatmux-role/); // no user text in the records
  });

  test('working with no output for the stall time is stalled, from when output stopped', () => {
    const r = raw({ reported: 'working', reportedSince: 100, activity: 110 });
    expect(effectiveState(r, 114_999, 5000).state).toBe('working');
    expect(effectiveState(r, 115_000, 5000)).toEqual({ state: 'stalled', since: 115_000, exitStatus: null, turns: 0 });
    // waiting or idle never stall
    expect(effectiveState(raw({ reported: 'waiting', reportedSince: 1, activity: 1 }), 1e9, 5000).state).toBe('waiting');
  });
});

describe('UI rules', () => {
  const st = (state: AgentState['state'], since: number | null = null, turns = 0): AgentState => ({ state, since, exitStatus: null, turns });

  test('C-o w: waiting chats first, then idle, oldest first; pressing again visits the others', () => {
    const chats = [
      { ref: 'a', state: st('idle', 50) }, { ref: 'b', state: st('working', 1) }, { ref: 'c', state: st('waiting', 90) },
      { ref: 'd', state: st('idle', 10) }, { ref: 'e', state: st('waiting', 20) },
    ];
    expect(nextAttention(chats, 'b')).toBe('e');
    expect(nextAttention(chats, 'e')).toBe('c');
    expect(nextAttention(chats, 'c')).toBe('e');
    expect(nextAttention(chats.filter((c) => c.state.state !== 'waiting'), 'b')).toBe('d');
    expect(nextAttention(chats.filter((c) => c.state.state !== 'waiting'), 'd')).toBe('a');
    expect(nextAttention([{ ref: 'a', state: st('idle') }], 'a')).toBeNull();
  });

  test('a chat calls the user when it starts waiting or finishes a turn, not when first seen', () => {
    expect(callsUser(st('working'), st('waiting'))).toBe(true);
    expect(callsUser(st('working'), st('idle'))).toBe(true);
    expect(callsUser(st('stalled'), st('idle'))).toBe(true);
    expect(callsUser(st('waiting'), st('working'))).toBe(false);
    expect(callsUser(null, st('waiting'))).toBe(false);
    expect(callsUser(st('closed'), st('idle'))).toBe(false);
    // a whole turn between two readings: idle → idle, one more turn ended
    expect(callsUser(st('idle', 1, 4), st('idle', 2, 5))).toBe(true);
    expect(callsUser(st('idle', 1, 4), st('idle', 2, 4))).toBe(false);
  });

  test('bell and OSC 9/777, plain or through tmux passthrough; off by flag or env; no control bytes from names', () => {
    expect(alertBytes('t', 'x\x1b]0;evil\x07 done; ok', { bell: true, notify: true, inTmux: false })).toBe('\x07\x1b]9;t: x ]0 evil  done  ok\x07\x1b]777;notify;t;x ]0 evil  done  ok\x07');
    expect(alertBytes('t', 'b', { bell: false, notify: true, inTmux: true })).toBe('\x1bPtmux;\x1b\x1b]9;t: b\x07\x1b\x1b]777;notify;t;b\x07\x1b\\');
    expect(alertBytes('t', 'b', { bell: false, notify: false, inTmux: true })).toBe('');
    expect(alertOptions({ bell: false }, { TMUX: '/tmp/x,1,0' })).toEqual({ bell: false, notify: true, inTmux: true });
    expect(alertOptions({}, { CHATMUX_NO_NOTIFY: '1', CHATMUX_NO_BELL: '0' })).toEqual({ bell: true, notify: false, inTmux: false });
  });
});

describe('shell chats, wait and events from the CLI', () => {
  const { t, p, g } = chatFixture('state proj');
  // tmux times are whole seconds: the stall time is shortened, but kept above sleep 2's.
  const env = cleanEnv({ SHELL: '/bin/sh', CHATMUX_STALL_SECONDS: '4' });
  const events: ChildProcess[] = [];
  afterAll(() => {
    for (const e of events) if (e.exitCode === null) e.kill('SIGKILL');
  });

  const list = async (): Promise<Array<{ ref: string; state: string; stateSince: string | null }>> =>
    JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'], { env })).stdout);
  const sessionOf = (ref: string): string => t.tmux('list-sessions', '-F', '#{session_name}').split('\n').find((n) => n.endsWith(`-${ref}`))!;
  const stateOf = async (ref: string): Promise<string | undefined> => (await list()).find((c) => c.ref === ref)?.state;

  test('sleep 2 → working → idle; wait returns when idle; events --json saw it; a flood that stops → stalled', async () => {
    expect((await runChatmux([...g, 'chat', 'new', '--executor', 'shell', '--name', 'sh one'], { env })).code).toBe(0);
    await waitFor(async () => (await stateOf('chat-1')) === 'idle', 5000, 'idle shell');

    const ev = spawn(process.execPath, [BIN, ...g, 'events', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    events.push(ev);
    let out = '';
    ev.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const lines = (): Array<Record<string, unknown>> => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    // events is connected once its view session exists
    await waitFor(() => t.tmux('list-sessions', '-F', '#{session_name}').includes('chatmux-view'), 5000, 'events connected');
    await new Promise((r) => setTimeout(r, 300));
    // marked as a UI's view session is, owner included: only this project and state dir's sweep
    // removes it if events dies (a view without an owner is judged by its project alone)
    const owner = makeChatContext({ project: fs.realpathSync(p.project), stateDir: p.stateDir, socket: t.socket }).owner;
    const view = t.tmux('list-sessions', '-F', '#{session_name}|#{@chatmux-view}|#{@chatmux-owner}').split('\n').find((l) => l.startsWith('chatmux-view-'));
    expect(view?.split('|').slice(1)).toEqual(['1', owner]);

    expect((await runChatmux([...g, 'chat', 'send', 'chat-1', 'sleep 2'], { env })).code).toBe(0);
    const t0 = Date.now();
    const waited = await runChatmux([...g, 'wait', 'chat-1', '--until', 'idle', '--timeout', '10'], { env });
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(await stateOf('chat-1')).toBe('idle');
    // the watcher (events) stored what tmux derived, so every reader knows since when
    await waitFor(async () => (await list()).find((c) => c.ref === 'chat-1')!.stateSince !== null, 3000, 'a shared since-time');
    await waitFor(() => lines().some((e) => e.ref === 'chat-1' && e.state === 'idle'), 3000, 'idle event');
    const mine = lines().filter((e) => e.ref === 'chat-1' && e.event === 'state').map((e) => e.state);
    expect(mine).toEqual(['working', 'idle']);
    expect(lines()[0]).toMatchObject({ event: 'state', ref: 'chat-1', name: 'sh one' });
    expect(typeof lines()[0]!.time).toBe('string');

    // created and renamed reach the stream too
    expect((await runChatmux([...g, 'chat', 'new', '--executor', 'shell', '--name', 'flood'], { env })).code).toBe(0);
    await waitFor(() => lines().some((e) => e.event === 'created' && e.ref === 'chat-2' && e.name === 'flood'), 5000, 'created event');

    // a flood that stops printing while still running: stalled after the (shortened) stall time
    expect((await runChatmux([...g, 'chat', 'send', 'chat-2', 'seq 1 30000; sleep 30'], { env })).code).toBe(0);
    await waitFor(async () => (await stateOf('chat-2')) === 'working', 3000, 'flooding');
    const table = (await runChatmux([...g, 'chat', 'list'], { env })).stdout;
    expect(table).toMatch(/STATE\s+SINCE/);
    expect(table).toMatch(/chat-2 .* (working|stalled)\s+(-|\d+s) /); // a slow machine may be past the stall time
    await waitFor(async () => (await stateOf('chat-2')) === 'stalled', 10_000, 'stalled');
    await waitFor(() => lines().some((e) => e.ref === 'chat-2' && e.state === 'stalled'), 3000, 'stalled event');

    // timeout: exit 1, one line; bad input: exit 2
    const timedOut = await runChatmux([...g, 'wait', 'chat-2', '--until', 'idle', '--timeout', '0.5'], { env });
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toMatch(/timed out waiting for idle \(chat-2 stalled\)/);
    for (const bad of [['wait', 'chat-9', '--until', 'idle'], ['wait', 'chat-1', '--until', 'asleep'], ['wait', 'nope', '--until', 'idle'], ['wait', 'chat-1', '--until', 'idle', '--timeout', 'x']]) {
      expect((await runChatmux([...g, ...bad], { env })).code).toBe(2);
    }
    expect((await runChatmux([...g, 'wait', 'chat-1', 'chat-2', '--until', 'any', '--timeout', '5'], { env })).code).toBe(0);

    // a cmd chat that is not an interactive shell is not judged by its foreground (exec cat is not work)
    expect((await runChatmux([...g, 'chat', 'new', '--executor', 'cmd', '--name', 'catter', '--', 'sh', '-c', 'exec cat'], { env })).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stateOf('chat-3')).toBe('idle');
    // it ends: exited(status) for wait, list and events
    const exitWait = runChatmux([...g, 'wait', 'chat-3', '--until', 'exited', '--timeout', '10'], { env });
    await new Promise((r) => setTimeout(r, 1000));
    t.tmux('send-keys', '-t', `=${sessionOf('chat-3')}:`, 'C-d');
    expect(await exitWait).toMatchObject({ code: 0 });
    expect((await list()).find((c) => c.ref === 'chat-3')!.state).toBe('exited');
    // tmux sometimes never records the status (seen on 3.3a and 3.5a; status.ts): then plain 'exited'
    const exitedEvent = (e: Record<string, unknown>): boolean =>
      e.event === 'exited' && e.ref === 'chat-3' && ((e.exitStatus === 0 && e.state === 'exited(0)') || (e.exitStatus === null && e.state === 'exited'));
    await waitFor(() => lines().some(exitedEvent), 3000, 'exited event');

    // closing: a closed event; events stops cleanly on SIGINT and leaves no view session behind
    expect((await runChatmux([...g, 'chat', 'close', 'chat-2'], { env })).code).toBe(0);
    await waitFor(() => lines().some((e) => e.event === 'closed' && e.ref === 'chat-2'), 5000, 'closed event');
    // --json: state is the agent's (or what the chat is when it is not running); lifecycle the registry's word
    expect((await list()).map((c) => [c.ref, c.state, (c as unknown as { lifecycle: string }).lifecycle])).toEqual([['chat-1', 'idle', 'running'], ['chat-2', 'closed', 'closed'], ['chat-3', 'exited', 'running']]);
    ev.kill('SIGINT');
    const code = await new Promise<number | null>((r) => ev.once('close', (c) => r(c)));
    expect(code).toBe(0);
  }, 60_000);
});
