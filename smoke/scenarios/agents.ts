/** The built-in nex agent in the UI, and chats that survive the UI being killed. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, sleep, until, type Harness, type Scenario } from '../harness';
import { newChatInUi, quitUi, say, waitPane } from './common';

/** Scenario 11. */
const nexChat: Scenario = {
  name: 'nex_chat_in_tui_via_tmux',
  async run(h) {
    const url = await h.startStub(['--echo', '--delay-ms', '250']);
    h.startUi();
    await h.waitScreen('Welcome to chatmux');
    await newChatInUi(h, { executor: 'nex', name: 'nexus', model: 'stub-model', endpoint: `${url}/v1` }, true);
    await say(h, 'what is tmux');
    // Streamed: the stub sends one word per 250 ms, and the screen shows the reply growing.
    await h.waitScreen(/echo: what(?! is tmux \(messages)/, 15000);
    const first = await h.waitScreen(/echo: what is tmux \(messages: (\d+)\)/, 15000);
    const n = Number(/echo: what is tmux \(messages: (\d+)\)/.exec(first)![1]);
    const req = (await h.stubRequests(url))[0] as { body: { stream?: boolean } } | undefined;
    check(req?.body.stream === true, 'nex did not ask for a streamed reply');
    const chat = h.chat('chat-1');
    check(/^wg-chat-proj-[0-9a-f]{8}-chat-1$/.test(chat.session), `unexpected session name ${chat.session}`);
    const sessions = h.sessionsJson().map((s) => s.name);
    check(sessions.includes(chat.session), `chatmux sessions --json lacks ${chat.session}: ${sessions.join(', ')}`);
    const stderrLog = path.join(h.stateDir, 'chats', 'chat-1', 'stderr.log');
    check(fs.existsSync(stderrLog), `no stderr log at ${stderrLog}`);
    // Quit leaving it running; the restart shows the conversation and the agent still holds it.
    await quitUi(h, 1, 'a');
    h.startUi();
    await h.waitScreen(new RegExp(`nexus • nex • running[\\s\\S]*echo: what is tmux \\(messages: ${n}\\)`));
    await say(h, 'and screen');
    // n + 2 messages: the earlier question and answer went along: history preserved.
    await h.waitScreen(`echo: and screen (messages: ${n + 2})`, 15000);
    const transcript = path.join(h.stateDir, 'chats', 'chat-1', 'transcript.jsonl');
    // nex appends the turn once the reply has ended.
    const turnsSaved = () => (fs.existsSync(transcript) ? fs.readFileSync(transcript, 'utf8') : '');
    await until(() => turnsSaved().includes('what is tmux') && turnsSaved().includes('and screen'), 3000, `both turns in nex's transcript ${transcript}`);
    await quitUi(h, 1, 'a');
  },
};

/** A cmd chat that prints tick-1 … tick-N, one per 100 ms, then TICKS-DONE and waits. */
const TICKS = 60;
const ticker = `i=0; while [ $i -lt ${TICKS} ]; do i=$((i+1)); echo tick-$i; sleep 0.1; done; echo TICKS-DONE; exec cat`;

/** Start the UI on the ticking chat, kill it with `signal` mid-output, restart, compare screens. */
/** How the UI goes away: a signal to its process, or its terminal closing (an SSH drop). */
type Death = 'SIGKILL' | 'SIGHUP' | 'terminal closed';

async function killAndRestore(h: Harness, death: Death, name: string, session: string): Promise<void> {
  // The terminal-closed round runs in its own outer window, which is then destroyed.
  const win = death === 'terminal closed' ? 'ssh' : 'ui';
  h.startUi({ window: win });
  await h.waitScreen(new RegExp(`${name} • cmd • running[\\s\\S]*tick-\\d+`), 15000, win);
  const pid = await h.waitUiPid(win);
  const panePid = h.panePid(session);
  if (death === 'terminal closed') h.outerTmux('kill-window', '-t', '=smoke:=ssh');
  else process.kill(pid, death);
  check(!h.capture(session).includes('TICKS-DONE'), `the output had already ended when the UI went away (${death})`);
  await until(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 5000, `the UI process to end (${death})`);
  if (death === 'SIGHUP') {
    const code = await h.waitExit(5000);
    check(code === 0 || code === 137, `after SIGHUP chatmux exited with ${code}`);
  }
  check(h.chatSessions().includes(session), `the chat session died with the UI (${death})`);
  check(h.panePid(session) === panePid, `the chat's process changed (${death})`);
  // Output goes on while no UI runs.
  await waitPane(h, session, /TICKS-DONE/, 15000);
  const isTick = (l: string) => /^(tick-\d+|TICKS-DONE)$/.test(l);
  const want = h.capture(session).split('\n').map((l) => l.trim()).filter(isTick).slice(-8);
  h.startUi();
  await h.waitScreen(new RegExp(`${name} • cmd • running[\\s\\S]*TICKS-DONE`));
  // What the UI pane shows ends exactly like what tmux holds: nothing lost, nothing doubled.
  // Borders may be drawn with line-drawing (ACS) letters: pick the tick tokens out of each row.
  const cells = [...h.screen().matchAll(/tick-\d+|TICKS-DONE/g)].map((m) => m[0]);
  const got = cells.slice(-want.length);
  check(JSON.stringify(got) === JSON.stringify(want), `after ${death} the UI shows ${JSON.stringify(got)}, tmux holds ${JSON.stringify(want)}`);
  const all = h.capture(session).split('\n').map((l) => l.trim()).filter((l) => /^tick-\d+$/.test(l)).map((l) => Number(l.slice(5)));
  check(all.length === TICKS && all.every((v, i) => v === i + 1), `ticks missing in tmux after ${death}: ${all.length} of ${TICKS}`);
  // The earliest output is there too: scroll mode, top.
  h.keys('C-o', 's');
  await h.waitScreen('SCROLL');
  h.keys('g');
  await h.waitScreen(/tick-1(?!\d)[\s\S]*tick-2(?!\d)/);
  h.keys('q');
  await h.waitScreenGone('SCROLL');
  // The view session of the dead UI is no chat and goes with a later sweep; this UI quits cleanly.
  await quitUi(h, 1, 'a');
}

/** Scenario 12: SIGKILL, SIGHUP, and the terminal closing (an SSH drop) while a chat prints. */
const signals: Scenario = {
  name: 'chat_survives_sigkill_and_sighup',
  async run(h) {
    for (const death of ['SIGKILL', 'SIGHUP', 'terminal closed'] as const) {
      const ref = h.newCmdChat('ticker', ticker);
      await killAndRestore(h, death, 'ticker', h.chat(ref).session);
      h.ok(['chat', 'archive', ref]);
    }
  },
};

export const AGENTS: Scenario[] = [nexChat, signals];
