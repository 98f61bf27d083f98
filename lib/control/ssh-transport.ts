/**
 * tmux on another machine through ssh: the control connection (`ssh -T DEST tmux -u -L SOCK -C …`)
 * and one-shot commands (`ssh -T DEST tmux … source-file -`, commands on stdin). Both share one
 * ssh connection per host (ControlMaster), so a burst of one-shot commands costs one handshake.
 * Command text (user names, secrets for `set-environment`) only ever travels on stdin.
 */
import { spawn } from 'node:child_process';
import { ControlClient, type ControlClientOptions } from './client';
import { controlArgs, processTransport, type ConnectTarget, type ControlTransport } from './transport';
import { TmuxCli, type ExecResult } from './exec';
import { parseTmuxVersion, versionProblem } from './version';
import { serverArgs, type TmuxServerOptions } from './server';
import { remoteTmuxProblem, SshError, sshArgv, sshFailure, withoutSshNotices, type SshArgvOptions, type SshHost } from './ssh';

/** Run `ssh … DEST <words>` with `input` on stdin; never throws for a non-zero exit. */
export function execSsh(host: SshHost, words: readonly string[], input: string | Buffer = '', o: { env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  const [file, ...args] = sshArgv(host, words);
  return new Promise((resolve, reject) => {
    // The user's own environment: ssh needs SSH_AUTH_SOCK and friends; ssh itself sends
    // nothing of it to the remote but what the user's SendEnv names.
    const child = spawn(file!, args, { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new SshError(`${file}: not found (install OpenSSH's client, or set CHATMUX_SSH)`) : e));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: withoutSshNotices(Buffer.concat(err).toString('utf8')) }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The remote tmux's words: its binary (`tmux` on the remote PATH unless given) and server flags. */
function remoteTmux(server: TmuxServerOptions): string[] {
  return [server.tmuxPath ?? 'tmux', ...serverArgs(server)];
}

/** One-shot tmux commands on the remote server (a TmuxCli whose tmux runs over ssh). */
export function sshTmuxCli(host: SshHost, server: TmuxServerOptions): TmuxCli {
  return new TmuxCli(server, process.env, async (argv, input) => {
    const res = await execSsh(host, [...remoteTmux(server), ...argv], input);
    const failure = sshFailure(host.dest, res.code, res.stderr, server.tmuxPath ?? 'tmux');
    if (failure) throw new SshError(failure);
    return res;
  });
}

/** The remote command of a control connection: tmux, the server's flags once, then `-C …`. */
export function remoteControlWords(server: TmuxServerOptions, target: ConnectTarget): string[] {
  return [server.tmuxPath ?? 'tmux', ...controlArgs(server, target)];
}

/**
 * The control connection over ssh; an ssh-level failure ends it with one readable line.
 * `link` picks its own connection and keep-alives (a UI's long-lived connection, see sshArgv).
 */
export function sshControlTransport(host: SshHost, server: TmuxServerOptions, target: ConnectTarget, link: Omit<SshArgvOptions, 'tty'> = {}): ControlTransport {
  const [file, ...args] = sshArgv(host, remoteControlWords(server, target), link);
  const t = processTransport(file!, args, process.env);
  const exited = t.exited.then((x) => ({ code: x.code, stderr: sshFailure(host.dest, x.code, x.stderr, server.tmuxPath ?? 'tmux') ?? x.stderr }));
  // ssh's own exit (255: timeout, reset, killed link) or a signal: the link died, tmux did not.
  const lost = (code: number | null, stderr: string) => (code === 255 || code === null ? `connection lost: ${stderr.trim().split('\n').pop() || 'ssh ended'}` : null);
  return { ...t, exited, lost };
}

/** `tmux -V` on the remote, as printed. */
export async function remoteTmuxVersion(host: SshHost, server: TmuxServerOptions): Promise<string> {
  const res = await execSsh(host, [server.tmuxPath ?? 'tmux', '-V']);
  const failure = sshFailure(host.dest, res.code, res.stderr, server.tmuxPath ?? 'tmux');
  if (failure) throw new SshError(failure);
  return res.stdout.toString('utf8').trim();
}

/** A ControlClient on the remote server: control stream and one-shot commands both over ssh. */
export async function connectOverSsh(host: SshHost, o: Omit<ControlClientOptions, 'transport' | 'oneShot'>, link: Omit<SshArgvOptions, 'tty'> = {}): Promise<ControlClient> {
  // Checked first, as for a local tmux: an old remote would fail later in odd ways.
  const problem = versionProblem(parseTmuxVersion(await remoteTmuxVersion(host, o.server)));
  if (problem) throw new SshError(remoteTmuxProblem(host.dest, problem));
  return ControlClient.connect({ ...o, transport: sshControlTransport(host, o.server, o.target, link), oneShot: sshTmuxCli(host, o.server) });
}
