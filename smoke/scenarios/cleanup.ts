/** No tmux session outlives its chat: archive from the UI, and the sweep at UI start. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, until, type Scenario } from '../harness';
import { quitUi } from './common';

/** Scenario 4. */
const archive: Scenario = {
  name: 'chat_no_orphan_tmux_after_archive',
  async run(h) {
    const keep = h.newCmdChat('keeper', 'echo KEEPER; exec cat');
    const gone = h.newCmdChat('goner', 'echo GONER; exec cat');
    const goneSession = h.chat(gone).session;
    const keepSession = h.chat(keep).session;
    h.startUi();
    await h.waitScreen(/keeper • cmd • running/);
    h.keys('M-Right');
    await h.waitScreen(/goner • cmd • running[\s\S]*GONER/);
    h.keys('C-o', 'a');
    await h.waitScreen(/Archive "goner/);
    h.keys('y');
    await h.waitScreenGone('goner', 10000);
    await until(() => !h.sessions().includes(goneSession), 5000, `${goneSession} to be killed`);
    const left = h.chatSessions();
    check(left.join(' ') === keepSession, `chat sessions after archiving: ${left.join(', ')} (expected only ${keepSession})`);
    // No window of it is left linked anywhere either (the UI's view session linked it).
    const panes = h.tmux('list-panes', '-a', '-F', '#{session_name} #{pane_start_command}');
    check(!panes.includes('GONER'), `a pane of the archived chat is still alive:\n${panes}`);
    const all = h.chats(true).map((c) => `${c.name}:${c.lifecycle}`).sort().join(' ');
    check(all === 'goner:archived keeper:running', `registry after archive: ${all}`);
    await quitUi(h, 1, 'a');
    check(!h.sessions().includes(goneSession), 'the archived chat came back after quitting');
  },
};

/** Scenario 5: an archived chat's session left behind (e.g. tmux was busy when it was archived). */
const sweepAtStart: Scenario = {
  name: 'chat_orphan_tmux_swept_on_tui_start',
  async run(h) {
    const live = h.newCmdChat('alive', 'echo ALIVE; exec cat');
    const orphan = h.newCmdChat('orphan', 'echo ORPHAN; exec cat');
    // Another project on the same socket whose archived chat also left its session behind.
    const other = path.join(h.root, 'other');
    fs.mkdirSync(other);
    const otherState = path.join(other, '.chatmux');
    const otherRef = h.newCmdChat('foreign', 'exec cat', { project: other, stateDir: otherState });
    const otherSession = h.chats(true, { project: other, stateDir: otherState })[0]!.session;
    const orphanSession = h.chat(orphan).session;
    const liveSession = h.chat(live).session;
    // Mark both archived in their registries while their sessions keep running: the state a
    // crash between "registry says archived" and "kill the session" leaves.
    const markArchived = (stateDir: string, ref: string) => {
      const file = path.join(stateDir, 'chats.json');
      const reg = JSON.parse(fs.readFileSync(file, 'utf8')) as { chats: Array<{ ref: string; state: string }> };
      reg.chats.find((c) => c.ref === ref)!.state = 'archived';
      fs.writeFileSync(file, JSON.stringify(reg, null, 2), { mode: 0o600 });
    };
    markArchived(h.stateDir, orphan);
    markArchived(otherState, otherRef);
    // And a session with our name prefix but no chatmux metadata (someone else's): reported, left alone.
    const stranger = liveSession.replace(/chat-\d+$/, 'chat-99');
    h.tmux('new-session', '-d', '-s', stranger, 'sleep 300');
    const before = h.sessions();
    for (const s of [orphanSession, liveSession, otherSession, stranger]) check(before.includes(s), `${s} missing before the start`);

    h.startUi();
    await h.waitScreen(/alive • cmd • running[\s\S]*ALIVE/);
    await until(() => !h.sessions().includes(orphanSession), 5000, `the sweep to kill ${orphanSession}`);
    const after = h.sessions();
    check(after.includes(liveSession), `the live chat's session ${liveSession} was swept`);
    check(after.includes(otherSession), `another project's session ${otherSession} was swept`);
    check(after.includes(stranger), `a session without chatmux metadata (${stranger}) was swept`);
    check(!h.screen().includes('orphan'), 'the archived chat is listed in the UI');
    await quitUi(h, 1, 'a');
  },
};

export const CLEANUP: Scenario[] = [archive, sweepAtStart];
