/**
 * A real OpenSSH server on 127.0.0.1 for the remote-host tests: "remote" is this machine over
 * loopback ssh. Everything lives in one temp folder (host key, user key, authorized_keys,
 * sshd_config, ssh_config, known_hosts, ssh connection-sharing sockets); sshd runs in the
 * foreground (-D) on a free port and is killed by PID, with every session process it forked.
 * Tests reach it through `CHATMUX_SSH` = `ssh -F <folder>/ssh_config` and the alias `remote`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { noteTestSocket } from './tmux';

export interface TestSshd {
  dir: string;
  port: number;
  /** The value for CHATMUX_SSH. */
  sshCommand: string;
  /** The ssh_config alias of the server. */
  alias: string;
  /** Where chatmux keeps its ssh connection-sharing sockets in these tests (CHATMUX_SSH_CONTROL_DIR). */
  controlDir: string;
  /**
   * First on the remote shell's PATH (empty at start): a test puts a fake program there (a
   * `tmux` printing an old version) and removes it after.
   */
  remoteBin: string;
  /** Hide a program of the remote's (e.g. tmux) until the returned function puts it back. */
  hideRemoteProgram(name: string): () => void;
  sshdPid: number;
  /** Run a command line on the "remote" (synchronously), for set-up and checks. */
  sshSync(command: string): string;
  stop(): void;
}

const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((p) => fs.existsSync(p));

/**
 * Why no test sshd can run here (printed as a `SKIP:` line), or null. Checked synchronously
 * before the tests are declared: the programs exist, and sshd accepts a config like the tests'
 * (`sshd -t`: host key, privilege-separation folder).
 */
