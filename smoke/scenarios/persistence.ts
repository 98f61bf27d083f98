/** Chats outlive the UI: quit and restart, quit mid-reply, lose the whole tmux server. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, sleep, until, type Harness, type Scenario } from '../harness';
import { echoCount, isTurn, newChatInUi, quitUi, say, sessionOf, waitPane } from './common';

/** Scenarios 1 and 2: a vendor chat, quit with "leave all", restart: same process, same conversation. */
function persistsAcrossExit(vendor: 'claude' | 'codex'): Scenario {
  return {
    name: `chat_persists_across_tui_exit_${vendor}`,
    async run(h: Harness) {
      const url = await h.startStub(['--echo']);
      const agent = h.vendorAgent(vendor);
      h.startUi();
      await h.waitScreen('Welcome to chatmux');
      await newChatInUi(h, { executor: vendor, name: 'helper', model: 'stub-model', endpoint: url, keyEnv: agent.keyEnv }, true);
      await h.waitScreen(agent.ready, 40000);
      await say(h, 'first question');
      const n = await echoCount(h, 'first question');
      const session = sessionOf(h, 'chat-1');
      const pid = h.panePid(session);
      await quitUi(h, 1, 'a');
      check(h.chatSessions().includes(session), `${session} is gone after "leave all"`);
      check(h.panePid(session) === pid, 'the agent process changed while the UI was away');
      h.startUi();
      // The earlier conversation is on screen straight away (restored from tmux, not replayed).
      const seen = await h.waitScreen(`first question (messages: ${n})`);
      check(agent.real || !agent.resumed.test(seen), 'the agent was restarted instead of kept running');
      await h.waitScreen(/helper • \w+ • running/);
      await say(h, 'second question');
      // More messages than the first time: the agent still holds the first exchange.
      const m = await echoCount(h, 'second question');
      check(m >= n + 2, `the second reply counted ${m} messages after ${n}: the conversation was not kept`);
      check(h.panePid(session) === pid, 'the agent process changed after the restart');
      const all = await h.stubRequests(url);
      const ours = all.filter((r) => isTurn(r.body, 'first question') || isTurn(r.body, 'second question'));
      check(ours.length === 2, `the stub saw ${ours.length} requests for our two questions, expected 2 (${all.length} model requests in all)`);
    },
  };
}

/** Scenario 3: quit while the reply is still streaming; it completes with no UI; restart shows it whole. */
const midReply: Scenario = {
  name: 'chat_persists_mid_tool_call_codex',
  async run(h) {
    const words = Array.from({ length: 24 }, (_, i) => `w${String(i + 1).padStart(2, '0')}`);
    const url = await h.startStub(['--reply', `${words.join(' ')} REPLY-COMPLETE`, '--delay-ms', '200']);
    const agent = h.vendorAgent('codex');
    h.startUi();
    await h.waitScreen('Welcome to chatmux');
    await newChatInUi(h, { executor: 'codex', name: 'slow', model: 'stub-model', endpoint: url, keyEnv: agent.keyEnv }, true);
    await h.waitScreen(agent.ready, 40000);
    await say(h, 'run the long tool');
    // The reply streams for ~5 s: quit once it has begun.
    await until(async () => (await h.stubRequests(url)).some((r) => isTurn(r.body, 'run the long tool')), 30000, 'the request to reach the stub');
    await sleep(600);
    await quitUi(h, 1, 'a');
    const session = sessionOf(h, 'chat-1');
    check(!h.capture(session).includes('REPLY-COMPLETE'), 'the reply had already finished when the UI quit (not mid-reply)');
    // With no UI running, the agent finishes the reply.
    await waitPane(h, session, /w24 REPLY-COMPLETE/, 20000);
    h.startUi();
    await h.waitScreen(/w01 w02 w03[\s\S]*w24 REPLY-COMPLETE/);
    const ours = (await h.stubRequests(url)).filter((r) => isTurn(r.body, 'run the long tool'));
    check(ours.length === 1, `the stub saw ${ours.length} requests for the turn, expected exactly 1 (no retry)`);
    await quitUi(h, 1, 'a');
  },
};

/** Scenario 13: kill the tmux server; the next start brings each chat back with its conversation. */
const serverDeath: Scenario = {
  name: 'chat_resumes_after_tmux_server_death',
  async run(h) {
    const url = await h.startStub(['--echo']);
    const agents = { claude: h.vendorAgent('claude'), codex: h.vendorAgent('codex') };
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
      const agent = c.executor === 'nex' ? null : agents[c.executor];
      await newChatInUi(h, { executor: c.executor, name: c.name, model: 'stub-model', endpoint: `${url}/v1`, keyEnv: agent?.keyEnv }, i === 0);
      if (agent) await h.waitScreen(agent.ready, 40000);
      await say(h, `hello ${c.name}`);
      counts.set(c.name, await echoCount(h, `hello ${c.name}`));
    }
    // A fourth codex chat whose conversation cannot come back (its rollout is gone): it must
    // start fresh with a warning the UI shows in its status line, not printed over the screen.
    // (`chat list` would learn its id: derive the session name instead of listing.)
    const nexSession = h.chat('chat-1').session;
    const key = agents.codex.keyEnv ? ['--api-key-env', agents.codex.keyEnv] : [];
    const lost = h.ok(['chat', 'new', '--executor', 'codex', '-m', 'stub-model', '-e', `${url}/v1`, ...key, '--name', 'lost']).trim();
    await waitPane(h, nexSession.replace(/chat-1$/, lost), agents.codex.ready, 40000);
    h.keys('M-Right'); // codexy → lost: the UI shows the chat made elsewhere
    await h.waitScreen(/lost • codex • running/);
    // Leave them running; a while later the tmux server dies (OOM killer, reboot, kill-server).
    await quitUi(h, 4, 'a');
    h.tmux('kill-server');
    await until(() => h.sessions().length === 0, 5000, 'the tmux server to be gone');
    // (a real codex may not have written one before its first turn)
    for (const f of findFiles(path.join(h.stateDir, 'chats', lost), /^rollout-.*\.jsonl$/)) fs.rmSync(f);
    h.startUi();
    const warned = await h.waitScreen(`${lost}: nothing to resume`);
    check(!warned.includes('chatmux: warning:'), `a warning was printed over the UI instead of its status line:\n${warned}`);
    for (const c of chats) {
      // Alt+→ walks the chats; each shows its earlier exchange again (resumed, not fresh).
      const n = counts.get(c.name)!;
      await h.waitScreen(`${c.name} • ${c.executor} • running`, 15000);
      await h.waitScreen(`hello ${c.name} (messages: ${n})`, 30000);
      if (c.executor !== 'nex') await h.waitScreen(agents[c.executor].ready, 40000);
      await say(h, `again ${c.name}`);
      // n + 2 or more: the resumed agent sent the first exchange along: the same conversation.
      const m = await echoCount(h, `again ${c.name}`);
      check(m >= n + 2, `${c.name}: the reply after the restart counted ${m} messages after ${n}: the conversation was not resumed`);
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
