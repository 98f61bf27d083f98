/** Chats outlive the UI: quit and restart, quit mid-reply, lose the whole tmux server. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, until, type Harness, type Scenario } from '../harness';
import { newChatInUi, quitUi, say, sessionOf, waitPane } from './common';

/** Scenarios 1 and 2: a vendor chat, quit with "leave all", restart: same process, same conversation. */
function persistsAcrossExit(vendor: 'claude' | 'codex'): Scenario {
  return {
    name: `chat_persists_across_tui_exit_${vendor}`,
    async run(h: Harness) {
      const url = await h.startStub(['--echo']);
      h.vendorAgent(vendor);
      h.startUi();
      await h.waitScreen('Welcome to chatmux');
      await newChatInUi(h, { executor: vendor, name: 'helper', model: 'stub-model', endpoint: url }, true);
      await h.waitScreen(`FAKE-${vendor.toUpperCase()}`);
      say(h, 'first question');
      await h.waitScreen('echo: first question (messages: 1)');
      const session = sessionOf(h, 'chat-1');
      const pid = h.panePid(session);
      await quitUi(h, 1, 'a');
      check(h.chatSessions().includes(session), `${session} is gone after "leave all"`);
      check(h.panePid(session) === pid, 'the agent process changed while the UI was away');
      h.startUi();
      // The earlier conversation is on screen straight away (restored from tmux, not replayed).
      const seen = await h.waitScreen('echo: first question (messages: 1)');
      check(!/resumed \d+ earlier turns/.test(seen), 'the agent was restarted instead of kept running');
      await h.waitScreen(/helper • \w+ • running/);
      say(h, 'second question');
      // messages: 3 = the agent still holds the first exchange: the same conversation.
      await h.waitScreen('echo: second question (messages: 3)');
      check(h.panePid(session) === pid, 'the agent process changed after the restart');
      const requests = await h.stubRequests(url);
      check(requests.length === 2, `the stub saw ${requests.length} model requests, expected 2`);
    },
  };
}

/** Scenario 3: quit while the reply is still streaming; it completes with no UI; restart shows it whole. */
const midReply: Scenario = {
  name: 'chat_persists_mid_tool_call_codex',
  async run(h) {
    const words = Array.from({ length: 24 }, (_, i) => `w${String(i + 1).padStart(2, '0')}`);
    const url = await h.startStub(['--reply', `${words.join(' ')} REPLY-COMPLETE`, '--delay-ms', '150']);
    h.vendorAgent('codex');
    h.startUi();
    await h.waitScreen('Welcome to chatmux');
    await newChatInUi(h, { executor: 'codex', name: 'slow', model: 'stub-model', endpoint: url }, true);
    await h.waitScreen('FAKE-CODEX');
    say(h, 'run the long tool');
    await h.waitScreen(/codex> w01 w02/);
    await quitUi(h, 1, 'a');
    const session = sessionOf(h, 'chat-1');
    check(!h.capture(session).includes('REPLY-COMPLETE'), 'the reply had already finished when the UI quit (not mid-reply)');
    // With no UI running, the agent finishes the reply.
    await waitPane(h, session, /w24 REPLY-COMPLETE/, 15000);
    h.startUi();
    await h.waitScreen(new RegExp(`codex> ${words.slice(0, 8).join(' ')}[\\s\\S]*w24 REPLY-COMPLETE`));
    const requests = await h.stubRequests(url);
    check(requests.length === 1, `the stub saw ${requests.length} model requests, expected exactly 1 (no retry)`);
    await quitUi(h, 1, 'a');
  },
};

/** Scenario 13: kill the tmux server; the next start brings each chat back with its conversation. */
const serverDeath: Scenario = {
  name: 'chat_resumes_after_tmux_server_death',
  async run(h) {
    const url = await h.startStub(['--echo']);
    h.vendorAgent('claude');
    h.vendorAgent('codex');
    h.startUi();
    await h.waitScreen('Welcome to chatmux');
    const chats = [
      { executor: 'nex', name: 'nexy', reply: 'nex' },
      { executor: 'claude', name: 'claudy', reply: 'claude' },
      { executor: 'codex', name: 'codexy', reply: 'codex' },
    ] as const;
    // nex may send a system message too: remember how many messages each first reply counted.
    const counts = new Map<string, number>();
    for (const [i, c] of chats.entries()) {
      await newChatInUi(h, { executor: c.executor, name: c.name, model: 'stub-model', endpoint: `${url}/v1` }, i === 0);
      say(h, `hello ${c.name}`);
      const screen = await h.waitScreen(new RegExp(`echo: hello ${c.name} \\(messages: \\d+\\)`), 15000);
      counts.set(c.name, Number(new RegExp(`echo: hello ${c.name} \\(messages: (\\d+)\\)`).exec(screen)![1]));
    }
    // A fourth codex chat whose conversation cannot come back (its rollout is gone): it must
    // start fresh with a warning the UI shows in its status line, not printed over the screen.
    // (`chat list` would learn its id: derive the session name instead of listing.)
    const nexSession = h.chat('chat-1').session;
    const lost = h.ok(['chat', 'new', '--executor', 'codex', '-m', 'stub-model', '-e', `${url}/v1`, '--name', 'lost']).trim();
    await waitPane(h, nexSession.replace(/chat-1$/, lost), /FAKE-CODEX/);
    h.keys('M-Right'); // codexy → lost: the UI shows the chat made elsewhere
    await h.waitScreen(/lost • codex • running[\s\S]*FAKE-CODEX/);
    // Leave them running; a while later the tmux server dies (OOM killer, reboot, kill-server).
    await quitUi(h, 4, 'a');
    h.tmux('kill-server');
    await until(() => h.sessions().length === 0, 5000, 'the tmux server to be gone');
    for (const f of findFiles(path.join(h.stateDir, 'chats', lost), /^rollout-.*\.jsonl$/)) fs.rmSync(f);
    h.startUi();
    const warned = await h.waitScreen(`${lost}: nothing to resume`);
    check(!warned.includes('chatmux: warning:'), `a warning was printed over the UI instead of its status line:\n${warned}`);
    for (const c of chats) {
      // Alt+→ walks the chats; each shows its earlier exchange again (resumed, not fresh).
      const n = counts.get(c.name)!;
      await h.waitScreen(`${c.name} • ${c.executor} • running`, 15000);
      await h.waitScreen(`echo: hello ${c.name} (messages: ${n})`, 15000);
      say(h, `again ${c.name}`);
      // n + 2: the resumed agent sent the first exchange along: the same conversation.
      await h.waitScreen(`echo: again ${c.name} (messages: ${n + 2})`, 15000);
      h.keys('M-Right');
    }
    await quitUi(h, 4, 'a');
  },
};

/** Files under `dir` whose name matches. */
function findFiles(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && name.test(e.name)) out.push(path.join(e.parentPath, e.name));
  }
  return out;
}

export const PERSISTENCE: Scenario[] = [persistsAcrossExit('claude'), persistsAcrossExit('codex'), midReply, serverDeath];
