/**
 * Issue 14: `chatmux --host DEST …` runs the command on DEST (lib/cli/remote.ts), against a
 * real sshd on 127.0.0.1 (spec/support/sshd.ts). "Remote" is this machine: its chatmux is this
 * checkout's bin/chatmux (CHATMUX_REMOTE_CHATMUX), its tmux a private socket. Chats created,
 * listed, typed into, renamed, closed and archived over ssh; hostile names; a secret in no argv
 * on either side; one-line errors with exit 1.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { apiKeyVar, planRemote, splitHost } from '../lib/cli/remote';
import { explain, isNexCommand, NO_CHATMUX, NO_TMUX, OLD_TMUX, REMOTE_SCRIPT } from '../lib/chat/remote-chatmux';
import { PAYLOADS } from '../fixtures/hostile-corpus';
import { BIN, cleanEnv, runProcess, tempProject, type CliResult } from './support/chatmux-cli';
import { pidsWithArgvContaining } from './support/secrets';
import { addBrokenAliases, remoteSocketName, sshdUnavailable, startSshd, stopSshdAndServer, withRemoteFake, type TestSshd } from './support/sshd';
import { waitFor } from './support/tmux';
import { sshChatHost } from '../lib/chat/host';
import { sshHostFrom } from '../lib/control/ssh';
import { UNPACK_SCRIPT } from '../lib/chat/remote-copy';

const GLOBAL_VALUE = new Set(['--socket', '--project', '--state-dir', '--host', '--prefix']);

describe('splitHost / apiKeyVar', () => {
  test('--host is taken from the global options only; CHATMUX_HOST when absent', () => {
    const g = (a: string) => GLOBAL_VALUE.has(a);
    expect(splitHost(['--socket', 's', '--host', 'box', 'chat', 'list'], {}, g)).toEqual({ host: 'box', args: ['--socket', 's', 'chat', 'list'] });
    expect(splitHost(['--host=u@b', 'sessions'], {}, g)).toEqual({ host: 'u@b', args: ['sessions'] });
    // After the command word it is the command's text (here: words sent into a chat).
    expect(splitHost(['chat', 'send', 'c', '--', '--host', 'x'], {}, g)).toEqual({ host: null, args: ['chat', 'send', 'c', '--', '--host', 'x'] });
    expect(splitHost(['--project', '--host', 'chat', 'list'], {}, g)).toEqual({ host: null, args: ['--project', '--host', 'chat', 'list'] });
    expect(splitHost(['chat', 'list'], { CHATMUX_HOST: 'envbox' }, g).host).toBe('envbox');
    expect(splitHost(['chat', 'list'], { CHATMUX_HOST: '' }, g).host).toBeNull();
    expect(() => splitHost(['--host'], {}, g)).toThrow(/needs a destination/);
  });
  test('apiKeyVar stops at --', () => {
    expect(apiKeyVar(['chat', 'new', '--api-key-env', 'K'])).toBe('K');
    expect(apiKeyVar(['chat', 'new', '--api-key-env=K2'])).toBe('K2');
    expect(apiKeyVar(['chat', 'new', '--', '--api-key-env', 'K'])).toBeNull();
  });
});

test('--host after the command word is refused (exit 2), not silently run here', async () => {
  const r = await runProcess(process.execPath, [BIN, 'chat', 'list', '--host', 'box'], { env: cleanEnv({ CHATMUX_STATE_DIR: '/nonexistent/h10' }) });
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('chatmux: --host goes before the command (chatmux --host DEST chat list)\n');
});

describe('planRemote', () => {
  const dir = fs.mkdtempSync('/tmp/chatmux-spec-plan-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { CHATMUX_SSH_CONTROL_DIR: path.join(dir, 'cm'), K: 'v@l ue', NL: 'a\nb' };
  const tty = { stdin: true, stdout: true };
  test('a terminal on the remote for the UI, nex and chat attach only, and only when we have one', () => {
    expect(planRemote('box', [], null, env, tty).tty).toBe(true);
    expect(planRemote('box', ['tui'], 'tui', env, tty).tty).toBe(true);
    expect(planRemote('box', ['chat', 'attach', 'c'], 'chat', env, tty).tty).toBe(true);
    expect(planRemote('box', ['chat', 'attach', 'c'], 'chat', env, { stdin: false, stdout: true }).tty).toBe(false);
    expect(planRemote('box', ['chat', 'send', 'c', 'attach'], 'chat', env, tty).tty).toBe(false);
    expect(planRemote('box', ['chat', 'list'], 'chat', env, tty).tty).toBe(false);
  });
  test('--api-key-env: the value read here; one with a line break is refused (exit 2)', () => {
    expect(planRemote('box', ['chat', 'new', '--api-key-env', 'K'], 'chat', env, tty).secret).toEqual({ name: 'K', value: 'v@l ue' });
    expect(planRemote('box', ['chat', 'new', '--api-key-env', 'UNSET_H10'], 'chat', env, tty).secret).toBeNull();
    expect(() => planRemote('box', ['chat', 'new', '--api-key-env', 'NL'], 'chat', env, tty)).toThrow(/line break/);
    expect(planRemote('box', ['doctor'], 'doctor', env, tty).checkTmux).toBe(false);
  });
});

describe('unpacking the copy there', () => {
  test('copies unpacked at once and one after the other: one copy under the name, nothing half or nested', async () => {
    const home = fs.mkdtempSync('/tmp/chatmux-spec-unpack-');
    try {
      const src = path.join(home, 'src');
      fs.mkdirSync(path.join(src, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(src, 'bin', 'chatmux'), '#!/bin/sh\n');
      const tarball = execFileSync('tar', ['-czf', '-', '-C', src, '.']);
      const unpack = () => runProcess('/bin/sh', ['-c', UNPACK_SCRIPT, 'chatmux-unpack', 'abcdef0123456789'], { env: { PATH: process.env.PATH, HOME: home }, input: tarball });
      const results = [...(await Promise.all([unpack(), unpack(), unpack()])), await unpack()];
      expect(results.map((r) => [r.code, r.stderr])).toEqual(Array(4).fill([0, '']));
      const dir = path.join(home, '.cache', 'chatmux', 'remote');
      const names = fs.readdirSync(dir).sort();
      expect(names).toEqual(['abcdef0123456789', expect.stringMatching(/^abcdef0123456789\.\d+$/)]);
      expect(fs.readlinkSync(path.join(dir, 'abcdef0123456789'))).toBe(names[1]);
      expect(fs.readdirSync(path.join(dir, names[1]!)).sort()).toEqual(['bin']);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('the remote script', () => {
  const host = { dest: 'box', ssh: ['ssh'], controlDir: null };
  // A PATH with sh's own tools but neither tmux nor chatmux.
  const bare = fs.mkdtempSync('/tmp/chatmux-spec-bare-');
  afterAll(() => fs.rmSync(bare, { recursive: true, force: true }));
  const runScript = (args: string[], input = '', pathDirs = bare) =>
    (() => {
      try {
        return { code: 0, out: execFileSync('/bin/sh', ['-c', REMOTE_SCRIPT, 'chatmux-remote', ...args], { env: { PATH: pathDirs }, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }) };
      } catch (e) {
        return { code: (e as { status: number }).status, out: '' };
      }
    })();

  test('no chatmux there: its own exit code, explained as one line naming what to install', () => {
    const r = runScript(['', '1', '', '', 'chatmux', 'chat', 'list']);
    expect(r.code).toBe(NO_CHATMUX);
    expect(explain({ host, program: ['chatmux'] }, r.code, '')).toMatch(/^box: no chatmux on the remote: install chatmux there \(npm install -g chatmux\)/);
  });
  test('no tmux there: its own exit code, explained with the tmux install hint', () => {
    const r = runScript(['', '1', '', '', '/bin/echo', 'x']);
    expect(r.code).toBe(NO_TMUX);
    expect(explain({ host, program: ['chatmux'] }, r.code, '')).toMatch(/^box: no tmux on the remote: install tmux 3\.2 or newer there/);
    // doctor skips the check (it reports tmux itself).
    expect(runScript(['', '0', '', '', '/bin/echo', 'x'])).toEqual({ code: 0, out: 'x\n' });
  });
  test.each([
    ['tmux 3.0', OLD_TMUX],
    ['tmux 2.9a', OLD_TMUX],
    ['tmux next-3.1', OLD_TMUX],
    ['tmux 3.2', 0],
    ['tmux 3.3a', 0],
    ['tmux 10.0', 0],
    ['tmux master', 0],
    ['tmux openbsd-7.5', 0],
  ])('a remote %j: exit %d', (version, want) => {
    const fake = fs.mkdtempSync('/tmp/chatmux-spec-faketmux-');
    try {
      fs.writeFileSync(path.join(fake, 'tmux'), `#!/bin/sh\necho '${version}'\n`, { mode: 0o755 });
      const r = runScript(['', '1', '', '', '/bin/echo', 'x'], '', `${fake}:/usr/bin:/bin`);
      expect(r.code).toBe(want);
      if (want === OLD_TMUX) {
        expect(explain({ host, program: ['chatmux'] }, r.code, `chatmux-remote: ${version}\n`)).toBe(
          `box: ${version} is too old: chatmux needs tmux 3.2 or newer on the remote: install tmux 3.2 or newer there (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)`,
        );
      }
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });
  test('no chatmux there for a nex chat: the line says nex needs it', () => {
    expect(isNexCommand('chat', ['--socket', 's', 'chat', 'new', '--executor', 'nex', '-m', 'm'])).toBe(true);
    expect(isNexCommand('chat', ['chat', 'new', '--executor=nex'])).toBe(true);
    expect(isNexCommand('nex', ['nex', '-m', 'm'])).toBe(true);
    expect(isNexCommand('chat', ['chat', 'new', '--', 'echo', '--executor', 'nex'])).toBe(false);
    expect(isNexCommand('chat', ['chat', 'list'])).toBe(false);
    // With a terminal the remote's stderr went to the screen: the line still says what to do.
    expect(explain({ host, program: ['chatmux'] }, OLD_TMUX, '')).toBe('box: tmux older than 3.2: chatmux needs tmux 3.2 or newer on the remote: install tmux 3.2 or newer there (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)');
    expect(explain({ host, program: ['chatmux'] }, NO_CHATMUX, '')).toBe('box: no chatmux on the remote: install chatmux there (npm install -g chatmux) or Node.js 20+ (then chatmux copies itself there), or set CHATMUX_REMOTE_CHATMUX to its command on that host');
    expect(explain({ host, program: ['chatmux'], nex: true }, NO_CHATMUX, '')).toMatch(/^box: no chatmux on the remote: nex chats run chatmux on the machine they live on: install chatmux there/);
  });
  test('the secret arrives from stdin into the named variable, and chatmux\'s own exit codes are kept', () => {
    const r = runScript(['H10_K', '0', '', '', '/bin/sh', '-c', 'printf %s "$H10_K"'], "s3cr3t 'x' $y\nrest");
    expect(r).toEqual({ code: 0, out: "s3cr3t 'x' $y" });
    expect(explain({ host, program: ['chatmux'] }, 2, 'chatmux: bad')).toBeNull();
  });
  test('a session without a locale gets C.UTF-8 (the UI draws UTF-8); one with a locale keeps it', () => {
    expect(runScript(['', '0', '', '', '/bin/sh', '-c', 'printf %s "$LANG"'])).toEqual({ code: 0, out: 'C.UTF-8' });
    const r = execFileSync('/bin/sh', ['-c', REMOTE_SCRIPT, 'chatmux-remote', '', '0', '', '', '/bin/sh', '-c', 'printf %s "$LANG"'], { env: { PATH: bare, LC_ALL: 'de_DE.UTF-8' }, encoding: 'utf8' });
    expect(r).toBe('');
  });
});

const skip = sshdUnavailable();
if (skip) console.log(skip);
const withSshd = skip ? describe.skip : describe;

withSshd('chatmux --host over a real sshd', () => {
  let sshd: TestSshd;
  const socket = remoteSocketName();
  const p = tempProject();
  const secret = `sk-h10cli-${randomBytes(8).toString('hex')}`;
  let env: NodeJS.ProcessEnv;
  const g = () => ['--host', 'remote', '--socket', socket, '--project', p.project, '--state-dir', p.stateDir];
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => runProcess(process.execPath, [BIN, ...g(), ...args], { env: { ...env, ...extra }, timeoutMs: 30000 });
  const remoteTmux = (cmd: string) => sshd.sshSync(`tmux -L ${socket} ${cmd}`);

  beforeAll(async () => {
    sshd = await startSshd();
    env = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir, CHATMUX_REMOTE_CHATMUX: `${process.execPath} ${BIN}`, H10_KEY: secret });
  });
  afterAll(() => {
    if (!sshd) return;
    stopSshdAndServer(sshd, socket);
    p.cleanup();
  });

  test('new (hostile name, key from --api-key-env) / list / send / rename / close / archive', async () => {
    const name = `it's $(touch ${p.root}/canary) #{pane_id} ;x`;
    // Watch every process's argv, on both sides (same machine), while the chat is created.
    let seen: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen = seen.concat(pidsWithArgvContaining(secret));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const created = await cli(['chat', 'new', '--name', name, '--api-key-env', 'H10_KEY', '--', 'sh', '-c', 'printf "keylen=%s\\n" "${#H10_KEY}"; exec cat']);
    watching = false;
    await watch;
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const ref = created.stdout.trim();
    expect(seen).toEqual([]);

    const listed = await cli(['chat', 'list', '--json']);
    expect(listed.code).toBe(0);
    const chats = JSON.parse(listed.stdout) as Array<{ ref: string; name: string }>;
    expect(chats.map((c) => [c.ref, c.name])).toEqual([[ref, name]]);

    expect((await cli(['chat', 'send', ref, 'typed over ssh'])).code).toBe(0);
    await waitFor(() => {
      const pane = remoteTmux(`list-panes -a -F '#{session_name} #{pane_id}'`).split('\n').find((l) => l.split(' ')[0]!.endsWith(`-${ref}`))?.split(' ')[1];
      if (!pane) return null;
      const screen = remoteTmux(`capture-pane -p -t '${pane}'`);
      return screen.includes(`keylen=${secret.length}`) && screen.includes('typed over ssh') ? screen : null;
    }, 10000, 'the chat shows the key length and the typed text');
    // While the chat runs with the key in its environment: in no process's argv on the box (both ends).
    expect(pidsWithArgvContaining(secret)).toEqual([]);

    expect((await cli(['chat', 'rename', ref, 'renamed'])).code).toBe(0);
    // The log lives on the remote; chat log reads it there.
    const log = await cli(['chat', 'log', ref]);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain('typed over ssh');

    expect((await cli(['chat', 'close', ref])).code).toBe(0);
    expect((await cli(['chat', 'archive', ref])).code).toBe(0);
    const after = await cli(['chat', 'list', '--all', '--json']);
    expect((JSON.parse(after.stdout) as Array<{ name: string; archived?: boolean }>).map((c) => c.name)).toEqual(['renamed']);
    expect(fs.existsSync(path.join(p.root, 'canary'))).toBe(false);
    expect(pidsWithArgvContaining(secret)).toEqual([]);
  });

  test('hostile names over ssh arrive exactly (one chat list for all)', async () => {
    const canary = path.join(p.root, 'canary2');
    const names = PAYLOADS.map((x) => x.value.replace(/\{C\}/g, canary)).filter((v) => v.length > 0 && v.length < 200 && !/[\x00-\x1f\x7f]/.test(v)).slice(0, 4);
    // In parallel (each is a process on both sides); the registry takes its own lock.
    const results = await Promise.all(names.map((name) => cli(['chat', 'new', '--name', name, '--', 'sleep', '60'])));
    for (const r of results) expect([r.code, r.stderr]).toEqual([0, '']);
    const refs = results.map((r) => r.stdout.trim());
    const listed = JSON.parse((await cli(['chat', 'list', '--json'])).stdout) as Array<{ ref: string; name: string }>;
    for (let i = 0; i < refs.length; i++) expect(listed.find((c) => c.ref === refs[i])?.name).toBe(names[i]);
    expect(fs.existsSync(canary)).toBe(false);
  });

  test('doctor and sessions over ssh report the remote tmux and its chats', async () => {
    const [doctor, sessions] = await Promise.all([cli(['doctor']), cli(['sessions'])]);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/^ok +tmux +\S+ \(\d+\.\d+/m);
    expect(sessions.code).toBe(0);
    expect(sessions.stdout).toMatch(/running "sleep"/);
  });

  test('no chatmux on the remote, connection refused, unknown host, auth failure, host key mismatch: one line each, exit 1', async () => {
    const noChatmux = await cli(['chat', 'list'], { CHATMUX_REMOTE_CHATMUX: '/nonexistent/h10/chatmux' });
    expect([noChatmux.code, noChatmux.stdout]).toEqual([1, '']);
    expect(noChatmux.stderr).toMatch(/^chatmux: remote: no \/nonexistent\/h10\/chatmux on the remote: install chatmux there .*\n$/);
    addBrokenAliases(sshd);
    const cases: Array<[string, RegExp]> = [
      ['refused', /^chatmux: refused: connection refused \(.*\): is sshd running there, on that port\?\n$/],
      ['nohost', /^chatmux: nohost: unknown host \(.*\)\n$/],
      ['badauth', /^chatmux: badauth: ssh authentication failed \(.*\): check your key or ssh-agent\n$/],
      ['badkey', /^chatmux: badkey: the host key does not match known_hosts .*\n$/],
    ];
    const results = await Promise.all(
      // Each its own sharing folder: a master already open to 127.0.0.1 would skip auth and host key checks.
      cases.map(([dest]) => runProcess(process.execPath, [BIN, '--host', dest, 'chat', 'list'], { env: { ...env, CHATMUX_SSH_CONTROL_DIR: path.join(sshd.dir, `cli-cm-${dest}`) } })),
    );
    results.forEach((r, i) => {
      expect([cases[i]![0], r.code, r.stdout]).toEqual([cases[i]![0], 1, '']);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  });

  test('tmux too old on the remote (a fake tmux 3.0 first on its PATH): one line, exit 1; a nex chat without chatmux there says what to install', async () => {
    const old = await withRemoteFake(sshd, 'tmux', 'echo "tmux 3.0"', () => cli(['chat', 'list']));
    expect([old.code, old.stdout]).toEqual([1, '']);
    expect(old.stderr).toBe('chatmux: remote: tmux 3.0 is too old: chatmux needs tmux 3.2 or newer on the remote: install tmux 3.2 or newer there (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)\n');
    const nex = await cli(['chat', 'new', '--executor', 'nex', '-m', 'm', '-e', 'http://127.0.0.1:9/v1'], { CHATMUX_REMOTE_CHATMUX: '/nonexistent/h10/chatmux' });
    expect([nex.code, nex.stdout]).toEqual([1, '']);
    expect(nex.stderr).toMatch(/^chatmux: remote: no \/nonexistent\/h10\/chatmux on the remote: nex chats run chatmux on the machine they live on: install chatmux there \(npm install -g chatmux.*\n$/);
  });

  test('no tmux on the remote (hidden from its PATH): one line with the install hint, exit 1', async () => {
    const restore = sshd.hideRemoteProgram('tmux');
    let r: CliResult;
    try {
      r = await cli(['chat', 'list']);
    } finally {
      restore();
    }
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe('chatmux: remote: no tmux on the remote: install tmux 3.2 or newer there (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)\n');
  });

  test('no chatmux on the remote but Node.js 20+: this chatmux copies itself there once and runs; stdin sent again after the copy', async () => {
    // The default program: chatmux is not on the remote PATH (remote-bin, /usr/local/bin, /usr/bin, /bin).
    const noRemote = { CHATMUX_REMOTE_CHATMUX: '' };
    expect(() => sshd.sshSync('command -v chatmux')).toThrow();
    const cache = path.join(sshd.dir, 'home', '.cache', 'chatmux', 'remote');
    const created = await cli(['chat', 'new', '--name', 'copied', '--', '/bin/sh', '-c', 'stty -echo; exec cat'], noRemote);
    expect([created.code, created.stderr]).toEqual([0, expect.stringMatching(/^chatmux: remote has no chatmux: copying this one \(\S+\) there, to ~\/\.cache\/chatmux\/remote\/[0-9a-f]{16} \(its node v\d+\S* runs it\)\n$/)]);
    const ref = created.stdout.trim();
    const copies = fs.readdirSync(cache).sort();
    // The copy's name, a link to the folder it was unpacked into.
    expect(copies).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}\.\d+$/)]);
    // Only what runs: no sources, maps or type files.
    const copied = execFileSync('find', ['-H', path.join(cache, copies[0]!), '(', '-name', '*.map', '-o', '-name', '*.ts', ')', '-type', 'f'], { encoding: 'utf8' });
    expect(copied).toBe('');
    // The next command finds the copy: no second copy, no note.
    const listed = await cli(['chat', 'list', '--json'], noRemote);
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    expect((JSON.parse(listed.stdout) as Array<{ ref: string }>).some((c) => c.ref === ref)).toBe(true);
    // Copy gone: a command reading stdin copies again and its stdin still arrives whole.
    fs.rmSync(cache, { recursive: true });
    const piped = await runProcess(process.execPath, [BIN, ...g(), 'chat', 'send', ref], { env: { ...env, ...noRemote }, input: 'line one from stdin\nline two\n', timeoutMs: 60000 });
    expect([piped.code, piped.stderr]).toEqual([0, expect.stringMatching(/copying this one/)]);
    await waitFor(() => {
      const pane = remoteTmux(`list-panes -a -F '#{session_name} #{pane_id}'`).split('\n').find((l) => l.split(' ')[0]!.endsWith(`-${ref}`))?.split(' ')[1];
      const screen = pane ? remoteTmux(`capture-pane -p -t '${pane}'`) : '';
      return screen.includes('line one from stdin') && screen.includes('line two') ? screen : null;
    }, 10000, 'the piped text on the remote chat');
  });

  test("a UI's changes to a remote host's chats (ChatHost.chatmux) go through the same script: the copy, one-line errors", async () => {
    fs.rmSync(path.join(sshd.dir, 'home', '.cache'), { recursive: true, force: true });
    const e = { ...env, CHATMUX_REMOTE_CHATMUX: '' };
    const notes: string[] = [];
    const host = await sshChatHost(sshHostFrom('remote', e), socket, p.project, e, null, (m) => notes.push(m));
    // The copy made while connecting (its sweep) is said once, for the UI's status line.
    expect(notes).toEqual([expect.stringMatching(/^remote has no chatmux: copying this one/)]);
    // (Its state dir is the project's .chatmux there, not this file's: no chats yet.)
    expect(JSON.parse(await host.chatmux(['chat', 'list', '--json']))).toEqual([]);
    expect(fs.readdirSync(path.join(sshd.dir, 'home', '.cache', 'chatmux', 'remote'))).toHaveLength(2); // the name and its folder
    const restore = sshd.hideRemoteProgram('tmux');
    try {
      await expect(host.chatmux(['chat', 'list'])).rejects.toThrow(/^remote: no tmux on the remote: install tmux 3\.2 or newer there/);
    } finally {
      restore();
    }
  });

  test('no chatmux and no Node.js 20+ on the remote (a fake node v18 first on its PATH), and another system (a fake uname): one line naming what to install', async () => {
    const r = await withRemoteFake(sshd, 'node', 'echo v18.19.0', () => withRemoteFake(sshd, 'uname', 'echo "FreeBSD amd64"', () => cli(['chat', 'list'], { CHATMUX_REMOTE_CHATMUX: '' })));
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(`chatmux: remote: no Node.js 20+ on the remote (needed to run chatmux there; found: v18.19.0), and this machine's Node.js (${process.platform}-${process.arch}) does not run there (it is FreeBSD amd64), and npm has no Node.js build for FreeBSD amd64: install Node.js 20+ or chatmux there (npm install -g chatmux), or set CHATMUX_REMOTE_CHATMUX to its command on that host\n`);
  });

  test('a bad destination is a usage error (exit 2), before any ssh', async () => {
    const r = await runProcess(process.execPath, [BIN, '--host', '-oProxyCommand=touch /tmp/h10-x', 'chat', 'list'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chatmux: --host "-oProxyCommand=touch \/tmp\/h10-x": not an ssh destination/);
  });
});
