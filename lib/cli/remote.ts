/**
 * `chatmux --host DEST …`: the whole command runs on DEST, as `chatmux …` there, over the
 * user's ssh. Why forward the command instead of driving the remote tmux from here: the chats'
 * registry, logs, tmux options and project folders all live on the remote (a second laptop
 * sees the same chats), and the remote chatmux already does every check and write against
 * them correctly; this side only carries argv (quoted for the remote shell), stdin, stdout
 * and the exit code, and turns connection failures into one line.
 *
 * Secrets: `--api-key-env VAR` reads VAR here and sends its value as the first line of the
 * ssh stdin; a fixed remote script reads it into VAR (`read`, a shell builtin) before starting
 * chatmux. The value is in no argv on either machine.
 */
import { spawn } from 'node:child_process';
import { remoteTmuxProblem, sshArgv, SshError, sshFailure, sshHostFrom, SshUsageError, splitCommandLine, withoutSshNotices, type SshHost } from '../control/ssh';
import { parseTmuxVersion, versionProblem } from '../control/version';
import { UsageError } from './context';

/** The remote script's exit codes for what is missing there (chatmux itself exits 0, 1 or 2). */
export const NO_CHATMUX = 97;
export const NO_TMUX = 98;
export const OLD_TMUX = 96;
/** No chatmux there, but a Node.js 20+ that can run a copy of this one (remote-deploy.ts). */
export const NEEDS_COPY = 95;

/**
 * Runs on the remote as `sh -c SCRIPT chatmux-remote SECRET_VAR CHECK_TMUX BUNDLE_KEY PROGRAM ARGS…`.
 * It never holds user text: everything arrives as positional parameters. Without PROGRAM on
 * the remote PATH and with a BUNDLE_KEY (the default program, `chatmux`), it runs the copy of
 * this chatmux with that key when one is there, asks for one (NEEDS_COPY) when node 20+ is, and
 * else says what it found (NO_CHATMUX). Nothing is read from stdin before that answer, so the
 * command's stdin can be sent again after a copy.
 */
export const REMOTE_SCRIPT = [
  'v=$1; t=$2; k=$3; shift 3',
  'if ! command -v "$1" >/dev/null 2>&1; then',
  `  d=\${XDG_CACHE_HOME:-$HOME/.cache}/chatmux/remote/$k; nv=$(node -v 2>/dev/null) || nv=''; m=\${nv#v}; m=\${m%%.*}`,
  '  if [ -n "$k" ] && [ "$m" -ge 20 ] 2>/dev/null; then',
  `    [ -f "$d/bin/chatmux" ] || { echo "chatmux-remote: node $nv" >&2; exit ${NEEDS_COPY}; }`,
  '    shift; set -- node "$d/bin/chatmux" "$@"',
  `  else echo "chatmux-remote: $1: not found; node: \${nv:-not found}" >&2; exit ${NO_CHATMUX}; fi`,
  'fi',
  `[ "$t" = 0 ] || command -v tmux >/dev/null 2>&1 || { echo "chatmux-remote: tmux: not found" >&2; exit ${NO_TMUX}; }`,
  // tmux older than 3.2 (`tmux 3.0a`, `tmux next-3.1`): its version on stderr, for the one line here.
  // master / openbsd-7.5 / unreadable pass: the remote chatmux judges those itself.
  '[ "$t" = 0 ] || { tv=$(tmux -V 2>/dev/null); n=${tv#tmux }; n=${n#next-}; case $n in [0-9]*.[0-9]*)',
  `  maj=\${n%%.*}; min=\${n#*.}; min=\${min%%[!0-9]*}; if [ "$maj" -lt 3 ] || { [ "$maj" -eq 3 ] && [ "\${min:-0}" -lt 2 ]; }; then echo "chatmux-remote: $tv" >&2; exit ${OLD_TMUX}; fi;; esac; }`,
  'if [ -n "$v" ]; then IFS= read -r "$v" || exit 1; export "$v"; fi',
  'unset CHATMUX_HOST',
  // An ssh session often has no locale (no SendEnv/AcceptEnv): UTF-8, as chatmux gives tmux.
  '[ -n "$LANG$LC_ALL$LC_CTYPE" ] || { LANG=C.UTF-8; export LANG; }',
  'exec "$@"',
].join('\n');

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

