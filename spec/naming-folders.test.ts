/**
 * Issue 10.7: any project folder name works. Every name of FOLDER_NAMES (backslash, quotes,
 * `#{`, `#(`, `;`, `$`, spaces, newline, C0/C1 controls, unassigned and RTL code points, 255
 * bytes…) is used as the project (the command runs inside it: no --project, default state
 * dir) through create, send, list, close, archive and sweep with the real CLI on a private
 * socket; a folder whose name is not UTF-8 is refused, naming it and why.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOLDER_NAMES } from '../fixtures/hostile-corpus';
import { chatSessionName, projectTag } from '../lib/chat/naming';
import { findCanaries, runBatch, type Step } from './support/cli-batch';
import { BIN, cleanEnv, FAKE_AGENT, processesGone, runChatmux, runProcess, sessionsOf } from './support/chatmux-cli';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

const t = makeTestServer();
const root = path.join(fs.realpathSync(os.tmpdir()), `chatmux-folders-${randomBytes(4).toString('hex')}`);
const canary = `hc-${randomBytes(4).toString('hex')}`;
const folders = FOLDER_NAMES.map((f) => ({ id: f.id, dir: path.join(root, f.id, f.value.replace(/\{C\}/g, canary)) }));
const readJson = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));

beforeAll(() => {
  for (const f of folders) fs.mkdirSync(f.dir, { recursive: true });
});
afterAll(async () => {
  t.kill();
  await processesGone(root);
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

const canaries = () => findCanaries(root, canary);

describe('issue 10.7: any project folder name', () => {
  test(`${FOLDER_NAMES.length} folder names through create, send, list, close, archive and sweep`, async () => {
    expect(FOLDER_NAMES.length).toBeGreaterThanOrEqual(30);
    const g = ['--socket', t.socket];
    const phase1: Step[] = [];
    const base: number[] = [];
    for (const f of folders) {
      const b = phase1.length;
      base.push(b);
      const registry = path.join(f.dir, '.chatmux', 'chats.json');
      phase1.push(
        { argv: [...g, 'chat', 'new', '--name', f.id, '--json', '--', FAKE_AGENT], cwd: f.dir, registry },
        { argv: [...g, 'chat', 'send', '{ref}', `hello ${f.id}`], cwd: f.dir, refFrom: b, registry },
        { argv: [...g, 'chat', 'list', '--json'], cwd: f.dir, registry },
        { argv: [...g, 'chat', 'new', '--json', '--', 'sleep', '600'], cwd: f.dir, registry },
      );
    }
    const r1 = await runBatch(phase1, { timeoutMs: 400000 });
    const failures: string[] = [];
    const check = (ok: boolean, what: string): void => {
      if (!ok) failures.push(what);
    };
    const live = new Set(sessionsOf(t));
    folders.forEach((f, i) => {
      const at = (k: number) => r1[base[i]! + k]!;
      for (let k = 0; k < 4; k++) check(at(k).code === 0 && at(k).registryValid === true, `${f.id} step ${k}: exit ${at(k).code} ${at(k).stderr}`);
      if (at(0).code !== 0) return;
      const tag = projectTag(f.dir, path.join(f.dir, '.chatmux'));
      const rec = JSON.parse(at(0).stdout);
      check(rec.cwd === f.dir, `${f.id}: cwd ${JSON.stringify(rec.cwd)}`);
      check(rec.session === chatSessionName(tag, 'chat-1') && /^[A-Za-z0-9_-]+$/.test(rec.session), `${f.id}: session ${rec.session}`);
      const listed = at(2).code === 0 ? JSON.parse(at(2).stdout) : [];
      const one = listed.find((c: { ref: string }) => c.ref === 'chat-1');
      check(one?.lifecycle === 'running' && one?.live === true && one?.session === rec.session, `${f.id}: listed ${JSON.stringify(one)}`);
      // tmux kept the name as given (it rewrites names it finds unprintable).
      check(live.has(chatSessionName(tag, 'chat-2')), `${f.id}: chat-2's session is not named ${chatSessionName(tag, 'chat-2')}`);
      // The agent runs in the folder itself.
      if (one?.pid) check(fs.readlinkSync(`/proc/${one.pid}/cwd`) === f.dir, `${f.id}: agent cwd ${fs.readlinkSync(`/proc/${one.pid}/cwd`)}`);
    });
    expect(failures).toEqual([]);

    // Text typed into chat-1 arrived; then chat-2 is marked archived behind chatmux's back
    // (as a crash between the two steps of archive would leave it): sweep must stop it.
    for (const f of folders) {
      const log = path.join(f.dir, '.chatmux', 'chats', 'chat-1', 'output.log');
      await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes(`GOT[hello ${f.id}]`), 10000, `${f.id}: the sent text`);
      const reg = path.join(f.dir, '.chatmux', 'chats.json');
      const data = readJson(reg);
      data.chats.find((c: { ref: string }) => c.ref === 'chat-2').state = 'archived';
      fs.writeFileSync(reg, JSON.stringify(data, null, 2));
    }
    const phase2: Step[] = [];
    // Half the folders close chat-1, the other half archive it (both stop its session).
    const stop = (i: number) => (i % 2 === 0 ? 'close' : 'archive');
    folders.forEach((f, i) => {
      const registry = path.join(f.dir, '.chatmux', 'chats.json');
      phase2.push(
        { argv: [...g, 'chat', stop(i), 'chat-1'], cwd: f.dir, registry },
        { argv: [...g, 'sweep', '--json'], cwd: f.dir, registry },
        { argv: [...g, 'chat', 'list', '--all', '--json'], cwd: f.dir, registry },
      );
    });
    const r2 = await runBatch(phase2, { timeoutMs: 400000 });
    folders.forEach((f, i) => {
      const [close, sw, list] = [r2[i * 3]!, r2[i * 3 + 1]!, r2[i * 3 + 2]!];
      check(close.code === 0 && sw.code === 0 && list.code === 0, `${f.id}: ${stop(i)}/sweep/list exit ${close.code}/${sw.code}/${list.code}: ${close.stderr}${sw.stderr}${list.stderr}`);
      if (sw.code === 0) check(JSON.parse(sw.stdout).killed.some((k: { ref?: string }) => k.ref === 'chat-2'), `${f.id}: sweep did not stop chat-2: ${sw.stdout}`);
      if (list.code === 0) {
        const states = JSON.parse(list.stdout).map((c: { ref: string; lifecycle: string; live: boolean }) => `${c.ref}:${c.lifecycle}:${c.live}`);
        check(JSON.stringify(states) === JSON.stringify([`chat-1:${stop(i)}d:false`, 'chat-2:archived:false']), `${f.id}: ${states}`);
      }
    });
    expect(failures).toEqual([]);
    expect(sessionsOf(t).filter((s) => s.startsWith('wg-chat-'))).toEqual([]);
    expect(canaries()).toEqual([]);
  }, 600000);

  test('the real bin/chatmux in a folder named with a backslash, U+0378 and a newline: create, list, archive', async () => {
    const dir = path.join(root, 'real', 'back\\slash\u0378\nnewline');
    fs.mkdirSync(dir, { recursive: true });
    const env = cleanEnv();
    const made = await runChatmux(['--socket', t.socket, 'chat', 'new', '--', FAKE_AGENT], { cwd: dir, env });
    expect(made).toMatchObject({ code: 0, stdout: 'chat-1\n' });
    const list = await runChatmux(['--socket', t.socket, 'chat', 'list', '--json'], { cwd: dir, env });
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ lifecycle: 'running', live: true });
    expect(await runChatmux(['--socket', t.socket, 'chat', 'archive', 'chat-1'], { cwd: dir, env })).toMatchObject({ code: 0 });
    expect(sessionsOf(t).filter((s) => s.includes('back-slash'))).toEqual([]);
  });

  test('a folder whose name is not UTF-8 is refused with exit 2, naming the folder (bytes escaped) and why', async () => {
    const parent = path.join(root, 'bytes');
    fs.mkdirSync(parent, { recursive: true });
    fs.mkdirSync(Buffer.concat([Buffer.from(parent + '/bad'), Buffer.from([0xff, 0xfe]), Buffer.from('x')]));
    const r = await runProcess('/bin/sh', ['-c', `cd "$(printf 'bad\\377\\376x')" && exec "$0" "$1" --socket "$2" chat new -- "$3"`, process.execPath, BIN, t.socket, FAKE_AGENT], { cwd: parent });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the project folder "${parent}/bad\\xff\\xfex" has a name that is not valid UTF-8`);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffd]/);
    expect(sessionsOf(t).filter((s) => s.startsWith('wg-chat-bad'))).toEqual([]);
  });
});
