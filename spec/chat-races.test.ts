/**
 * Races and interruptions on real tmux: close/archive racing with listings and a UI start
 * (nothing stopped may come back), and `chatmux chat new` killed at evenly spaced moments
 * (the next listing finishes or fails every half-made chat). Needs a build (the CLI runs dist/).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killAllTestServers } from './support/tmux';
import { BIN, chatFixture, cleanEnv, runChatmux, sessionsOf } from './support/chatmux-cli';
import { makeChatContext, type ChatContext } from '../lib/chat/context';
import { captureResumeIds, resumeLost } from '../lib/chat/chat-resume';
import { archiveChat, closeChat } from '../lib/chat/lifecycle';
import { chatSessionName, refFor } from '../lib/chat/naming';
import { listChats } from '../lib/chat/list';
import { readRegistry, updateRegistry, type ChatRecord } from '../lib/chat/registry';
import { sweep } from '../lib/chat/sweep';
import { chatServerOptions } from '../lib/chat/tmux-server';
import { TmuxCli } from '../lib/control/exec';

afterAll(() => killAllTestServers());

/** A `cmd sleep 600` chat's registry entry, as chat new writes it. */
function sleeperRecord(ctx: ChatContext, ref: string, over: Partial<ChatRecord>): ChatRecord {
  return {
    ref, name: '', role: '', parent: null, executor: 'cmd', argv: ['sleep', '600'], cwd: ctx.project, model: null, endpoint: null, apiKeyEnv: null,
    resumeId: null, state: 'running', starterPid: null, session: chatSessionName(ctx.tag, ref), created: new Date().toISOString(), startedAt: null, ...over,
  };
}