export interface RemoteRun {
  host: SshHost;
  /** The remote chatmux command (CHATMUX_REMOTE_CHATMUX, split like CHATMUX_SSH; default `chatmux`). */
  program: string[];
  args: string[];
  /** A terminal for the remote (the UI, chat attach) when ours is one. */
  tty: boolean;
  /** Skip the remote tmux check (doctor reports it itself). */
  checkTmux: boolean;
  /** The command runs nex (its error for a missing chatmux says so). */
  nex: boolean;
  /** May copy this chatmux there when it has none (the default program only). */
  copy: boolean;
  secret: { name: string; value: string } | null;
}

/** Everything the forwarded run needs, or a UsageError (exit 2) for bad input. */
export function planRemote(dest: string, args: string[], word: string | null, env: NodeJS.ProcessEnv, ttys: { stdin: boolean; stdout: boolean }): RemoteRun {
  let host: SshHost;
  let program: string[];
  try {
    host = sshHostFrom(dest, env);
    program = env.CHATMUX_REMOTE_CHATMUX ? splitCommandLine(env.CHATMUX_REMOTE_CHATMUX) : ['chatmux'];
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
  return { host, program, args, tty: interactive && ttys.stdin && ttys.stdout, checkTmux: word !== 'doctor', nex: isNexCommand(word, args), copy: !env.CHATMUX_REMOTE_CHATMUX, secret };
}

/**
 * Our stdin when it is not a terminal: sent to the remote, and kept (up to 16 MiB) until the
 * remote has started chatmux, so it can be sent again after chatmux was copied there.
 */
class StdinReplay {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private target: NodeJS.WritableStream | null = null;
  overflow = false;
  private readonly onData = (b: Buffer): void => {
    if (!this.overflow) {
      this.chunks.push(b);
      this.size += b.length;
      if (this.size > 16 * 2 ** 20) this.overflow = true;
    }
    this.target?.write(b);
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.target?.end();
  };
  constructor() {
    process.stdin.on('data', this.onData).on('end', this.onEnd);
  }
  /** Stop reading (an open stdin nobody closes must not keep this process alive). */
  close(): void {
    process.stdin.off('data', this.onData).off('end', this.onEnd);
    process.stdin.destroy();
  }
  /** Send what came so far, then the rest, to `w`. */
  feed(w: NodeJS.WritableStream): void {
    this.target = w;
    for (const c of this.chunks) w.write(c);
    if (this.ended) w.end();
  }
}

/** Run the planned command on the remote; resolves with the exit code to use here. */
export async function runRemote(r: RemoteRun): Promise<number> {
  const stdin = process.stdin.isTTY ? null : new StdinReplay();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const deploy = r.copy ? (require('./remote-deploy') as typeof import('./remote-deploy')) : null;
  const bundle = ((): ReturnType<typeof import('./remote-deploy').localBundle> | null => {
    try {
      return deploy?.localBundle() ?? null;
    } catch {
      return null; // not laid out as a package (no copy: a missing chatmux there is then one line as before)
    }
  })();
  try {
    for (let copied = false; ; copied = true) {
      const res = await attempt(r, bundle?.key ?? '', stdin);
      if (res.code !== NEEDS_COPY || copied || !deploy || !bundle) return finish(r, res);
      if (stdin?.overflow) throw new SshError(`${r.host.dest}: no chatmux on the remote; copying this one there needs the command run again (its stdin was too large to keep)`);
      process.stderr.write(`chatmux: ${r.host.dest} has no chatmux: copying this one (${bundle.version}) there, to ~/.cache/chatmux/remote/${bundle.key} (its node ${/node (\S+)/.exec(res.stderr)?.[1] ?? ''} runs it)\n`);
      await deploy.deployBundle(r.host, bundle);
    }
  } finally {
    stdin?.close();
  }
}

function attempt(r: RemoteRun, key: string, stdin: StdinReplay | null): Promise<{ code: number; stderr: string }> {
  const words = ['sh', '-c', REMOTE_SCRIPT, 'chatmux-remote', r.secret?.name ?? '', r.checkTmux ? '1' : '0', key, ...r.program, ...r.args];
  const [file, ...argv] = sshArgv(r.host, words, { tty: r.tty });
  return new Promise((resolve, reject) => {
    const child = spawn(file!, argv, { stdio: [r.secret || stdin ? 'pipe' : 'inherit', 'inherit', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new SshError(`${file}: not found (install OpenSSH's client, or set CHATMUX_SSH)`) : e));
    if (child.stdin) {
      child.stdin.on('error', () => {});
      if (r.secret) child.stdin.write(r.secret.value + '\n');
      if (stdin) stdin.feed(child.stdin);
      else child.stdin.end();
    }
    child.on('close', (code) => resolve({ code: code ?? 1, stderr: withoutSshNotices(Buffer.concat(err).toString('utf8')) })); // a signal: a runtime failure
  });
}

/** The exit code to use here, or the one line for what went wrong with the connection or the remote. */
function finish(r: RemoteRun, res: { code: number; stderr: string }): number {
  const line = explain(r, res.code, res.stderr);
  if (line !== null) throw new SshError(line);
  process.stderr.write(res.stderr);
  return res.code;
}

/** One line for a failure of the connection or of what the remote lacks; null for chatmux's own exit. */
export function explain(r: Pick<RemoteRun, 'host' | 'program'> & { nex?: boolean }, code: number, stderr: string): string | null {
  const dest = r.host.dest;
  if (code === NO_CHATMUX) {
    // A nex chat runs `chatmux nex` there: say so, it is the one thing that will always need it.
    const what = r.nex ? 'nex chats run chatmux on the machine they live on: ' : '';
    // The default program: chatmux copies itself there when Node.js 20+ is there.
    // (With a terminal (-t) the remote's stderr went to the screen: what it found is unknown here.)
    const found = /node: (.*)/.exec(stderr)?.[1]?.trim();
    const node = r.program[0] === 'chatmux' ? ` or Node.js 20+ (then chatmux copies itself there${found ? `; found: ${found}` : ''})` : '';
    return `${dest}: no ${r.program[0]} on the remote: ${what}install chatmux there (npm install -g chatmux)${node}, or set CHATMUX_REMOTE_CHATMUX to its command on that host`;
  }
  if (code === NO_TMUX) return sshFailure(dest, 127, 'tmux: not found');
  if (code === OLD_TMUX) {
    const shown = /chatmux-remote: (.*)/.exec(stderr)?.[1]?.trim() ?? '';
    const problem = shown ? versionProblem(parseTmuxVersion(shown)) : null;
    return remoteTmuxProblem(dest, problem ?? `tmux ${shown ? `${shown.replace(/^tmux /, '')} is too old` : 'older than 3.2'}: chatmux needs tmux 3.2 or newer`);
  }
  return sshFailure(dest, code, stderr, r.program[0]);
}

/** `nex …` or `chat new --executor nex …` (`word`: the command word of `args`): a command that runs nex. */
export function isNexCommand(word: string | null, args: readonly string[]): boolean {
  if (word === 'nex') return true;
  const i = word === 'chat' ? args.indexOf('chat') : -1;
  if (i < 0 || args[i + 1] !== 'new') return false;
  const end = args.indexOf('--') < 0 ? args.length : args.indexOf('--');
  const own = args.slice(i + 2, end);
  return own.some((a, j) => (a === '--executor' && own[j + 1] === 'nex') || a === '--executor=nex');
}
