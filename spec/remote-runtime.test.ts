/**
 * Issue 14.2: a remote with neither chatmux nor Node.js 20+ gets a copy of this machine's
 * Node.js with the copy of chatmux (lib/chat/remote-runtime.ts), when its system is this one's;
 * else one line naming what to install, exit 1. The unpack script on its own (a node that does
 * not run, a cut-off stream, leftovers), then over a real sshd on 127.0.0.1 whose remote PATH
 * has no node (spec/support/sshd.ts): a foreign system (a fake `uname`), a full disk, the
 * connection dropped mid-copy, then the copy made once and used by later commands and `chat attach`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { NEEDS_RUNTIME, REMOTE_SCRIPT } from '../lib/chat/remote-chatmux';
import { copyProblem, extraLibraries, localRuntime, RUNTIME_DOES_NOT_RUN, RUNTIME_SCRIPT } from '../lib/chat/remote-runtime';
import { shellQuote } from '../lib/control/commands';
import { tmuxEnv } from '../lib/control/server';
import { BIN, cleanEnv, runProcess, tempProject, type CliResult } from './support/chatmux-cli';
import { descendantsOf, remoteSocketName, startSshd, stopSshdAndServer, withRemoteFake, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';
import { killTestServer, testSocketName, waitFor } from './support/tmux';

const tmp = fs.mkdtempSync('/tmp/chatmux-spec-runtime-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('which Node.js can be copied', () => {
  test('a build linking only the C/C++ runtimes can; one with a shared libnode (or libuv, openssl) cannot', () => {
    const glibc = ['\tlinux-vdso.so.1 (0x00007ffd)', '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x1)', '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x2)', '\tlibm.so.6 => /lib/libm.so.6 (0x3)', '\tlibgcc_s.so.1 => /lib/libgcc_s.so.1 (0x4)', '\tlibpthread.so.0 => /lib/libpthread.so.0 (0x5)', '\tlibc.so.6 => /lib/libc.so.6 (0x6)', '\t/lib64/ld-linux-x86-64.so.2 (0x7)'].join('\n');
    expect(extraLibraries(glibc)).toEqual([]);
    expect(extraLibraries('\t/lib/ld-musl-x86_64.so.1 (0x1)\n\tlibstdc++.so.6 => /usr/lib/libstdc++.so.6 (0x2)\n\tlibc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x3)\n')).toEqual([]);
    expect(extraLibraries(`${glibc}\n\tlibnode.so.115 => /usr/lib/x86_64-linux-gnu/libnode.so.115 (0x8)\n\tlibuv.so.1 => /lib/libuv.so.1 (0x9)`)).toEqual(['libnode.so.115', 'libuv.so.1']);
  });
  test("this test machine's node is one self-contained program (the sshd tests below rely on it)", () => {
    const rt = localRuntime();
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(rt).toEqual({ file: process.execPath, version: process.version, platform: `${process.platform}-${process.arch}`, system: execFileSync('uname', ['-s', '-m'], { encoding: 'utf8' }).trim(), key: `node-${process.version}-${process.platform}-${process.arch}`, bytes: fs.statSync(process.execPath).size });
    expect(copyProblem(rt)).toBeNull();
  });
});

describe('the remote script and the runtime unpack script, run here', () => {
  const home = path.join(tmp, 'home');
  const cache = path.join(home, '.cache', 'chatmux', 'remote');
  const gz = (text: string) => execFileSync('gzip', ['-c'], { input: text });
  const unpack = (input: Buffer, version = 'v99.1.2') => runProcess('/bin/sh', ['-c', RUNTIME_SCRIPT, 'chatmux-runtime', 'node-t', version], { env: { PATH: process.env.PATH, HOME: home }, input });

  test('no node there, a runtime key given: asks for the runtime with what it found and its system', () => {
    const bare = fs.mkdtempSync(path.join(tmp, 'bare-'));
    for (const tool of ['uname']) fs.symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), path.join(bare, tool));
    let r: { status: number | null; stderr: string };
    try {
      execFileSync('/bin/sh', ['-c', REMOTE_SCRIPT, 'chatmux-remote', '', '0', 'abcdef0123456789', 'node-t', 'chatmux', 'chat', 'list'], { env: { PATH: bare, HOME: path.join(tmp, 'home-script') }, stdio: ['ignore', 'pipe', 'pipe'] });
      r = { status: 0, stderr: '' };
    } catch (e) {
      r = { status: (e as { status: number }).status, stderr: String((e as { stderr: Buffer }).stderr) };
    }
    expect(r).toEqual({ status: NEEDS_RUNTIME, stderr: `chatmux-remote: node: not found; system: ${localRuntime().system}\n` });
  });

  test('a node that runs and prints its version: linked under its key', async () => {
    const r = await unpack(gz('#!/bin/sh\necho v99.1.2\n'));
    expect([r.code, r.stderr]).toEqual([0, '']);
    const target = fs.readlinkSync(path.join(cache, 'node-t'));
    expect(target).toMatch(/^node-t\.\d+$/);
    expect(execFileSync(path.join(cache, 'node-t', 'node'), ['-v'], { encoding: 'utf8' })).toBe('v99.1.2\n');
  });

  test('one that does not run there (or prints another version), or a stream cut off: not linked, nothing left', async () => {
    fs.rmSync(home, { recursive: true, force: true });
    const wrong = await unpack(gz('#!/bin/sh\necho "cannot execute binary file: Exec format error" >&2; exit 126\n'));
    expect([wrong.code, wrong.stderr]).toEqual([RUNTIME_DOES_NOT_RUN, 'chatmux-runtime: cannot execute binary file: Exec format error\n']);
    const full = gz(`#!/bin/sh\necho v99.1.2\n${'#'.repeat(200000)}\n`);
    const cut = await unpack(full.subarray(0, Math.floor(full.length / 2)));
    expect(cut.code).not.toBe(0);
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  test('folders of copies cut off earlier (their process gone) are removed by the next copy; the linked one is kept', async () => {
    fs.rmSync(home, { recursive: true, force: true });
    expect((await unpack(gz('#!/bin/sh\necho v99.1.2\n'))).code).toBe(0);
    const linked = fs.readlinkSync(path.join(cache, 'node-t'));
    // pid_max is at most 2^22: no live process has this number.
    fs.mkdirSync(path.join(cache, 'node-t.9999999'));
    fs.writeFileSync(path.join(cache, 'node-t.9999999', 'node'), 'half');
    const again = await unpack(gz('#!/bin/sh\necho v99.1.2\n'));
    expect(again.code).toBe(0);
    expect(fs.readdirSync(cache).sort()).toEqual(['node-t', linked]);
  });

  test('first copies racing each other: one linked, every other folder removed (none removes the linked one)', async () => {
    // A copy that clears leftovers while another links and ends must not take the linked folder
    // (seen in about one round in ten before the order of the checks was fixed).
    const small = gz('#!/bin/sh\necho v99.1.2\n');
    for (let round = 0; round < 25; round++) {
      fs.rmSync(home, { recursive: true, force: true });
      const rs = await Promise.all(Array.from({ length: 8 }, () => unpack(small)));
      expect(rs.map((r) => [r.code, r.stderr])).toEqual(Array(8).fill([0, '']));
      expect([round, fs.readdirSync(cache).sort()]).toEqual([round, ['node-t', fs.readlinkSync(path.join(cache, 'node-t'))]]);
      expect(fs.existsSync(path.join(cache, 'node-t', 'node'))).toBe(true);
    }
  }, 30000);
});

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
const socket = remoteSocketName();
const outer = `${testSocketName()}-outer`;
const p = tempProject();
let env: NodeJS.ProcessEnv = {};
const g = () => ['--host', 'remote', '--socket', socket, '--project', p.project, '--state-dir', p.stateDir];
const cli = (args: string[]): Promise<CliResult> => runProcess(process.execPath, [BIN, ...g(), ...args], { env, timeoutMs: 60000 });
const remoteCache = () => path.join(sshd!.dir, 'home', '.cache', 'chatmux', 'remote');
const cacheNames = () => (fs.existsSync(remoteCache()) ? fs.readdirSync(remoteCache()).sort() : []);
const rt = localRuntime();
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WHAT_TO_INSTALL = 'install Node.js 20+ or chatmux there (npm install -g chatmux), or set CHATMUX_REMOTE_CHATMUX to its command on that host';
const NOTE = new RegExp(`^chatmux: remote has no chatmux and no Node\\.js 20\\+: copying this chatmux \\(\\S+\\) and this machine's Node\\.js \\(${esc(rt.version)} ${rt.platform}, \\d+ MB\\) there, once, to ~/\\.cache/chatmux/remote\\n`);
const outerTmux = (...args: string[]) => execFileSync('tmux', ['-L', outer, '-f', '/dev/null', ...args], { env: tmuxEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  // The remote: no chatmux on its PATH (the default program), and no node (hidden below).
  env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir });
  sshd.hideRemoteProgram('node');
  expect(() => sshd!.sshSync('command -v node || command -v chatmux')).toThrow();
});
afterAll(() => {
  killTestServer(outer);
  if (sshd) stopSshdAndServer(sshd, socket);
  p.cleanup();
});

maybe('another system there, one npm has no Node.js for (a fake uname saying SunOS i86pc): one line naming what to install, exit 1, nothing copied', async () => {
  // (Systems npm has a Node.js for: spec/remote-runtime-npm.test.ts.)
  const r = await withRemoteFake(sshd!, 'uname', 'echo "SunOS i86pc"', () => cli(['chat', 'list']));
  expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `chatmux: remote: no Node.js 20+ on the remote (needed to run chatmux there; found: none), and this machine's Node.js (${rt.platform}) does not run there (it is SunOS i86pc), and npm has no Node.js build for SunOS i86pc: ${WHAT_TO_INSTALL}\n`]);
  expect(cacheNames()).toEqual([]);
});

maybe('a remote cache that fills up mid-copy: one line after the note, exit 1, nothing left or linked', async () => {
  const dir = path.join(sshd!.dir, 'home', '.cache');
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
  let r: CliResult;
  let left: string[];
  try {
    r = await cli(['chat', 'list']);
    left = cacheNames();
  } finally {
    execFileSync('umount', [dir]);
  }
  expect([r.code, r.stdout, left]).toEqual([1, '', []]);
  expect(r.stderr).toMatch(new RegExp(`${NOTE.source}chatmux: remote: could not copy Node\\.js there \\(.*No space left on device.*\\)\\n$`));
}, 30000);

maybe('the connection dropped mid-copy: exit 1, no runtime linked, its half folder removed; the next command copies it again', async () => {
  const child = spawn(process.execPath, [BIN, ...g(), 'chat', 'list'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const closed = new Promise<number | null>((r) => child.once('close', r));
  // Some megabytes of node there, then every ssh of that command killed (its master too: the connection).
  await waitFor(() => {
    const half = cacheNames().find((n) => n.startsWith(`${rt.key}.`));
    return half && fs.existsSync(path.join(remoteCache(), half, 'node')) && fs.statSync(path.join(remoteCache(), half, 'node')).size > 4e6 ? half : null;
  }, 20000, 'a copy of node under way');
  for (const pid of descendantsOf(child.pid!)) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ssh') process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  expect(await closed).toBe(1);
  expect(err).toMatch(new RegExp(`${NOTE.source}chatmux: remote: .*\\n$`));
  expect(err.split('\n')).toHaveLength(3);
  expect(cacheNames()).not.toContain(rt.key);
  await waitFor(() => (cacheNames().some((n) => n.startsWith(`${rt.key}.`)) ? null : true), 10000, 'the half copy removed there');
}, 40000);

maybe('no node there: a chat created, listed and attached over --host; the runtime copied exactly once', async () => {
  fs.rmSync(remoteCache(), { recursive: true, force: true }); // (a retry starts over)
  killTestServer(outer);
  const made = await cli(['chat', 'new', '--name', 'no-node-here', '--', '/bin/sh']);
  expect(made.code).toBe(0);
  expect(made.stderr).toMatch(new RegExp(`${NOTE.source}$`));
  const ref = made.stdout.trim();
  // The runtime and chatmux, each a name linked to its folder.
  const names = cacheNames();
  expect(names).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}\.\d+$/), rt.key, expect.stringMatching(new RegExp(`^${esc(rt.key)}\\.\\d+$`))]);
  const node = fs.statSync(path.join(remoteCache(), rt.key, 'node'));
  expect(node.size).toBe(rt.bytes);
  // chatmux runs there with the copied node (doctor says which).
  const doctor = await cli(['doctor']);
  expect([doctor.code, doctor.stderr]).toEqual([0, '']);
  expect(doctor.stdout).toMatch(new RegExp(`^ok +node +${esc(rt.version)} \\(${esc(path.join(remoteCache(), rt.key))}\\.\\d+/node\\)$`, 'm'));

  // Later commands use it: no note, nothing copied again; a node older than 20 there changes nothing.
  fs.writeFileSync(path.join(sshd!.remoteBin, 'node'), '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
  const listed = await cli(['chat', 'list', '--json']);
  expect([listed.code, listed.stderr]).toEqual([0, '']);
  expect((JSON.parse(listed.stdout) as Array<{ ref: string; name: string }>).find((c) => c.ref === ref)?.name).toBe('no-node-here');
  expect(cacheNames()).toEqual(names);
  expect(fs.statSync(path.join(remoteCache(), rt.key, 'node')).ino).toBe(node.ino);

  // chat attach over ssh -t, in a terminal (an outer private tmux).
  const vars = Object.entries({ ...env, TERM: 'xterm-256color' })
    .filter(([k]) => /^(CHATMUX_|PATH$|HOME$|TERM$|LANG$)/.test(k))
    .map(([k, v]) => `${k}=${shellQuote(v!)}`)
    .join(' ');
  outerTmux('new-session', '-d', '-s', 'att', '-x', '120', '-y', '30', `env ${vars} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${[...g(), 'chat', 'attach', ref].map(shellQuote).join(' ')}; echo EXIT=$?; sleep 600`);
  const shown = async (re: RegExp, what: string) => {
    let last = '';
    try {
      await waitFor(() => (re.test((last = outerTmux('capture-pane', '-p', '-t', '=att:'))) ? true : null), 20000, what);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${last}`);
    }
  };
  await shown(/^[$#]/m, 'the attached chat showing its prompt');
  outerTmux('send-keys', '-t', '=att:', '-l', 'echo attached-$((6*7))');
  outerTmux('send-keys', '-t', '=att:', 'Enter');
  await shown(/^attached-42/m, 'the attached chat echoing');
  expect(outerTmux('capture-pane', '-p', '-t', '=att:')).not.toMatch(/copying|EXIT=/);
  expect(cacheNames()).toEqual(names);
}, 60000);