describe('close and archive are never undone by a listing or a UI start', () => {
  const { t, p } = chatFixture();

  test('20 rounds of 5 archives + 5 closes + 3 lists + a UI start in parallel: 0 stopped chats running, 0 resumed', async () => {
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
    const r = new TmuxCli(chatServerOptions(ctx));
    const resumed: string[] = [];
    // What `chatmux chat list` does, and what a UI does when it starts (LiveChats.start).
    const list = async () => {
      resumed.push(...(await resumeLost(r, ctx)).resumed);
      await captureResumeIds(r, ctx);
      await listChats(r, ctx);
    };
    const uiStart = async () => {
      await sweep(r, ctx);
      resumed.push(...(await resumeLost(r, ctx)).resumed);
    };
    // Ten running chats as createChat leaves them (registry entry + session with metadata),
    // made in one registry write and one tmux call: the race under test is the stopping.
    const tenRunningChats = async (): Promise<string[]> => {
      const made: ChatRecord[] = [];
      await updateRegistry(ctx, (reg) => {
        for (let i = 0; i < 10; i++) {
          const rec = sleeperRecord(ctx, refFor(++reg.lastRef), { state: 'running', startedAt: new Date().toISOString() });
          reg.chats.push(rec);
          made.push(rec);
        }
      });
      const cmds = made.flatMap((c) => [
        ['new-session', '-d', '-s', c.session, 'sleep', '600'],
        ...Object.entries({ '@chatmux-owner': ctx.owner, '@chatmux-ref': c.ref, '@chatmux-executor': 'cmd', '@chatmux-project': ctx.project }).map(([k, v]) => ['set-option', '-t', `=${c.session}:`, k, v]),
      ]);
      t.tmux(...cmds.flatMap((c, i) => (i === 0 ? c : [';', ...c])));
      return made.map((c) => c.ref);
    };
    const t0 = Date.now();
    for (let round = 0; round < 20; round++) {
      const refs = await tenRunningChats();
      await Promise.all([
        ...refs.slice(0, 5).map((ref) => archiveChat(r, ctx, ref)),
        ...refs.slice(5).map((ref) => closeChat(r, ctx, ref)),
        list(), list(), list(), uiStart(),
      ]);
      const reg = await readRegistry(ctx);
      const live = new Set(sessionsOf(t));
      const states = refs.map((ref) => reg.chats.find((c) => c.ref === ref)!);
      expect(states.map((c) => c.state)).toEqual([...Array(5).fill('archived'), ...Array(5).fill('closed')]);
      expect(states.filter((c) => live.has(c.session)).map((c) => c.ref)).toEqual([]);
      expect(resumed).toEqual([]);
    }
    process.stdout.write(`chat-races: 20 rounds of 10 stops racing 80 listings/UI starts in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }, 180_000);
});

/**
 * Run `chatmux …` and send `signal` `ms` after `ready()` first holds (polled every 2 ms);
 * resolves when it has exited (and was reaped).
 */
function runAndKill(args: string[], ready: () => boolean, ms: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: 'ignore' });
    let timer: NodeJS.Timeout | null = null;
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill(signal), ms);
    }, 2);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      resolve({ code, signal: sig });
    });
  });
}

describe('an interrupted chat new is repaired by the next list', () => {
  const { t, p, g } = chatFixture();

  test('chat new killed (SIGKILL / SIGINT) at 20 evenly spaced moments: no chat stays starting; each runs fully set up or is closed with the reason', async () => {
    const args = [...g, 'chat', 'new', '--', 'sleep', '600'];
    const draftCount = (): number => {
      try {
        return (JSON.parse(fs.readFileSync(path.join(p.stateDir, 'chats.json'), 'utf8')) as { chats: unknown[] }).chats.length;
      } catch {
        return 0;
      }
    };
    // How long an undisturbed chat new takes here and now, and when it writes its draft (before
    // that, node is still starting: a kill there leaves nothing to repair).
    const draftAt: number[] = [];
    const took: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = draftCount();
      const t0 = Date.now();
      const run = runChatmux(args);
      let seen = 0;
      const poll = setInterval(() => {
        if (!seen && draftCount() > before) seen = Date.now() - t0;
      }, 5);
      expect(await run).toMatchObject({ code: 0 });
      clearInterval(poll);
      took.push(Date.now() - t0);
      draftAt.push(seen || took[i]!);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    // The kills are spread over the work after the draft (before it, nothing is written).
    const work = median(took) - median(draftAt);
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const at = Math.round((work * i) / 19);
      const before = draftCount();
      const res = await runAndKill(args, () => draftCount() > before, at, i % 2 === 0 ? 'SIGKILL' : 'SIGINT');
      outcomes.push(`+${at}ms:${res.signal ?? `exit ${res.code}`}`);
    }
    // A tmux client started by a killed chat new may still be finishing its command.
    await new Promise((res) => setTimeout(res, 300));

    const listed = await runChatmux([...g, 'chat', 'list', '--json']);
    expect(listed).toMatchObject({ code: 0 });
    const chats = JSON.parse(listed.stdout) as { ref: string; lifecycle: string; live: boolean; session: string; stateReason?: string | null }[];
    const live = new Set(sessionsOf(t));
    expect(chats.filter((c) => c.lifecycle === 'starting').map((c) => c.ref)).toEqual([]);
    let finished = 0;
    let failed = 0;
    for (const c of chats) {
      if (c.lifecycle === 'running') {
        expect(c.live).toBe(true);
        // Fully set up: metadata, output log piped, dead panes kept.
        expect(t.tmux('show-options', '-v', '-t', `=${c.session}:`, '@chatmux-project').trim()).toBe(p.project);
        expect([c.ref, t.tmux('display-message', '-p', '-t', `=${c.session}:`, '#{pane_pipe} #{remain-on-exit}').trim()]).toEqual([c.ref, '1 on']);
        expect(fs.existsSync(path.join(p.stateDir, 'chats', c.ref, 'output.log'))).toBe(true);
      } else {
        expect(c.lifecycle).toBe('closed');
        expect(live.has(c.session)).toBe(false);
        expect(c.stateReason).toMatch(/^chat new \(pid \d+\) was interrupted before its tmux session started$/);
        failed++;
      }
    }
    finished = (listed.stderr.match(/finished its setup/g) ?? []).length;
    // Every session on the server is a listed, running chat.
    const running = new Set(chats.filter((c) => c.lifecycle === 'running').map((c) => c.session));
    expect([...live].filter((s) => !running.has(s))).toEqual([]);
    // Nothing left for a second listing to do; the table says why a chat was closed.
    const again = await runChatmux([...g, 'chat', 'list']);
    expect(again.stderr).toBe('');
    for (const c of chats.filter((x) => x.lifecycle === 'closed')) expect(again.stdout).toContain(`\n${c.ref}: closed: chat new (pid `);
    process.stdout.write(`chat-races: chat new writes its draft at ${median(draftAt)} ms, ends at ${median(took)} ms; kills after the draft at ${outcomes.join(', ')}; ${chats.length - 3} chats: ${finished} finished by the list, ${failed} closed with a reason\n`);
    expect(chats.length - 3).toBe(20);
  }, 180_000);
});

describe('work of killed processes is finished by a sweep too', () => {
  const { t, p } = chatFixture();

  test('a close or archive killed before it killed the session: the next sweep stops it; a chat new killed after new-session (its pid since reused): set up and running', async () => {
    const ctx = makeChatContext({ project: p.project, stateDir: p.stateDir, socket: t.socket, warn: () => {} });
    const r = new TmuxCli(chatServerOptions(ctx));
    const dead = await new Promise<number>((res) => {
      const c = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      c.on('exit', () => res(c.pid!));
    });
    const live = () => new Set(sessionsOf(t));
    // Three chats whose sessions run; the registry says what the killed processes had recorded.
    // The starter's pid now belongs to another process (this one: it started at another time).
    const refs: string[] = [];
    await updateRegistry(ctx, (reg) => {
      for (const [state, pids] of [['closed', { stopperPid: dead }], ['archived', { stopperPid: dead }], ['starting', { starterPid: process.pid, pidStart: '1' }]] as const) {
        const ref = refFor(++reg.lastRef);
        refs.push(ref);
        reg.chats.push(sleeperRecord(ctx, ref, { state, ...pids }));
      }
    });
    for (const ref of refs) t.tmux('new-session', '-d', '-s', chatSessionName(ctx.tag, ref), 'sleep', '600');
    // The two stopped ones carry metadata (they ran fully); the starting one never got its options.
    for (const ref of refs.slice(0, 2)) {
      for (const [k, v] of Object.entries({ '@chatmux-owner': ctx.owner, '@chatmux-ref': ref, '@chatmux-executor': 'cmd', '@chatmux-project': ctx.project })) t.tmux('set-option', '-t', `=${chatSessionName(ctx.tag, ref)}:`, k, v);
    }
    await sweep(r, ctx);
    const reg = await readRegistry(ctx);
    const [closed, archived, started] = refs.map((ref) => reg.chats.find((c) => c.ref === ref)!);
    expect([closed!.state, closed!.stopperPid, live().has(closed!.session)]).toEqual(['closed', null, false]);
    expect([archived!.state, archived!.stopperPid, live().has(archived!.session)]).toEqual(['archived', null, false]);
    expect([started!.state, started!.starterPid, live().has(started!.session)]).toEqual(['running', null, true]);
    expect(t.tmux('show-options', '-v', '-t', `=${started!.session}:`, '@chatmux-project').trim()).toBe(p.project);
    expect(t.tmux('display-message', '-p', '-t', `=${started!.session}:`, '#{pane_pipe}').trim()).toBe('1');
  });
});
