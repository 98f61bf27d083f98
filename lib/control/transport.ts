/**
 * How a control client reaches tmux: a transport is any process that speaks the control
 * protocol on its stdin and stdout — the local tmux (its argv, spawning it, its version) or
 * ssh running tmux on another host (ssh-transport.ts).
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { argvArg, formatLiteral, TmuxArgumentError } from './quote';
import { TmuxClosedError, TmuxNotFoundError } from './errors';
import { serverArgs, tmuxEnv, type TmuxServerOptions } from './server';
import { execTmuxRaw } from './exec';
import { parseTmuxVersion, type TmuxVersion } from './version';

/** A duplex byte stream that speaks the control protocol (a local tmux process, or ssh …). */
export interface ControlTransport {
  stdin: Writable;
  stdout: Readable;
  /** Resolves when the transport has ended, with whatever the process said on stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
  /**
   * The link itself died (an ssh transport: exit 255, or killed), with a reason; null when it
   * was tmux that ended. Asked before the server is, which a dead link cannot reach.
   */
  lost?(code: number | null, stderr: string): string | null;
}

export type ConnectTarget =
  /** `new-session -A -s name`: attach, creating the session if needed. */
  | { newSession: { name: string; command?: readonly string[]; width?: number; height?: number; cwd?: string } }
  /** `attach -t target` (an id or `=name`). */
  | { attach: string };

/** The local tmux's version (`tmux -V`); a missing tmux is a TmuxClosedError. */
export async function readVersion(server: TmuxServerOptions): Promise<TmuxVersion | null> {
  const res = await execTmuxRaw({ ...server, configFile: undefined }, ['-V']).catch((e) => {
    if (e instanceof TmuxNotFoundError) throw new TmuxClosedError(`tmux not found: ${e.message}`);
    throw e;
  });
  return parseTmuxVersion(res.stdout.toString('utf8'));
}

/** The tmux argv (after the binary) of a control client: `-u -L sock [-f conf] -C new-session -A … | attach -t …`. */
export function controlArgs(server: TmuxServerOptions, target: ConnectTarget): string[] {
  const args = [...serverArgs(server), '-C'];
  if ('attach' in target) {
    args.push('attach-session', '-t', argvArg(target.attach));
  } else {
    const t = target.newSession;
    // argv mode: the name is format-expanded and a trailing ';' would split the command.
    args.push('new-session', '-A', '-s', argvSafeName(t.name));
    if (t.width) args.push('-x', String(t.width));
    if (t.height) args.push('-y', String(t.height));
    if (t.cwd) args.push('-c', argvArg(formatLiteral(t.cwd)));
    if (t.command && t.command.length > 0) args.push('--', ...t.command.map(argvArg));
  }
  return args;
}

/** Spawn the local tmux control client over pipes. */
export function spawnTransport(server: TmuxServerOptions, target: ConnectTarget): ControlTransport {
  return processTransport(server.tmuxPath ?? 'tmux', controlArgs(server, target), tmuxEnv(process.env, server.dropEnv, server.keepEnv));
}

/** Any process that speaks the control protocol on its stdin/stdout (tmux itself, or ssh … tmux -C). */
export function processTransport(file: string, args: readonly string[], env: NodeJS.ProcessEnv): ControlTransport {
  const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const errChunks: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => errChunks.push(b));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let done = false;
    const finish = (code: number | null, extra = '') => {
      if (done) return;
      done = true;
      resolve({ code, stderr: Buffer.concat(errChunks).toString('utf8') + extra });
    };
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT' ? 127 : null, e.code === 'ENOENT' ? `${file} not found (ENOENT)` : e.message));
    child.on('close', (code) => finish(code));
  });
  return { stdin: child.stdin, stdout: child.stdout, exited, kill: () => child.kill('SIGTERM') };
}

/** View-session names are ours (no user text); still refuse anything tmux would reinterpret. */
function argvSafeName(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new TmuxArgumentError(`control session name must be [A-Za-z0-9_-]: ${JSON.stringify(name)}`);
  return name;
}
