/**
 * Agent state in the real UI (issue 13), driven through an outer tmux: marks in the tree,
 * the waiting count, `C-o w`, the bell and the desktop notification (seen in the bytes the UI
 * wrote to the outer tmux's pane, passthrough-wrapped because the UI runs inside tmux), and
 * `chatmux wait` / `chatmux events` from the CLI while the UI runs.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hookProgram } from '../lib/chat/agent-report';
import { chatSessionName, projectTag } from '../lib/chat/naming';
import { tmuxEnv } from '../lib/control/server';
import { CHATMUX, disposeUi, makeUiDriver, REPO, type UiDriver } from './support/ui-driver';
import { waitFor } from './support/tmux';

// An agent chat (the fake claude: it reports through its hooks only when told, so the test's hook call is the only report).
process.env.CHATMUX_CLAUDE_BIN = path.join(REPO, 'fixtures', 'fake-agent.sh');

let ui: UiDriver | null = null;
const kids: ChildProcess[] = [];
afterEach(() => {
  for (const k of kids.splice(0)) if (k.exitCode === null) k.kill('SIGKILL');
  disposeUi(ui);
  ui = null;
});

/** The tree row of a chat (the line naming it, left column). */
const treeRow = (screen: string, name: string): string => screen.split('\n').find((l) => l.includes(name)) ?? '';

describe('agent state in the UI', () => {
  test('a chat off screen that waits or finishes: marked, bell + OSC 9/777 through tmux passthrough; C-o w jumps to it; wait/events run alongside', async () => {
    const d = makeUiDriver();
    ui = d;
    const stateDir = path.join(d.project, '.chatmux');
    expect(d.cli('chat', 'new', '--executor', 'shell', '--name', 'first').code).toBe(0);
    expect(d.cli('chat', 'new', '--executor', 'shell', '--name', 'second').code).toBe(0);
    expect(d.cli('chat', 'new', '--executor', 'claude', '--name', 'third').code).toBe(0);
    d.start();
    await d.waitScreen(/first • shell • running/);
    await d.waitScreen(/○ ?second/);
    // Everything the UI writes to its terminal, raw.
    const raw = path.join(d.project, 'ui-bytes');
    execOuter(d, 'pipe-pane', '-O', '-t', '=ui:', `cat >> '${raw}'`);

    // events and wait from the CLI, while the UI runs
    const env = { ...tmuxEnv(), CHATMUX_SOCKET: d.socket, CHATMUX_STATE_DIR: stateDir };
    const ev = spawn(process.execPath, [CHATMUX, 'events', '--json'], { cwd: d.project, env, stdio: ['ignore', 'pipe', 'ignore'] });
    kids.push(ev);
    let events = '';
    ev.stdout!.on('data', (b: Buffer) => (events += b.toString()));
    await waitFor(() => d.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter((n) => n.startsWith('chatmux-view')).length >= 2, 5000, 'events connected');

    // chat-2 (not on screen) runs a command: working, then idle — a finished turn
    expect(d.cli('chat', 'send', 'chat-2', 'sleep 2').code).toBe(0);
    await d.waitScreen(/● ?second/, 5000);
    await d.waitScreen(/○ ?second/, 8000);
    await waitFor(() => fs.existsSync(raw) && fs.readFileSync(raw, 'latin1').includes('finished its turn'), 3000, 'notification bytes');
    const bytes = fs.readFileSync(raw, 'latin1');
    expect(bytes).toContain('\x07');
    // inside tmux: ESC doubled inside ESC P tmux; … ESC \
    expect(bytes).toMatch(/\x1bPtmux;\x1b\x1b\]9;chatmux: second finished its turn\x07\x1b\x1b\]777;notify;chatmux;second finished its turn\x07\x1b\\/);

    // the agent's hook says chat-3 waits for the user: the count, then C-o w goes there first
    const session3 = chatSessionName(projectTag(d.project, stateDir), 'chat-3');
    const waiter = runCli(d, env, ['wait', 'chat-3', '--until', 'waiting', '--timeout', '10']);
    await new Promise((r) => setTimeout(r, 1500)); // wait is connected
    const t0 = Date.now();
    expect(spawnSync(hookProgram(), ['state', 'waiting', d.socket, session3]).status).toBe(0);
    await d.waitScreen(/1 waiting/, 3000);
    const shownMs = Date.now() - t0;
    expect(await waiter).toBe(0);
    expect(treeRow(d.screen(), 'third')).toContain('?');
    await waitFor(() => events.includes('"state":"waiting"'), 3000, 'waiting event');
    expect(events).toMatch(/"event":"state","ref":"chat-2","name":"second","state":"working"/);
    expect(events).toMatch(/"event":"state","ref":"chat-3","name":"third","state":"waiting"/);
    d.keys('C-o', 'w');
    await d.waitScreen(/third • claude • running/);
    // then the idle ones, oldest first: first (idle since it started), then second
    d.keys('C-o', 'w');
    await d.waitScreen(/first • shell • running/);
    process.stdout.write(`ui-state: hook → UI shows "1 waiting" in ${shownMs} ms (capture-pane polling included)\n`);
  }, 60_000);

  test('--no-bell and --no-notify (and their env) silence the calls; the mark stays', async () => {
    const d = makeUiDriver();
    ui = d;
    expect(d.cli('chat', 'new', '--executor', 'shell', '--name', 'first').code).toBe(0);
    expect(d.cli('chat', 'new', '--executor', 'claude', '--name', 'second').code).toBe(0);
    d.start({ CHATMUX_NO_BELL: '1', CHATMUX_NO_NOTIFY: '1' });
    await d.waitScreen(/first • shell • running/);
    const raw = path.join(d.project, 'ui-bytes');
    execOuter(d, 'pipe-pane', '-O', '-t', '=ui:', `cat >> '${raw}'`);
    const stateDir = path.join(d.project, '.chatmux');
    const session2 = chatSessionName(projectTag(d.project, stateDir), 'chat-2');
    expect(spawnSync(hookProgram(), ['state', 'waiting', d.socket, session2]).status).toBe(0);
    await d.waitScreen(/1 waiting/, 3000);
    expect(treeRow(d.screen(), 'second')).toContain('?');
    const bytes = fs.existsSync(raw) ? fs.readFileSync(raw, 'latin1') : '';
    expect(bytes).not.toContain('\x07');
    expect(bytes).not.toContain(']9;');
  }, 40_000);
});

function execOuter(d: UiDriver, ...args: string[]): void {
  const r = spawnSync('tmux', ['-L', d.outer, ...args], { env: tmuxEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

function runCli(d: UiDriver, env: NodeJS.ProcessEnv, args: string[]): Promise<number | null> {
  const p = spawn(process.execPath, [CHATMUX, ...args], { cwd: d.project, env, stdio: 'ignore' });
  kids.push(p);
  return new Promise((r) => p.once('close', (c) => r(c)));
}
