/**
 * `chatmux --host DEST …`: the whole command runs on DEST, as `chatmux …` there, over the
 * user's ssh. Why forward the command instead of driving the remote tmux from here: the chats'
 * registry, logs, tmux options and project folders all live on the remote (a second laptop
 * sees the same chats), and the remote chatmux already does every check and write against
 * them correctly; this side only carries argv (quoted for the remote shell), stdin, stdout
 * and the exit code (lib/chat/remote-chatmux.ts), and turns connection failures into one line.
 *
 * Secrets: `--api-key-env VAR` reads VAR here; its value goes in through the ssh stdin, in no
 * argv on either machine (remote-chatmux.ts).
 */
import { sshHostFrom, SshUsageError, splitCommandLine, type SshHost } from '../api/control';
import { isNexCommand, remoteProgram, runRemoteChatmux, type RemoteChatmux } from '../api/chats';
import { UsageError } from './context';

export interface HostSplit {
  /** The destination, or null to run here. */
  host: string | null;
  /** argv without the --host option. */
  args: string[];
}

/**
 * Take `--host DEST` / `--host=DEST` from the global options (before the command word), else
 * CHATMUX_HOST. `isGlobalValue(a)` says a global option takes the next word as its value.
 */
export function splitHost(args: readonly string[], env: NodeJS.ProcessEnv, isGlobalValue: (a: string) => boolean): HostSplit {
  const rest: string[] = [];
  let host: string | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--host') {
      if (i + 1 >= args.length) throw new UsageError('--host needs a destination (an ssh alias, user@host or ssh://user@host:port)');
      host = args[++i]!;
    } else if (a.startsWith('--host=')) {
      host = a.slice('--host='.length);
    } else if (isGlobalValue(a)) {
      rest.push(a, ...args.slice(i + 1, i + 2));
      i++;
    } else if (a.startsWith('-') && a !== '--' && a !== '-') {
      rest.push(a);
    } else {
      break; // the command word: everything after it is the command's own
    }
  }
  rest.push(...args.slice(i));
  if (host === null && env.CHATMUX_HOST) host = env.CHATMUX_HOST;
  return { host: host === '' ? null : host, args: rest };
}

/** The variable named by `--api-key-env` in the command's own options (before `--`), or null. */
export function apiKeyVar(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--api-key-env') return args[i + 1] ?? null;
    if (a.startsWith('--api-key-env=')) return a.slice('--api-key-env='.length);
  }
  return null;
}

export interface RemoteRun extends RemoteChatmux {
  args: string[];
  /** A terminal for the remote (the UI, chat attach) when ours is one. */
  tty: boolean;
  secret: { name: string; value: string } | null;
}

/** Everything the forwarded run needs, or a UsageError (exit 2) for bad input. */
export function planRemote(dest: string, args: string[], word: string | null, env: NodeJS.ProcessEnv, ttys: { stdin: boolean; stdout: boolean }): RemoteRun {
  let host: SshHost;
  let program: string[];
  let copy: boolean;
  try {
    host = sshHostFrom(dest, env);
    ({ program, copy } = remoteProgram(env, splitCommandLine));
  } catch (err) {
    if (err instanceof SshUsageError) throw new UsageError(err.message);
    throw err;
  }
  if (program.length === 0) throw new UsageError('CHATMUX_REMOTE_CHATMUX is empty');
  // The UI, nex's prompt and chat attach need a terminal on the remote too.
  const sub = word === 'chat' ? args[args.indexOf('chat') + 1] : undefined;
  const interactive = word === null || word === 'tui' || word === 'nex' || sub === 'attach';
  let secret: RemoteRun['secret'] = null;
  const name = apiKeyVar(args);
  if (name !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && env[name] !== undefined) {
    const value = env[name]!;
    if (/[\n\r\0]/.test(value)) throw new UsageError(`--api-key-env ${name}: the value holds a line break, which cannot be sent to ${dest}`);
    secret = { name, value };
  }
  return { host, program, args, tty: interactive && ttys.stdin && ttys.stdout, checkTmux: word !== 'doctor', nex: isNexCommand(word, args), copy, secret };
}

/** Run the planned command on the remote; resolves with the exit code to use here. */
export async function runRemote(r: RemoteRun): Promise<number> {
  const res = await runRemoteChatmux(r, r.args, { tty: r.tty, secret: r.secret, stdin: process.stdin.isTTY ? 'inherit' : 'replay', stdout: 'inherit' });
  process.stderr.write(res.stderr);
  return res.code;
}
