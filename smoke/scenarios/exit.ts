/** The exit prompt: leave all, close all, per chat, and no prompt without running chats. */
import { check, until, type Harness, type Scenario } from '../harness';
import { quitUi } from './common';

/** A cmd chat that prints a marker with its pid, then echoes typed lines. */
const echoChat = (tag: string): string => `echo START-${tag}-$$; exec cat`;

function twoChats(h: Harness): { one: string; two: string } {
  return { one: h.newCmdChat('one', echoChat('one')), two: h.newCmdChat('two', echoChat('two')) };
}

/** Scenario 8. */
const leaveAll: Scenario = {
  name: 'chat_exit_prompt_leave_all',
  async run(h) {
    twoChats(h);
    h.startUi();
    await h.waitScreen(/one • cmd • running[\s\S]*START-one-/);
    const before = new Map(h.chatSessions().map((s) => [s, h.panePid(s)]));
    check(before.size === 2, `expected 2 chat sessions, found ${before.size}`);
    const countBefore = before.size + 1;
    h.type('typed while the UI ran');
    h.keys('Enter');
    await h.waitScreen(/typed while the UI ran[\s\S]*typed while the UI ran/);
    // A third chat started from another terminal just now belongs in the prompt too.
    h.newCmdChat('three', echoChat('three'));
    await quitUi(h, 3, 'a');
    const after = h.sessions();
    check(!after.some((s) => s.startsWith('chatmux-view')), `the UI's view session was left behind: ${after.join(', ')}`);
    for (const [s, pid] of before) {
      check(after.includes(s), `${s} was killed by "leave all"`);
      check(h.panePid(s) === pid, `${s}'s process was replaced`);
    }
    check(h.chatSessions().length === countBefore, `expected ${countBefore} chat sessions after leave all, found ${h.chatSessions().join(', ')}`);
    const states = h.chats().map((c) => `${c.name}:${c.lifecycle}`).sort();
    check(states.join(' ') === 'one:running three:running two:running', `chat states after leave all: ${states.join(' ')}`);
  },
};

/** Scenario 9. */
const closeAll: Scenario = {
  name: 'chat_exit_prompt_close_all',
  async run(h) {
    twoChats(h);
    h.startUi();
    const first = await h.waitScreen(/one • cmd • running[\s\S]*START-one-(\d+)/);
    const oldPid = /START-one-(\d+)/.exec(first)![1];
    h.type('old conversation line');
    h.keys('Enter');
    await h.waitScreen(/old conversation line[\s\S]*old conversation line/);
    await quitUi(h, 2, 'c');
    check(h.chatSessions().length === 0, `chat sessions left after "close all": ${h.chatSessions().join(', ')}`);
    const states = h.chats().map((c) => `${c.name}:${c.lifecycle}`).sort();
    check(states.join(' ') === 'one:closed two:closed', `chat states after close all: ${states.join(' ')}`);
    // Next start: both listed as closed; opening one starts it fresh (new process, no old screen).
    h.startUi();
    await h.waitScreen(/one • cmd • closed/);
    h.keys('C-o', 'o');
    const fresh = await h.waitScreen(/one • cmd • running[\s\S]*START-one-(\d+)/);
    const newPid = /START-one-(\d+)/.exec(fresh)![1];
    check(newPid !== oldPid, 'the reopened chat shows the old process marker');
    check(!fresh.includes('old conversation line'), 'the reopened chat shows the old conversation (not fresh)');
    check(h.chatSessions().length === 1, `expected only the reopened chat's session, found ${h.chatSessions().join(', ')}`);
    await quitUi(h, 1, 'c');
  },
};

/** Scenario 10. */
const noPrompt: Scenario = {
  name: 'chat_exit_no_prompt_when_zero_chats',
  async run(h) {
    h.startUi();
    await h.waitScreen('Welcome to chatmux');
    h.keys('C-o', 'q');
    await h.waitExit(5000);
    check(!h.screen().includes('active chat'), 'an exit prompt was shown with zero chats');
    check(h.sessions().length === 0, `sessions left on chatmux's socket: ${h.sessions().join(', ')}`);
    // Also with chats that exist but are all closed: nothing to leave running, no prompt.
    h.newCmdChat('closed one', 'exec cat');
    h.ok(['chat', 'close', 'chat-1']);
    h.startUi();
    await h.waitScreen(/closed one • cmd • closed/);
    h.keys('C-o', 'q');
    const code = await h.waitExit(5000);
    check(code === 0, `exit code ${code}`);
    check(!h.screen().includes('active chat'), 'an exit prompt was shown with only closed chats');
  },
};

/** Scenario 14. */
const perChat: Scenario = {
  name: 'per_chat_exit_prompt',
  async run(h) {
    const { one, two } = twoChats(h);
    const three = h.newCmdChat('three', echoChat('three'));
    h.startUi();
    await h.waitScreen(/one • cmd • running[\s\S]*START-one-/);
    const s = { one: h.chat(one).session, two: h.chat(two).session, three: h.chat(three).session };
    const pidTwo = h.panePid(s.two);
    h.keys('C-o', 'q');
    await h.waitScreen('You have 3 active chats.');
    h.keys('s');
    await h.waitScreen(/\[l\] leave/);
    // one: close, two: leave, three: — back (b) to two, leave it, then three: close.
    h.keys('c');
    h.keys('l');
    h.keys('b');
    h.keys('l');
    h.keys('c');
    const code = await h.waitExit(10000);
    check(code === 0, `exit code ${code}`);
    const sessions = h.chatSessions();
    check(sessions.join(' ') === s.two, `sessions after the per-chat choice: ${sessions.join(', ') || 'none'} (expected only ${s.two})`);
    check(h.panePid(s.two) === pidTwo, 'the chat left running was restarted');
    const states = h.chats().map((c) => `${c.name}:${c.lifecycle}`).sort();
    check(states.join(' ') === 'one:closed three:closed two:running', `chat states: ${states.join(' ')}`);
    // Next start matches: two live with its screen, one and three closed.
    h.startUi();
    // The tree lists all three; the first running chat (two) is focused with its old screen.
    await h.waitScreen(/one cmd closed[\s\S]*two cmd running[\s\S]*three cmd closed/);
    await h.waitScreen(/two • cmd • running[\s\S]*START-two-/);
    h.keys('M-Right');
    await h.waitScreen(/three • cmd • closed/);
    h.keys('M-Right');
    await h.waitScreen(/one • cmd • closed/);
    await until(() => h.chatSessions().length === 1, 2000, 'closed chats to stay closed');
    await quitUi(h, 1, 'a');
  },
};

export const EXIT: Scenario[] = [leaveAll, closeAll, noPrompt, perChat];
