/**
 * Issue 14 (foundation): tmux on another machine over ssh, against a real OpenSSH server on
 * 127.0.0.1 (spec/support/sshd.ts; "remote" = this machine over loopback ssh, its tmux on a
 * private socket). Quoting for the remote shell, one-shot commands and the control connection
 * over ssh, connection sharing, no secret in any argv, one-line errors.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { shellCommand, splitCommandLine, sshArgv, sshFailure, sshHostFrom, withoutSshNotices, type SshHost } from '../lib/control/ssh';
import { connectOverSsh, execSsh, remoteControlWords, sshTmuxCli } from '../lib/control/ssh-transport';
import { listSessions, newSession, sendText, capturePane } from '../lib/control/commands';
import { PAYLOADS } from '../fixtures/hostile-corpus';
import { QUOTE_VECTORS } from './support/quote-vectors';
import { pidsWithArgvContaining } from './support/secrets';
import { addBrokenAliases, remoteSocketName, sshdUnavailable, startSshd, withRemoteFake, type TestSshd } from './support/sshd';
import { waitFor } from './support/tmux';

/** Every hostile string we have: the corpus payloads and the tmux quoting vectors. */
const HOSTILE = [...PAYLOADS.map((p) => p.value.replace(/\{C\}/g, '/nonexistent/canary')), ...QUOTE_VECTORS.map(([s]) => s), '', ' ', '-n', '--', "a'b\"c\\d", 'x\ny', '\u00e9\u{1F600}'];

describe('shellCommand (words for the remote POSIX shell)', () => {
  test('every hostile word reaches sh as exactly itself', () => {
    const words = HOSTILE.filter((w) => !w.includes('\0'));
    // One sh run for all: print each argument NUL-terminated.
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellCommand(words)}`]);
    expect(out.toString('utf8').split('\0').slice(0, -1)).toEqual(words);
  });

  test('a NUL byte is refused', () => {
    expect(() => shellCommand(['a\0b'])).toThrow(/NUL/);
  });
});

describe('splitCommandLine (CHATMUX_SSH like GIT_SSH_COMMAND)', () => {
  test.each([
    ['ssh', ['ssh']],
    ['  ssh   -F /x/y  ', ['ssh', '-F', '/x/y']],
    [`ssh -o 'ProxyCommand=nc %h %p' -i "/a b/key"`, ['ssh', '-o', 'ProxyCommand=nc %h %p', '-i', '/a b/key']],
    [String.raw`ssh -i /a\ b "q\"x" '$HOME'`, ['ssh', '-i', '/a b', 'q"x', '$HOME']],
  ])('%j', (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });
  test('unmatched quotes are an error', () => {
    expect(() => splitCommandLine(`ssh -i 'x`)).toThrow(/unmatched/);
  });
});

describe('sshArgv / sshHostFrom', () => {
  test("a control connection's remote command names the server once (it had -u -L S -f CONF twice)", () => {
    expect(remoteControlWords({ socket: 's', configFile: '/st/tmux.conf' }, { attach: '=v' })).toEqual(['tmux', '-u', '-L', 's', '-f', '/st/tmux.conf', '-C', 'attach-session', '-t', '=v']);
  });
  test('keep-alives, connection sharing, -T, -- before the destination', () => {
    const host: SshHost = { dest: 'box', ssh: ['ssh', '-F', '/c'], controlDir: '/run/x' };
    expect(sshArgv(host, ['tmux', '-L', 's', ';'])).toEqual([
      'ssh', '-F', '/c', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3',
      '-o', 'ControlMaster=auto', '-o', 'ControlPath=/run/x/%C', '-o', 'ControlPersist=60', '-T', '--', 'box', "tmux -L s ';'",
    ]);
  });
  test.each(['-oProxyCommand=touch /tmp/x', '', 'a b', 'a\nb'])('destination %j is refused', (dest) => {
    expect(() => sshHostFrom(dest, { CHATMUX_SSH_CONTROL_DIR: '/tmp/unused-h10' })).toThrow(/not an ssh destination/);
  });
});

describe('sshFailure (one line per failure)', () => {
  test.each([
    [255, 'ssh: Could not resolve hostname nope: Name or service not known', /nope: unknown host/],
    [255, 'user@127.0.0.1: Permission denied (publickey).', /authentication failed/],
    [255, '@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.', /host key does not match/],
    [255, 'ssh: connect to host 127.0.0.1 port 1: Connection refused', /connection refused/],
    // BatchMode (the UI's ssh): a host never seen before is refused, not asked about.
    [255, 'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.', /nope: its host key is not in known_hosts yet: run ssh nope once/],
    [127, 'sh: 1: tmux: not found', /no tmux on the remote: install tmux 3.2/],
    [127, 'bash: line 1: tmux: command not found', /no tmux on the remote/],
  ])('%d %j', (code, stderr, want) => {
    const line = sshFailure('nope', code, stderr)!;
    expect(line).toMatch(want);
    expect(line).not.toContain('\n');
  });
  test("ssh's own notices (a sharing race between two processes, a terminal's goodbye) are not shown; the rest is", () => {
    expect(withoutSshNotices('ControlSocket /run/x/ab12 already exists, disabling multiplexing\nchatmux: bad\nConnection to box closed.\r\n')).toBe('chatmux: bad\n');
  });
  test('a tmux error (exit 1) is not an ssh failure', () => {
    expect(sshFailure('h', 1, "can't find session: x")).toBeNull();
  });
});

