/**
 * Red team, remote hosts (issue 14): hostile destinations and hosts-file lines, a broken copy
 * of chatmux on the remote, two first commands racing the copy, kill -9 of the local chatmux in
 * the middle of a remote `chat new`, the connection dropped in the middle of send/close/archive,
 * and an --api-key-env key watched for in every argv, option and file during the whole run.
 * Against the real sshd of spec/support/sshd.ts ("remote" is this machine over loopback ssh).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkDest, shellCommand, sshArgv, sshHostFrom, SshUsageError } from '../lib/control/ssh';
import { parseHostsFile } from '../lib/chat/hosts-config';
import { PAYLOADS } from '../fixtures/hostile-corpus';
import { BIN, cleanEnv, runProcess, tempProject, type CliResult } from './support/chatmux-cli';
import { filesUnder, pidsWithArgvContaining } from './support/secrets';
import { descendantsOf, remoteSocketName, sshdUnavailable, startSshd, stopSshdAndServer, type TestSshd } from './support/sshd';

const tmp = fs.mkdtempSync('/tmp/chatmux-rt-remote-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What a POSIX sh makes of a remote command line: its words, NUL-separated by printf. */
function wordsAsShSeesThem(words: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellCommand(words)}`], { cwd: tmp });
  return out.toString('latin1').split('\0').slice(0, -1);
}

describe('hostile destinations', () => {
  // Option injection, shell metacharacters (expanded by old ssh through ProxyCommand's %h/%r,
  // CVE-2023-51385), control characters, odd URIs.
  const refused = [
    '-oProxyCommand=touch /tmp/x',
    '-F/dev/null',
    'a$(touch x)',
    'u`id`@h',
    'h;id',
    'h|id',
    'h&id',
    "h'x",
    'h"x',
    'h(x)',
    'h{x}',
    'h<x',
    'u@-oProxyCommand=id',
    'ssh://-oProxyCommand=id@h:22',
    'ssh://u@-h',
    'h\\x',
    'h\nx',
    'h\rx',
    'h\0x',
    'h x',
    'h\tx',
    'h\x1b[2J',
    '',
    // URIs ssh answers with its usage text.
    'ssh://remote:0',
    'ssh://remote:99999',
    'ssh://remote:-1',
    'ssh://remote:22x',
    'ssh://@remote',
    'ssh://',
    'ssh://h/path',
    'ssh://u@h@h2',
  ];
  test.each(refused.map((d) => [JSON.stringify(d), d]))('%s is refused as bad input', (_, d) => {
    expect(() => checkDest(d)).toThrow(SshUsageError);
  });
  const accepted = ['gpu-box', 'user@gpu-box', 'ssh://user@gpu-box:2222', 'ssh://gpu-box', 'ssh://u@h:65535', 'ssh://[::1]:22', 'ssh://h:', 'u@[::1]', 'u@10.0.0.1', 'machine$@host', 'über-box', 'x'.repeat(300)];
  test.each(accepted)('%s is accepted and reaches ssh as one word after --', (d) => {
    expect(checkDest(d)).toBe(d);
    const argv = sshArgv({ dest: d, ssh: ['ssh'], controlDir: null }, ['tmux', '-V']);
    expect(argv[argv.indexOf('--') + 1]).toBe(d);
  });
  test('through the real CLI: exit 2, one line, no ssh started', async () => {
    const env = cleanEnv({ CHATMUX_SSH_CONTROL_DIR: path.join(tmp, 'cm'), CHATMUX_SSH: `/bin/sh -c 'touch ${tmp}/ssh-ran' sh` });
    for (const d of ['a$(touch x)', '-oProxyCommand=id', 'u@-oX']) {
      const r = await runProcess(process.execPath, [BIN, '--host', d, 'chat', 'list'], { env });
      expect([r.code, r.stdout, r.stderr.split('\n').length]).toEqual([2, '', 2]);
    }
    expect(fs.existsSync(path.join(tmp, 'ssh-ran'))).toBe(false);
  });
});

describe('hosts-file lines', () => {
  const parse = (line: string) => parseHostsFile(line, 'hosts');
  test('a project with a NUL or a control character is refused with its line (it could never reach the remote shell)', () => {
    expect(() => parse('box project=/a\0b')).toThrow(/^hosts:1: /);
    expect(() => parse('ok\nbox project="/a\x1b]0;x\x07"')).toThrow(/^hosts:2: /);
  });
  test("a quoted '#' is part of the word; an unquoted one after a blank starts a comment", () => {
    expect(parse("box project='/srv/a #b' # the box")).toEqual([{ dest: 'box', project: '/srv/a #b', socket: null }]);
    expect(parse('box project="/x #y"')).toEqual([{ dest: 'box', project: '/x #y', socket: null }]);
    expect(parse('box # project=/x')).toEqual([{ dest: 'box', project: null, socket: null }]);
    expect(parse('  # only a comment\n')).toEqual([]);
  });
  test('hostile lines: refused, or taken as plain data that the remote shell gets quoted', () => {
    const lines = [
      '-oProxyCommand=id',
      'box socket=../../x',
      'box socket=a;b',
      'box project=$(touch /tmp/x)',
      "box project='$(id)' socket=s",
      'box project=`id`',
      'box extra',
      'box "unterminated',
      `box project=/${'a'.repeat(5000)}`,
      '\uFEFFbox',
      'box\r',
    ];
    let refusedCount = 0;
    for (const line of lines) {
      let entries;
      try {
        entries = parse(line);
      } catch (e) {
        expect(e).toBeInstanceOf(SshUsageError);
        refusedCount++;
        continue;
      }
      for (const h of entries) {
        expect(checkDest(h.dest)).toBe(h.dest);
        if (h.project !== null) expect(wordsAsShSeesThem(['x', h.project])).toEqual(['x', h.project]);
      }
    }
    expect(refusedCount).toBe(6);
  });
});

test('remote words: a sampled hostile corpus reaches the remote shell exactly', () => {
  const words = PAYLOADS.map((p) => p.value.replace(/\{C\}/g, path.join(tmp, 'canary'))).filter((v) => !v.includes('\0'));
  expect(words.length).toBeGreaterThan(20);
  // Latin-1 round trip: compare as bytes.
  const asBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  expect(wordsAsShSeesThem(words)).toEqual(words.map(asBytes));
  expect(fs.existsSync(path.join(tmp, 'canary'))).toBe(false);
});

/** Run chatmux with `args`, then SIGKILL it and every process below it (its ssh) after `ms`. */
async function killedAfter(ms: number, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'ignore' });
  const closed = new Promise((r) => child.once('close', r));
  await new Promise((r) => setTimeout(r, ms));
  for (const pid of [child.pid!, ...descendantsOf(child.pid!)].reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* done already */
    }
  }
  await closed;
}

const skip = sshdUnavailable();
if (skip) console.log(skip);
const withSshd = skip ? describe.skip : describe;

withSshd('over a real sshd', () => {
  let sshd: TestSshd;
  const socket = remoteSocketName();
  const p = tempProject();
  let env: NodeJS.ProcessEnv;
  const g = () => ['--host', 'remote', '--socket', socket, '--project', p.project, '--state-dir', p.stateDir];
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> =>
    runProcess(process.execPath, [BIN, ...g(), ...args], { env: { ...env, ...extra }, timeoutMs: 40000, input });
  const remoteTmux = (cmd: string) => sshd.sshSync(`tmux -L ${socket} ${cmd}`);
  const remoteSessions = (): string[] => {
    try {
      return remoteTmux("list-sessions -F '#{session_name}'").split('\n').filter(Boolean);
    } catch {
      return []; // no server
    }
  };
  const cache = () => path.join(sshd.dir, 'home', '.cache', 'chatmux', 'remote');
  const noRemote = { CHATMUX_REMOTE_CHATMUX: '' };
  type Listed = { ref: string; name: string; lifecycle: string };
  const list = async (): Promise<Listed[]> => {
    const r = await cli(['chat', 'list', '--all', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    return JSON.parse(r.stdout) as Listed[];
  };

  beforeAll(async () => {
    sshd = await startSshd();
    env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}` });
  });
  afterAll(() => {
    if (!sshd) return;
    stopSshdAndServer(sshd, socket);
    p.cleanup();
  });

  test('a broken copy under its name (a dangling link, a stale folder) is replaced, not trusted or stuck on', async () => {
    // First a good copy, to learn its key.
    fs.rmSync(path.join(sshd.dir, 'home', '.cache'), { recursive: true, force: true });
    const first = await cli(['chat', 'list'], noRemote);
    expect(first.code).toBe(0);
    const key = fs.readdirSync(cache()).find((n) => /^[0-9a-f]{16}$/.test(n))!;
    const name = path.join(cache(), key);
    // 1. Its folder removed (a cache cleaner): the name dangles.
    fs.rmSync(path.join(cache(), fs.readlinkSync(name)), { recursive: true });
    const dangling = await cli(['chat', 'list'], noRemote);
    expect([dangling.code, dangling.stderr]).toEqual([0, expect.stringMatching(/^chatmux: remote has no chatmux: copying this one/)]);
    expect(fs.existsSync(path.join(name, 'bin', 'chatmux'))).toBe(true);
    // 2. A real folder under the name without the program (an older layout, a manual copy gone wrong).
    fs.rmSync(name);
    fs.mkdirSync(path.join(name, 'dist'), { recursive: true });
    const stale = await cli(['chat', 'list'], noRemote);
    expect([stale.code, stale.stderr]).toEqual([0, expect.stringMatching(/^chatmux: remote has no chatmux: copying this one/)]);
    expect(fs.lstatSync(name).isSymbolicLink()).toBe(true);
    // 3. The next command uses it without copying.
    const again = await cli(['chat', 'list'], noRemote);
    expect([again.code, again.stderr]).toEqual([0, '']);
  }, 60000);

  test('three first commands race the copy: all succeed, one copy under the name, no half copy left', async () => {
    fs.rmSync(path.join(sshd.dir, 'home', '.cache'), { recursive: true, force: true });
    const rs = await Promise.all([0, 1, 2].map(() => cli(['chat', 'list', '--json'], noRemote)));
    for (const r of rs) expect([r.code, r.stdout.trim()]).toEqual([0, expect.stringMatching(/^\[/)]);
    const names = fs.readdirSync(cache());
    const links = names.filter((n) => fs.lstatSync(path.join(cache(), n)).isSymbolicLink());
    expect(links).toHaveLength(1);
    // Every folder left is whole (a loser's folder is removed; none is half unpacked).
    for (const n of names.filter((x) => !links.includes(x))) expect(fs.existsSync(path.join(cache(), n, 'bin', 'chatmux'))).toBe(true);
  }, 60000);

  /** Run `chat list` with the remote's cache folder a tmpfs mounted with `opts` (a read-only or a tiny one). */
  const withCacheMount = async (opts: string): Promise<{ r: CliResult; left: string[] }> => {
    const dir = path.join(sshd.dir, 'home', '.cache');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir]);
    try {
      const r = await cli(['chat', 'list'], noRemote);
      const remote = path.join(dir, 'chatmux', 'remote');
      return { r, left: fs.existsSync(remote) ? fs.readdirSync(remote) : [] };
    } finally {
      execFileSync('umount', [dir]);
    }
  };

  test('a remote cache folder that is read-only: the copy fails as one line, exit 1, nothing left there', async () => {
    const { r, left } = await withCacheMount('ro,size=64k');
    expect([r.code, r.stdout, left]).toEqual([1, '', []]);
    expect(r.stderr).toMatch(/^chatmux: remote has no chatmux: copying this one.*\nchatmux: remote: could not copy chatmux there \(.*Read-only file system.*\)\n$/);
  }, 30000);

  test('a remote cache that fills up mid-copy: one line, exit 1, no half copy left or linked', async () => {
    const { r, left } = await withCacheMount('size=256k');
    expect([r.code, r.stdout, left]).toEqual([1, '', []]);
    // GNU tar says ENOSPC, or "Wrote only N of M bytes" when the disk fills inside one write
    // (which of the two depends on where the 256k end falls in the files copied).
    expect(r.stderr).toMatch(/\nchatmux: remote: could not copy chatmux there \(.*(No space left on device|Wrote only \d+ of \d+ bytes).*\)\n$/);
  }, 30000);

  test('kill -9 of the local chatmux (and its ssh) at 3 moments of a first copy: no name linked to a half copy, the next command works', async () => {
    for (const ms of [100, 250, 500]) {
      fs.rmSync(path.join(sshd.dir, 'home', '.cache'), { recursive: true, force: true });
      await killedAfter(ms, [...g(), 'chat', 'list'], { ...env, ...noRemote });
      await new Promise((r) => setTimeout(r, 300));
      const names = fs.existsSync(cache()) ? fs.readdirSync(cache()) : [];
      for (const n of names.filter((x) => fs.lstatSync(path.join(cache(), x)).isSymbolicLink())) expect(fs.existsSync(path.join(cache(), n, 'bin', 'chatmux'))).toBe(true);
      // Whatever was left, the next command runs (copying again if it must).
      const next = await cli(['chat', 'list', '--json'], noRemote);
      expect([ms, next.code]).toEqual([ms, 0]);
    }
  }, 60000);

  test('a remote state dir that is full: chat new is one line, exit 1, no session left and nothing starting', async () => {
    const full = path.join(sshd.dir, 'full-state');
    fs.mkdirSync(full, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    try {
      execFileSync('sh', ['-c', `mkdir ${full}/s; cat /dev/zero > ${full}/fill 2>/dev/null || :`]);
      const before = remoteSessions();
      const r = await runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', socket, '--project', p.project, '--state-dir', `${full}/s`, 'chat', 'new', '--name', 'nospace', '--', 'sleep', '60'], { env, timeoutMs: 30000 });
      expect([r.code, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toMatch(/^chatmux: .*no space left on device.*\n$/i);
      expect(remoteSessions()).toEqual(before);
    } finally {
      execFileSync('umount', [full]);
    }
  }, 30000);

  test('hostile --project and --state-dir folders over ssh: each used exactly, nothing runs', async () => {
    const canary = path.join(p.root, 'canary-paths');
    const names = [`p r'oj$(touch ${canary})`, `\`touch ${canary}\`;#`, 'new\nline', `"$HOME" *`];
    for (const name of names) {
      const proj = path.join(p.root, 'hostile', name);
      fs.mkdirSync(proj, { recursive: true });
      const run = (args: string[]) => runProcess(process.execPath, [BIN, '--host', 'remote', '--socket', socket, '--project', proj, '--state-dir', path.join(proj, 'st ate'), ...args], { env, timeoutMs: 30000 });
      const made = await run(['chat', 'new', '--name', 'hp', '--', 'pwd']);
      const listed = await run(['chat', 'list', '--json']);
      expect([JSON.stringify(name), made.code, made.stderr, listed.code]).toEqual([JSON.stringify(name), 0, '', 0]);
      expect(fs.existsSync(path.join(proj, 'st ate', 'chats.json'))).toBe(true);
    }
    expect(fs.existsSync(canary)).toBe(false);
  }, 60000);

  test('--api-key-env over ssh with a first copy: the key in no argv on either side during the whole run, nor in tmux options, state or cache files', async () => {
    fs.rmSync(path.join(sshd.dir, 'home', '.cache'), { recursive: true, force: true });
    const secret = `sk-rtremote-${randomBytes(10).toString('hex')}`;
    let seen: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen = seen.concat(pidsWithArgvContaining(secret));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const created = await cli(['chat', 'new', '--name', 'keyed', '--api-key-env', 'RT_KEY', '--', 'sh', '-c', 'printf "len=%s\\n" "${#RT_KEY}"; exec cat'], { ...noRemote, RT_KEY: secret });
    const ref = created.stdout.trim();
    const sent = await cli(['chat', 'send', ref, 'hello'], noRemote);
    watching = false;
    await watch;
    expect([created.code, sent.code]).toEqual([0, 0]);
    expect(seen).toEqual([]);
    for (const scope of ['show-options -g', 'show-options -s', 'show-options -gw', 'show-environment -g']) expect(remoteTmux(scope)).not.toContain(secret);
    for (const dir of [p.stateDir, path.join(sshd.dir, 'home'), sshd.controlDir]) {
      for (const f of filesUnder(dir)) expect([f, fs.readFileSync(f).includes(secret)]).toEqual([f, false]);
    }
    await cli(['chat', 'close', ref]);
  }, 60000);

  test('kill -9 of the local chatmux (and its ssh) at 6 moments of a remote chat new: none left starting, no orphan session', async () => {
    const before = new Set((await list()).map((c) => c.ref));
    const sessionsBefore = new Set(remoteSessions());
    for (const ms of [50, 150, 300, 450, 700, 1000]) {
      await killedAfter(ms, [...g(), 'chat', 'new', '--name', `k${ms}`, '--', 'sleep', '300'], env);
    }
    // What the remote chatmux processes still running finish meanwhile.
    await new Promise((r) => setTimeout(r, 3000));
    const chats = (await list()).filter((c) => !before.has(c.ref));
    for (const c of chats) expect([c.name, c.lifecycle]).toEqual([c.name, expect.stringMatching(/^(running|closed)$/)]);
    const sessions = remoteSessions().filter((x) => !sessionsBefore.has(x));
    const running = (await list()).filter((c) => c.lifecycle === 'running').map((c) => c.ref);
    for (const s of sessions.filter((x) => !x.startsWith('chatmux-view'))) expect(running.some((r) => s.endsWith(`-${r}`))).toBe(true);
  }, 60000);

  test('the connection dropped (server side) in the middle of send, close and archive: exit 1 or done, the registry consistent after', async () => {
    const made = await Promise.all([0, 1, 2].map((i) => cli(['chat', 'new', '--name', `drop${i}`, '--', 'sleep', '300'])));
    const refs = made.map((r) => r.stdout.trim());
    const ops = [['chat', 'send', refs[0]!, 'x'.repeat(2000)], ['chat', 'close', refs[1]!], ['chat', 'archive', refs[2]!]];
    for (const op of ops) {
      const run = cli(op);
      await new Promise((r) => setTimeout(r, 150));
      // Every per-connection sshd (the shared master's too): the link is gone mid-command.
      for (const pid of descendantsOf(sshd.sshdPid)) {
        try {
          if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd') process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      const r = await run;
      expect([op[1], r.code]).toEqual([op[1], expect.any(Number)]);
      if (r.code !== 0) expect([op[1], r.code, r.stderr.trim().split('\n')]).toEqual([op[1], 1, [expect.stringMatching(/^chatmux: remote: /)]]);
    }
    await new Promise((r) => setTimeout(r, 1500));
    const chats = await list();
    for (const ref of refs) expect(chats.find((c) => c.ref === ref)?.lifecycle).toMatch(/^(running|closed|archived)$/);
    // A second try of each stop finishes it.
    expect((await cli(['chat', 'close', refs[1]!])).code).toBe(0);
    expect((await cli(['chat', 'archive', refs[2]!])).code).toBe(0);
    const after = await list();
    expect(after.find((c) => c.ref === refs[1])?.lifecycle).toBe('closed');
    expect(after.find((c) => c.ref === refs[2])?.lifecycle).toBe('archived');
  }, 60000);
});

test('sshHostFrom refuses what checkDest refuses', () => {
  expect(() => sshHostFrom('a;b', { CHATMUX_SSH_CONTROL_DIR: path.join(tmp, 'cm2') })).toThrow(SshUsageError);
});
