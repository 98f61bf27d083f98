/**
 * Running chatmux on another machine over the user's ssh (`chatmux --host`, and a UI's changes
 * to a remote host's chats): one fixed remote script checks what the remote has (chatmux, or a
 * Node.js 20+ that runs a copy of this one (remote-copy.ts), or else a copy of this machine's
 * Node.js (remote-runtime.ts); tmux 3.2+), reads a secret from
 * stdin into its variable, and execs chatmux with the words it got as positional parameters.
 * What the remote lacks and what went wrong with the connection become one line (SshError).
 *
 * Secrets: `--api-key-env VAR`'s value travels as the first line of the ssh stdin; the script
 * reads it into VAR (`read`, a shell builtin). The value is in no argv on either machine.
 */
import { spawn } from 'node:child_process';
import { remoteTmuxProblem, SshError, sshArgv, sshFailure, withoutSshNotices, type SshHost } from '../control/ssh';
import type { Runtime } from './remote-runtime';
import { parseTmuxVersion, versionProblem } from '../control/version';

/** The remote script's exit codes for what is missing there (chatmux itself exits 0, 1 or 2). */
export const NO_CHATMUX = 97;
export const NO_TMUX = 98;
export const OLD_TMUX = 96;
/** No chatmux there, but a Node.js 20+ that can run a copy of this one (remote-copy.ts). */
export const NEEDS_COPY = 95;

/** No chatmux and no Node.js 20+ there: a copy of this machine's Node.js could run it (remote-runtime.ts). */
export const NEEDS_RUNTIME = 94;

/**
 * Runs on the remote as `sh -c SCRIPT chatmux-remote SECRET_VAR CHECK_TMUX BUNDLE_KEY RUNTIME_KEYS PROGRAM ARGS…`.
 * It never holds user text: everything arrives as positional parameters. Without PROGRAM on
 * the remote PATH and with a BUNDLE_KEY (the default program, `chatmux`), it runs the copy of
 * this chatmux with that key, with the remote's node when that is 20+ and else with the first
 * copied Node.js there named in RUNTIME_KEYS (space-separated: this machine's, and each one
 * fetched through npm and kept here, so a command finds the one an earlier command chose
 * without knowing it needs one); it asks for what is missing (NEEDS_RUNTIME, with the
 * remote's `uname -s -m`; NEEDS_COPY), and without a RUNTIME_KEY says what it found (NO_CHATMUX).
 * Nothing is read from stdin before that answer, so the command's stdin can be sent again after a copy.
 */