const skip = sshdUnavailable();
if (skip) console.log(skip);
const withSshd = skip ? describe.skip : describe;

withSshd('over a real sshd on 127.0.0.1', () => {
  let sshd: TestSshd;
  let host: SshHost;
  const socket = remoteSocketName();
  const server = { socket };

  beforeAll(async () => {
    sshd = await startSshd();
    host = sshHostFrom('remote', { CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir });
  });
  afterAll(() => {
    if (!sshd) return;
    try {
      sshd.sshSync(`tmux -L ${socket} kill-server`);
    } catch {
      /* no server */
    }
    sshd.stop();
  });

  test('every hostile word arrives on the remote exactly (through ssh and the remote shell)', async () => {
    const words = HOSTILE.filter((w) => !w.includes('\0'));
    const res = await execSsh(host, ['printf', '%s\\0', ...words]);
    expect(res.stderr).toBe('');
    expect(res.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(words);
  });

  test('one-shot commands: hostile session names created and listed exactly, one shared ssh connection', async () => {
    const cli = sshTmuxCli(host, server);
    const names = ['plain', "it's", 'a;b', '$(touch /nonexistent/x)', '#{session_name}', 'sp ace', '-dash', '日本'];
    for (const name of names) await newSession(cli, { name, command: ['sleep', '60'] });
    const listed = (await listSessions(cli)).map((s) => s.name).sort();
    expect(listed).toEqual([...names].sort());
    // Connection sharing: the master's socket is in the private folder, and ssh -O check finds it.
    const sockets = fs.readdirSync(sshd.controlDir);
    expect(sockets.length).toBe(1);
    execFileSync('ssh', ['-F', path.join(sshd.dir, 'ssh_config'), '-o', `ControlPath=${path.join(sshd.controlDir, '%C')}`, '-O', 'check', 'remote'], { stdio: 'ignore' });
  });

  test('control connection over ssh: typed text reaches the remote pane; a secret set over the stream is in no argv', async () => {
    const secret = `sk-h10-${randomBytes(8).toString('hex')}`;
    const cli = sshTmuxCli(host, server);
    const pane = await newSession(cli, { name: 'typed', command: ['cat'] });
    const client = await connectOverSsh(host, { server, target: { newSession: { name: 'chatmux-view-h10', width: 80, height: 24 } } });
    try {
      await client.run(['set-environment', '-t', '=typed', 'H10_SECRET', secret]);
      await sendText(client, pane.paneId, 'hello over ssh\r');
      await waitFor(async () => (await capturePane(cli, pane.paneId)).some((l) => l.includes('hello over ssh')), 5000, 'echo');
      const env = await client.run(['show-environment', '-t', '=typed', 'H10_SECRET']);
      expect(env).toEqual([`H10_SECRET=${secret}`]);
      // Same machine: /proc covers both the ssh client and the sshd/tmux side.
      expect(pidsWithArgvContaining(secret)).toEqual([]);
    } finally {
      await client.close?.();
    }
  });

  test('no tmux on the remote: one line with the install hint', async () => {
    const cli = sshTmuxCli(host, { socket, tmuxPath: 'tmux-h10-missing' });
    await expect(cli.run(['list-sessions'])).rejects.toThrow(/^remote: no tmux-h10-missing on the remote: install tmux 3\.2 or newer/);
  });

  test('tmux too old on the remote (a fake tmux 3.0 first on its PATH): connectOverSsh refuses with one line', async () => {
    await withRemoteFake(sshd, 'tmux', 'echo "tmux 3.0"', () =>
      expect(connectOverSsh(host, { server, target: { newSession: { name: 'chatmux-view-old', width: 80, height: 24 } } })).rejects.toThrow(
        /^remote: tmux 3\.0 is too old: chatmux needs tmux 3\.2 or newer on the remote: install tmux 3\.2 or newer there/,
      ),
    );
  });

  test('connection refused, unknown host, auth failure, host key mismatch: each one line', async () => {
    addBrokenAliases(sshd);
    const cases: Array<[string, RegExp]> = [
      ['refused', /^refused: connection refused/],
      ['nohost', /^nohost: unknown host/],
      ['badauth', /^badauth: ssh authentication failed/],
      ['badkey', /^badkey: the host key does not match known_hosts/],
    ];
    for (const [alias, want] of cases) {
      // A fresh sharing folder: an open master to the same host:port:user would skip auth and host key checks.
      const controlDir = path.join(sshd.dir, `cm-${alias}`);
      const h = sshHostFrom(alias, { CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: controlDir });
      const got = await sshTmuxCli(h, server).run(['list-sessions']).then((lines) => `resolved: ${lines.join('|')}`, (e: Error) => e.message);
      expect(got).toMatch(want);
      expect(got).not.toContain('\n');
    }
  });
});
