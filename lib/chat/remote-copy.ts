/**
 * A remote without chatmux but with Node.js 20+ (claude's and codex's npm CLIs need it anyway):
 * `chatmux --host` copies this chatmux there once — bin/, the compiled JavaScript, package.json
 * and its runtime packages (plain JavaScript, no native code), about 1 MB compressed — into
 * `${XDG_CACHE_HOME:-~/.cache}/chatmux/remote/<key>` and runs it from there. `<key>` is a hash
 * of exactly those files, so another build gets its own copy and an unchanged one is reused.
 * The copy goes in through the ssh connection's stdin (tar), unpacked into a folder of its own
 * and then linked under its name, so a dropped connection never leaves a half copy that looks complete.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from './executors/nex';
import { SshError, sshArgv, sshFailure, withoutSshNotices, type SshHost } from '../control/ssh';

/** The packages chatmux needs at run time (package.json `dependencies`; none has dependencies of its own). */
function runtimePackages(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

/** Where a runtime package lives for this install (a checkout's node_modules, or nested under a global install). */
function packageDir(root: string, name: string): string {
  // From its entry point up to the folder of its package.json (a package's `exports` may hide that file).
  for (let dir = path.dirname(require.resolve(name, { paths: [root] })); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === name) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the folder of the package ${name}`);
  }
}

/** Every .js under `dir` (sorted, relative to `base`). */
function jsFiles(dir: string, base: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(full, base));
    else if (e.name.endsWith('.js')) out.push(path.relative(base, full));
  }
  return out.sort();
}

export interface Bundle {
  root: string;
  /** Hash of what is copied (16 hex digits). */
  key: string;
  version: string;
  packages: string[];
}

/** This chatmux as a copyable bundle; its key hashes chatmux's own files and the packages' versions. */
export function localBundle(root = packageRoot()): Bundle {
  const hash = createHash('sha256');
  const own = ['package.json', ...fs.readdirSync(path.join(root, 'bin')).map((f) => path.join('bin', f)).sort(), ...jsFiles(path.join(root, 'dist', 'lib'), root)];
  for (const f of own) hash.update(f).update('\0').update(fs.readFileSync(path.join(root, f))).update('\0');
  const packages = runtimePackages(root);
  for (const name of packages) hash.update(name).update('@').update(String((JSON.parse(fs.readFileSync(path.join(packageDir(root, name), 'package.json'), 'utf8')) as { version?: string }).version)).update('\0');
  const version = String((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version);
  return { root, key: hash.digest('hex').slice(0, 16), version, packages };
}

/**
 * Runs on the remote as `sh -c UNPACK_SCRIPT chatmux-unpack KEY` with the tar stream on stdin:
 * unpack into a folder of its own beside the copy's name (the one remote-chatmux.ts's script
 * looks in), then make that name a link to it — one step, refused when another process linked
 * its own copy first (that one is kept, this one removed), so no half or nested copy is ever seen.
 */
export const UNPACK_SCRIPT = [
  'set -e; umask 077; d=${XDG_CACHE_HOME:-$HOME/.cache}/chatmux/remote/$1; t="$d.$$"',
  // A name that leads to no program (its folder removed by a cache cleaner: a dangling link; a
  // stale folder) goes, else every later command would ask for a copy again for ever. Before
  // unpacking: first commands racing each other all find no name yet, none removes a fresh one.
  'if [ ! -f "$d/bin/chatmux" ] && { [ -L "$d" ] || [ -e "$d" ]; }; then rm -rf "$d"; fi',
  'mkdir -p "$t"; trap \'rm -rf "$t"\' EXIT',
  'tar -xzf - -C "$t"',
  // -n: where the name already links to a folder, fail rather than put the link inside it.
  'if ln -sn "${t##*/}" "$d" 2>/dev/null; then trap - EXIT; fi',
].join('\n');

/**
 * A folder of links to what is copied, laid out as the remote copy is (bin, dist/lib,
 * node_modules/<name>), so one `tar -h` packs it on any system's tar.
 */
function stage(b: Bundle): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-bundle-'));
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(b.root, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(b.root, 'bin'), path.join(dir, 'bin'));
  fs.symlinkSync(path.join(b.root, 'dist', 'lib'), path.join(dir, 'dist', 'lib'));
  for (const name of b.packages) {
    const link = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(packageDir(b.root, name), link);
  }
  return dir;
}

/** Copy the bundle to the remote; resolves once it is in place, or rejects with one line. */
export async function deployBundle(host: SshHost, b: Bundle): Promise<void> {
  const staged = stage(b);
  try {
    const tar = spawn('tar', ['-czhf', '-', '--exclude=*.map', '--exclude=*.ts', '--exclude=*.mts', '--exclude=*.cts', '-C', staged, '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [t, s] = await pipeToRemote(host, ['sh', '-c', UNPACK_SCRIPT, 'chatmux-unpack', b.key], tar);
    if (s.code !== 0) throw new SshError(sshFailure(host.dest, s.code, s.stderr) ?? `${host.dest}: could not copy chatmux there (${unpackFailure(s)})`);
    if (t.code !== 0) throw new Error(`could not pack chatmux for ${host.dest} (tar: ${t.stderr.trim().split('\n').pop() ?? `exit ${t.code}`})`);
  } finally {
    fs.rmSync(staged, { recursive: true, force: true });
  }
}

export interface Exit {
  code: number;
  stderr: string;
}

/**
 * What an unpack there said went wrong, one line: the one naming the cause (a full disk's first
 * line from tar can be "Wrote only 3584 of 7875 bytes", the next ones say why), else its first.
 */
export function unpackFailure(e: Exit): string {
  const lines = e.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /No space left|Read-only file system|Disk quota|Permission denied|Input\/output error/i.test(l)) ?? lines[0] ?? `exit ${e.code}`;
}

/**
 * The stdout of `packer` (a local process: tar, gzip) into the stdin of `words` run on the
 * remote; resolves with both exits ([packer, remote]) once both have ended.
 */
export async function pipeToRemote(host: SshHost, words: string[], packer: ChildProcess): Promise<[Exit, Exit]> {
  const [file, ...args] = sshArgv(host, words);
  const ssh = spawn(file!, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  packer.stdout!.pipe(ssh.stdin);
  ssh.stdin.on('error', () => {});
  const done = (p: ChildProcess) =>
    new Promise<Exit>((resolve, reject) => {
      let err = '';
      p.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code: code ?? 1, stderr: withoutSshNotices(err) }));
    });
  const unpacked = done(ssh);
  // An unpack that failed there (read-only or full disk) stops reading: stop packing too, or
  // the packer would wait on a full pipe for ever and the command with it.
  void unpacked.then((s) => {
    if (s.code !== 0) {
      packer.stdout!.destroy();
      packer.kill('SIGKILL');
    }
  });
  return Promise.all([done(packer), unpacked]);
}