export const REMOTE_SCRIPT = [
  'v=$1; t=$2; k=$3; r=$4; shift 4',
  'if ! command -v "$1" >/dev/null 2>&1; then',
  `  c=\${XDG_CACHE_HOME:-$HOME/.cache}/chatmux/remote; d=$c/$k; nv=$(node -v 2>/dev/null) || nv=''; m=\${nv#v}; m=\${m%%.*}; n=`,
  // $r: the names a copied Node.js may have there (unquoted: split into words; none holds a glob character).
  '  if [ -z "$k" ]; then :; elif [ "$m" -ge 20 ] 2>/dev/null; then n=node; else for x in $r; do if [ -x "$c/$x/node" ]; then n=$c/$x/node; break; fi; done',
  `    if [ -z "$n" ] && [ -n "$r" ]; then echo "chatmux-remote: node: \${nv:-not found}; system: $(uname -s -m 2>/dev/null)" >&2; exit ${NEEDS_RUNTIME}; fi; fi`,
  `  [ -n "$n" ] || { echo "chatmux-remote: $1: not found; node: \${nv:-not found}" >&2; exit ${NO_CHATMUX}; }`,
  `  [ -f "$d/bin/chatmux" ] || { echo "chatmux-remote: node $("$n" -v 2>/dev/null)" >&2; exit ${NEEDS_COPY}; }`,
  '  shift; set -- "$n" "$d/bin/chatmux" "$@"',
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

export interface RemoteChatmux {
  host: SshHost;
  /** The remote chatmux command (CHATMUX_REMOTE_CHATMUX, split like CHATMUX_SSH; default `chatmux`). */
  program: string[];
  /** May copy this chatmux there when it has none (the default program only). */
  copy: boolean;
  /** Skip the remote tmux check (doctor reports it itself). */
  checkTmux: boolean;
  /** The command runs nex (its error for a missing chatmux says so). */
  nex: boolean;
}

export interface RemoteIo {
  /** A terminal for the remote (`ssh -t`; ours is handed over). */
  tty: boolean;
  secret: { name: string; value: string } | null;
  /** 'replay': our stdin, sent again after a copy; 'none': an empty stdin; 'inherit': our terminal. */
  stdin: 'replay' | 'none' | 'inherit';
  /** 'inherit': to our stdout as it comes; 'capture': returned. */
  stdout: 'inherit' | 'capture';
  /** Where the note about copying chatmux there goes (default: our stderr; a UI has its own place). */
  notice?: (line: string) => void;
}

export interface RemoteResult {
  /** chatmux's own exit code there (0, 1, 2). */
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** The program words and whether it may be copied, from the environment (CHATMUX_REMOTE_CHATMUX). */
export function remoteProgram(env: NodeJS.ProcessEnv, split: (line: string) => string[]): { program: string[]; copy: boolean } {
  return env.CHATMUX_REMOTE_CHATMUX ? { program: split(env.CHATMUX_REMOTE_CHATMUX), copy: false } : { program: ['chatmux'], copy: true };
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

let bundleMemo: ReturnType<typeof import('./remote-copy').localBundle> | null | undefined;

/** This chatmux as a bundle, hashed once per process (a UI runs many remote commands). */
function ourBundle(copier: typeof import('./remote-copy')): ReturnType<typeof copier.localBundle> | null {
  if (bundleMemo === undefined) {
    try {
      bundleMemo = copier.localBundle();
    } catch {
      bundleMemo = null; // not laid out as a package: no copy (a missing chatmux there is one line as before)
    }
  }
  return bundleMemo;
}

/**
 * Run `chatmux ARGS` on the remote (copying this chatmux there first when it has none, and this
 * machine's Node.js with it when it has no Node.js 20+). Resolves with chatmux's own exit;
 * rejects with an SshError of one line for what the remote lacks or a failed connection.
 */
export async function runRemoteChatmux(r: RemoteChatmux, args: readonly string[], io: RemoteIo): Promise<RemoteResult> {
  const stdin = io.stdin === 'replay' ? new StdinReplay() : null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const copier = r.copy ? (require('./remote-copy') as typeof import('./remote-copy')) : null;
  const bundle = copier ? ourBundle(copier) : null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimes = bundle ? (require('./remote-runtime') as typeof import('./remote-runtime')) : null;
  const runtime = runtimes?.localRuntime() ?? null;
  const notice = io.notice ?? ((l: string) => process.stderr.write(`chatmux: ${l}\n`));
  try {
    for (let copied = false; ; copied = true) {
      const res = await attempt(r, args, io, bundle?.key ?? '', runtime ? runtimeKeys(runtime) : '', stdin);
      if ((res.code !== NEEDS_COPY && res.code !== NEEDS_RUNTIME) || copied || !copier || !bundle || !runtimes || !runtime) {
        const line = explain(r, res.code, res.stderr);
        if (line !== null) throw new SshError(line);
        return res;
      }
      const dest = r.host.dest;
      if (stdin?.overflow) throw new SshError(`${dest}: no chatmux on the remote; copying this one there needs the command run again (its stdin was too large to keep)`);
      if (res.code === NEEDS_RUNTIME) {
        const found = /node: (.*?); system:/.exec(res.stderr)?.[1]?.replace(/^not found$/, '') ?? '';
        const rt = await runtimeFor(r.host, res.stderr, runtime, found, bundle.version, notice);
        await runtimes.deployRuntime(r.host, rt, found);
      } else notice(`${dest} has no chatmux: copying this one (${bundle.version}) there, to ~/.cache/chatmux/remote/${bundle.key} (its node ${/node (\S+)/.exec(res.stderr)?.[1] ?? ''} runs it)`);
      await copier.deployBundle(r.host, bundle);
    }
  } finally {
    stdin?.close();
  }
}

/** RUNTIME_KEYS for the remote script: this machine's Node.js, then each one fetched through npm and kept here. */
function runtimeKeys(local: Runtime): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fetched = (require('./remote-node-npm') as typeof import('./remote-node-npm')).cachedRuntimes();
  // Words of the remote script's `for`: nothing a shell would split or expand.
  return [...new Set([local.key, ...fetched.map((f) => f.key)])].filter((k) => /^[A-Za-z0-9._-]+$/.test(k)).join(' ');
}

/**
 * The Node.js to copy to a remote that has none (NEEDS_RUNTIME) and the note saying so: this
 * machine's when it runs there, else one for that system fetched through npm (or fetched earlier).
 * Rejects with one line when there is none.
 */
async function runtimeFor(host: SshHost, stderr: string, local: Runtime, found: string, version: string, notice: (line: string) => void): Promise<Runtime> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimes = require('./remote-runtime') as typeof import('./remote-runtime');
  const dest = host.dest;
  // Their system as `uname -s -m` prints it; with a terminal (-t) the script's answer went to the
  // screen: asked on its own. Still unknown: this machine's is tried (it is run there before it is used).
  const system = /system: (.*)/.exec(stderr)?.[1]?.trim() || (await runtimes.remoteSystem(host));
  const problem = system && system !== local.system ? `${runtimes.runtimeName(local)} does not run there (it is ${system})` : runtimes.copyProblem(local);
  const head = `${dest} has no chatmux and no Node.js 20+`;
  const there = 'there, once, to ~/.cache/chatmux/remote';
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  if (!problem) {
    notice(`${head}: copying this chatmux (${version}) and this machine's Node.js (${local.version} ${local.platform}, ${mb(local.bytes)}) ${there}`);
    return local;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const npm = require('./remote-node-npm') as typeof import('./remote-node-npm');
  try {
    const choice = await npm.chooseNode(system, process.env, notice);
    if ('file' in choice) {
      notice(`${head} (it is ${system}): copying this chatmux (${version}) and Node.js ${choice.version} ${choice.platform} (fetched through npm before, ${mb(choice.bytes)}) ${there}`);
      return choice;
    }
    notice(`${head} (it is ${system}): fetching Node.js v${choice.version} for it through npm (${choice.pkg}${choice.bytes ? `, ${mb(choice.bytes)}` : ''}) and copying it and this chatmux (${version}) ${there}`);
    return await npm.fetchNode(choice);
  } catch (e) {
    if (e instanceof npm.NoNpmNode) throw new SshError(runtimes.noRuntimeLine(dest, found, `${problem}, and ${e.message}`, e.remedy));
    throw e;
  }
}

function attempt(r: RemoteChatmux, args: readonly string[], io: RemoteIo, key: string, runtimeKey: string, stdin: StdinReplay | null): Promise<RemoteResult> {
  const words = ['sh', '-c', REMOTE_SCRIPT, 'chatmux-remote', io.secret?.name ?? '', r.checkTmux ? '1' : '0', key, runtimeKey, ...r.program, ...args];
  const [file, ...argv] = sshArgv(r.host, words, { tty: io.tty });
  return new Promise((resolve, reject) => {
    const pipeIn = io.secret !== null || io.stdin !== 'inherit';
    const child = spawn(file!, argv, { stdio: [pipeIn ? 'pipe' : 'inherit', io.stdout === 'capture' ? 'pipe' : 'inherit', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new SshError(`${file}: not found (install OpenSSH's client, or set CHATMUX_SSH)`) : e));
    if (child.stdin) {
      child.stdin.on('error', () => {});
      if (io.secret) child.stdin.write(io.secret.value + '\n');
      if (stdin) stdin.feed(child.stdin);
      else child.stdin.end();
    }
    // Killed by a signal: a runtime failure.
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: withoutSshNotices(Buffer.concat(err).toString('utf8')) }));
  });
}

/** One line for a failure of the connection or of what the remote lacks; null for chatmux's own exit. */
export function explain(r: Pick<RemoteChatmux, 'host' | 'program'> & { nex?: boolean }, code: number, stderr: string): string | null {
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
  // Still no copy found right after one was made (this process copies at most once).
  if (code === NEEDS_COPY || code === NEEDS_RUNTIME) return `${dest}: chatmux was copied there but its copy is still not found under ~/.cache/chatmux/remote (remove that folder there and run the command again)`;
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