export function sshdUnavailable(): string | null {
  if (!SSHD) return 'SKIP: no sshd (install openssh-server; .ci/run does)';
  for (const tool of ['ssh', 'ssh-keygen']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `SKIP: no ${tool} on PATH (install openssh-client)`;
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-sshd-check-'));
  try {
    ensurePrivsepDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')], { stdio: 'ignore' });
    fs.writeFileSync(path.join(dir, 'sshd_config'), `HostKey ${dir}/host_key\nUsePAM no\nPidFile none\n`);
    execFileSync(SSHD, ['-t', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (e) {
    const why = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim().split('\n')[0];
    return `SKIP: sshd cannot run here (${why})`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * sshd running as root refuses to start without its privilege-separation folder, which only
 * the init system creates (absent in containers).
 */
function ensurePrivsepDir(): void {
  if (process.getuid?.() === 0 && !fs.existsSync('/run/sshd')) fs.mkdirSync('/run/sshd', { mode: 0o755 });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** PIDs of every descendant of `pid` (from /proc), deepest last. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export async function startSshd(): Promise<TestSshd> {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'chatmux-sshd-'));
  fs.chmodSync(dir, 0o700);
  const keygen = (file: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' });
  };
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'user_key'));
  fs.copyFileSync(path.join(dir, 'user_key.pub'), path.join(dir, 'authorized_keys'));
  const port = await freePort();
  const user = os.userInfo().username;
  const controlDir = path.join(dir, 'cm');
  fs.mkdirSync(path.join(dir, 'home'), { mode: 0o700 });
  fs.mkdirSync(controlDir, { mode: 0o700 });
  const remoteBin = path.join(dir, 'remote-bin');
  fs.mkdirSync(remoteBin, { mode: 0o700 });
  // The rest of the remote PATH: links to this machine's programs, so a test can hide one.
  const remoteTools = path.join(dir, 'remote-tools');
  fs.mkdirSync(remoteTools, { mode: 0o700 });
  for (const d of ['/usr/local/bin', '/usr/bin', '/bin']) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) if (!fs.existsSync(path.join(remoteTools, n))) fs.symlinkSync(path.join(d, n), path.join(remoteTools, n));
  }
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin yes',
      `AllowUsers ${user}`,
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      // The remote shell (bash -c, which reads ~/.bashrc under sshd) gets an empty home: the
      // machine's own rc files are no part of the test (and a slow one, like pyenv's rehash lock,
      // would stall every command).
      // PATH: the folder tests put fake programs in, then links to this machine's programs.
      `SetEnv HOME=${dir}/home PATH=${remoteBin}:${remoteTools}`,
      '',
    ].join('\n'),
  );
  const hostPub = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim();
  fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  fs.writeFileSync(
    path.join(dir, 'ssh_config'),
    [
      'Host remote',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${dir}/user_key`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${dir}/known_hosts`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  ensurePrivsepDir();
  const child: ChildProcess = spawn(SSHD!, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errText = '';
  child.stderr!.on('data', (b: Buffer) => (errText += b.toString('utf8')));
  const deadline = Date.now() + 10000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${errText.trim() || 'timeout'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const sshCommand = `ssh -F ${dir}/ssh_config`;
  const sshdPid = child.pid!;
  return {
    dir,
    port,
    sshCommand,
    alias: 'remote',
    controlDir,
    remoteBin,
    hideRemoteProgram: (name) => {
      const link = path.join(remoteTools, name);
      fs.renameSync(link, link + '.hidden');
      return () => fs.renameSync(link + '.hidden', link);
    },
    sshdPid,
    // Through the same shared connection chatmux opens (one handshake for all the checks).
    sshSync: (command) =>
      execFileSync('ssh', ['-F', `${dir}/ssh_config`, '-o', 'ControlMaster=auto', '-o', `ControlPath=${controlDir}/%C`, '-o', 'ControlPersist=60', '-T', 'remote', command], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    stop: () => {
      // The listener first, then the per-connection sshd processes it forked (shared ssh
      // masters keep theirs open for ControlPersist).
      const sessions = descendantsOf(sshdPid);
      try {
        process.kill(sshdPid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      for (const pid of sessions) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds ssh_config aliases that fail the ways users meet: `refused` (a closed port), `nohost`
 * (a name that does not resolve), `badauth` (a key the server does not know), `badkey` (a
 * known_hosts entry that does not match the server). Idempotent.
 */
export function addBrokenAliases(sshd: TestSshd): void {
  const cfg = path.join(sshd.dir, 'ssh_config');
  const base = fs.readFileSync(cfg, 'utf8');
  if (base.includes('Host refused')) return;
  const other = path.join(sshd.dir, 'other_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other], { stdio: 'ignore' });
  const badHosts = path.join(sshd.dir, 'bad_known_hosts');
  fs.writeFileSync(badHosts, `[127.0.0.1]:${sshd.port} ${fs.readFileSync(other + '.pub', 'utf8').trim()}\n`);
  const variant = (alias: string, edit: (s: string) => string) => edit(base.replace('Host remote', `Host ${alias}`));
  fs.appendFileSync(
    cfg,
    variant('refused', (s) => s.replace(/Port \d+/, `Port ${sshd.port === 1 ? 2 : 1}`)) +
      variant('nohost', (s) => s.replace('HostName 127.0.0.1', 'HostName h10-no-such-host.invalid')) +
      variant('badauth', (s) => s.replace(/IdentityFile \S+/, `IdentityFile ${other}`)) +
      variant('badkey', (s) => s.replace(/UserKnownHostsFile \S+/, `UserKnownHostsFile ${badHosts}`)),
  );
}

/**
 * Run `fn` with a fake program `name` (the shell script `script`) first on the remote's PATH,
 * then remove it, whether `fn` passed or threw.
 */
export async function withRemoteFake<T>(sshd: TestSshd, name: string, script: string, fn: () => Promise<T>): Promise<T> {
  const fake = path.join(sshd.remoteBin, name);
  fs.writeFileSync(fake, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  try {
    return await fn();
  } finally {
    fs.rmSync(fake, { force: true });
  }
}

/** A private tmux socket name for the "remote" tmux. */
export function remoteSocketName(): string {
  return noteTestSocket(`chatmux-test-${randomBytes(5).toString('hex')}`);
}

/** Processes below `root` that carry a UI's own ssh control connection (ControlPath=none, `tmux … -C`). */
export function controlSshPids(root: number): number[] {
  return descendantsOf(root).filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv[0] !== undefined && path.basename(argv[0]) === 'ssh' && argv.includes('ControlPath=none') && argv.some((a) => / -C /.test(a));
    } catch {
      return false;
    }
  });
}

/**
 * The remote sshd process serving the control connection whose tmux client is attached to
 * `view` on `socket` (the parent of that tmux client): SIGSTOP it to hang the link.
 */
export function serverSideSshd(sshd: TestSshd, socket: string, view: (session: string) => boolean): number {
  const line = sshd.sshSync(`tmux -L ${socket} list-clients -F '#{client_pid} #{session_name}'`).split('\n').find((l) => l && view(l.slice(l.indexOf(' ') + 1)));
  if (!line) throw new Error('no control client of that view on the remote');
  const stat = fs.readFileSync(`/proc/${line.split(' ')[0]}/stat`, 'utf8');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  const comm = fs.readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
  if (comm !== 'sshd') throw new Error(`the control client's parent is ${comm}, not sshd`);
  return ppid;
}

/** After a file's tests: the remote tmux server on `socket` (when running), then the sshd. */
export function stopSshdAndServer(sshd: TestSshd, socket: string): void {
  try {
    sshd.sshSync(`tmux -L ${socket} kill-server`);
  } catch {
    /* not running */
  }
  sshd.stop();
}
