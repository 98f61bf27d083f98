/**
 * A Node.js for a remote that has none (and no chatmux) when this machine's cannot serve it —
 * another system or CPU (a Mac laptop and a Linux GPU box), or a distro build linked to shared
 * libraries: the official builds, which the npm registry publishes as the packages
 * `node-<platform>-<arch>` (the program at package/bin/node), fetched through the user's own
 * npm, so its registry, proxy, auth and cache apply; no registry is named here. `npm pack` only
 * downloads (and checks the registry's integrity hash): no package script runs. The program is
 * taken out of the tarball by remote-node-tarball.ts and kept in
 * `${XDG_CACHE_HOME:-~/.cache}/chatmux/runtimes/node-v<version>-<platform>-<arch>/node`, made in a
 * folder of its own and renamed into place whole, so racing commands and a full disk never leave
 * a half one; the next remote of that system gets it without npm. Its key there is the same
 * scheme as this machine's Node.js (remote-runtime.ts), so the remote side is the same.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { escapeControls } from './errors';
import { extractFiles, TarballError } from './remote-node-tarball';
import { processRunning } from './state-lock';
import type { Runtime } from './remote-runtime';

/** `uname -s -m` → the platform of the npm package (`node-<platform>`) built for it. */
const PLATFORMS: Record<string, string> = {
  'Linux x86_64': 'linux-x64',
  'Linux aarch64': 'linux-arm64',
  'Linux arm64': 'linux-arm64',
  'Linux armv7l': 'linux-armv7l',
  'Linux ppc64le': 'linux-ppc64le',
  'Linux s390x': 'linux-s390x',
  'Darwin x86_64': 'darwin-x64',
  'Darwin arm64': 'darwin-arm64',
};

/** The platform Node.js calls a system (`Linux aarch64` → `linux-arm64`), or null when npm has no build for it. */
export function npmPlatform(system: string): string | null {
  return Object.prototype.hasOwnProperty.call(PLATFORMS, system) ? PLATFORMS[system]! : null;
}

/** The oldest Node.js chatmux runs on, and the first major not yet tried with it. */
const MIN_MAJOR = 20;
const PAST_MAJOR = 27;

/** Why no Node.js could be had for the remote through npm (the `why` of its one line); `remedy` replaces the usual advice. */
export class NoNpmNode extends Error {
  override name = 'NoNpmNode';
  constructor(
    message: string,
    readonly remedy?: string,
  ) {
    super(message);
  }
}

/** Where fetched runtimes are kept here. */
export function runtimesDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'chatmux', 'runtimes');
}

/** A runtime's key: also a file name there and a word of the remote script, so nothing but these characters. */
export const KEY_RE = /^node-v(\d+)\.(\d+)\.(\d+)-([a-z0-9]+-[a-z0-9]+)$/;

/** The runtimes fetched earlier (complete ones: the folder is renamed into place with its node). */
export function cachedRuntimes(env: NodeJS.ProcessEnv = process.env): Runtime[] {
  const dir = runtimesDir(env);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Runtime[] = [];
  for (const key of names.sort()) {
    const m = KEY_RE.exec(key);
    if (!m) continue;
    const file = path.join(dir, key, 'node');
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile()) continue;
      const platform = m[4]!;
      const system = Object.keys(PLATFORMS).find((s) => PLATFORMS[s] === platform) ?? platform;
      out.push({ file, version: `v${m[1]}.${m[2]}.${m[3]}`, platform, system, key, bytes: st.size, npm: `node-${platform}` });
    } catch {
      /* not there (a cleaner took it) */
    }
  }
  return out;
}

function parts(v: string): number[] {
  return v.replace(/^v/, '').split('.').map(Number);
}

function newer(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
}

/** The version to use: the newest of this machine's major (chatmux runs on it here), else the newest 20–26. */
export function preferredVersion(versions: readonly string[], localMajor = parts(process.version)[0]!): string | null {
  let best: string | null = null;
  const ok = (v: string) => /^v?\d+\.\d+\.\d+$/.test(v) && ((parts(v)[0]! >= MIN_MAJOR && parts(v)[0]! < PAST_MAJOR) || parts(v)[0] === localMajor);
  const ranked = (v: string) => (parts(v)[0] === localMajor ? 1 : 0);
  for (const v of versions.filter(ok)) if (best === null || ranked(v) > ranked(best) || (ranked(v) === ranked(best) && newer(v, best))) best = v;
  return best;
}

/** The npm range for preferredVersion's candidates. */
function npmRange(localMajor = parts(process.version)[0]!): string {
  return `>=${MIN_MAJOR} <${PAST_MAJOR}${localMajor >= PAST_MAJOR ? ` || ^${localMajor}` : ''}`;
}

interface NpmRun {
  code: number;
  stdout: string;
  stderr: string;
}

const NO_NPM_REMEDY = 'install Node.js 20+ or chatmux there (npm install -g chatmux), or install npm here (chatmux fetches a Node.js for that host through it)';

function runNpm(args: string[], env: NodeJS.ProcessEnv): Promise<NpmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new NoNpmNode('npm, to fetch one for it, is not on PATH here', NO_NPM_REMEDY) : e));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** What npm said went wrong, one escaped line: its --json error's summary, else its last `npm error` line. */
function npmError(r: NpmRun): { code: string; line: string } {
  try {
    const e = (JSON.parse(r.stdout) as { error?: { code?: string; summary?: string } }).error;
    if (e?.summary) return { code: e.code ?? '', line: cut(e.summary) };
  } catch {
    /* not JSON (an old npm) */
  }
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !/complete log of this run|^npm (error|ERR!)\s*$/.test(l));
  return { code: /code (E\w+)/.exec(r.stderr)?.[1] ?? '', line: cut(lines.pop()?.replace(/^npm (error|ERR!) /, '') ?? `exit ${r.code}`) };
}

function cut(s: string): string {
  const one = s.trim().split('\n')[0]!;
  return escapeControls(one.length > 300 ? `${one.slice(0, 300)}…` : one);
}

/** A Node.js build on npm for a system: the package, the version picked, its unpacked size when the registry says. */
export interface NpmNode {
  pkg: string;
  version: string;
  platform: string;
  system: string;
  bytes: number | null;
}

/**
 * The Node.js for `system`: one fetched earlier (no npm), else the build npm has
 * (`npm view`, which reads only the package's metadata). `slow` is told when npm takes a while
 * (an unreachable registry is retried for about a minute by npm's defaults).
 */
export async function chooseNode(system: string, env: NodeJS.ProcessEnv = process.env, slow?: (line: string) => void): Promise<Runtime | NpmNode> {
  const platform = npmPlatform(system);
  if (!platform) throw new NoNpmNode(`npm has no Node.js build for ${system || 'an unknown system'}`);
  const have = cachedRuntimes(env).filter((r) => r.platform === platform);
  const best = preferredVersion(have.map((r) => r.version));
  if (best) return have.find((r) => r.version === best)!;
  const pkg = `node-${platform}`;
  const range = npmRange();
  const timer = slow ? setTimeout(() => slow(`asking npm for Node.js ${MIN_MAJOR}+ for ${system} (${pkg}) …`), 3000) : null;
  let r: NpmRun;
  try {
    r = await runNpm(['view', `${pkg}@${range}`, 'version', 'dist.unpackedSize', '--json'], env);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (r.code !== 0) {
    const e = npmError(r);
    if (e.code === 'E404' || e.code === 'ETARGET') throw new NoNpmNode(`npm has no Node.js ${MIN_MAJOR}+ for ${system} (${pkg}: ${e.line})`);
    throw new NoNpmNode(`fetching one for it (${system}) through npm failed (npm view ${pkg}: ${e.line})`);
  }
  let found: Array<{ version?: unknown; 'dist.unpackedSize'?: unknown }>;
  try {
    const parsed = JSON.parse(r.stdout || '[]') as unknown;
    found = (Array.isArray(parsed) ? parsed : [parsed]) as typeof found;
  } catch {
    throw new NoNpmNode(`fetching one for it (${system}) through npm failed (npm view ${pkg} printed no JSON)`);
  }
  const sizes = new Map(found.filter((f) => typeof f?.version === 'string').map((f) => [f.version as string, typeof f['dist.unpackedSize'] === 'number' ? f['dist.unpackedSize'] : null]));
  const version = preferredVersion([...sizes.keys()]);
  if (!version) throw new NoNpmNode(`npm has no Node.js ${MIN_MAJOR}+ for ${system} (${pkg})`);
  return { pkg, version, platform, system, bytes: sizes.get(version) ?? null };
}

/** Temp folders (`.tmp-<pid>-…`) of fetches whose process is gone (killed, or the machine went down). */
function removeLeftovers(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const pid = /^\.tmp-(\d+)-/.exec(name)?.[1];
    if (!pid || processRunning(Number(pid))) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/** Fetch `n` through npm into the cache here (or take the one a racing command put there first). */
export async function fetchNode(n: NpmNode, env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const dir = runtimesDir(env);
  const key = `node-v${n.version}-${n.platform}`;
  if (!KEY_RE.test(key)) throw new NoNpmNode(`npm's version of ${n.pkg} is not one chatmux takes (${JSON.stringify(n.version)})`);
  const final = path.join(dir, key);
  const ready = (): Runtime | null => cachedRuntimes(env).find((r) => r.key === key) ?? null;
  const refused = (why: string) => new NoNpmNode(`the package npm gave for it (${n.pkg}@${n.version}) was refused (${cut(why)})`);
  const kept = (e: unknown) => new NoNpmNode(`Node.js v${n.version} for ${n.system}, fetched through npm, could not be kept in ${dir} (${cut(String((e as Error).message))})`);
  let tmp: string;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    removeLeftovers(dir);
    // Beside the runtimes (one file system): renamed into place whole.
    tmp = fs.mkdtempSync(path.join(dir, `.tmp-${process.pid}-`));
  } catch (e) {
    throw kept(e);
  }
  try {
    const r = await runNpm(['pack', `${n.pkg}@${n.version}`, '--pack-destination', tmp, '--json', '--ignore-scripts'], env);
    if (r.code !== 0) throw new NoNpmNode(`fetching one for it (${n.system}) through npm failed (npm pack ${n.pkg}@${n.version}: ${npmError(r).line})`);
    let filename: unknown;
    try {
      filename = (JSON.parse(r.stdout) as Array<{ filename?: unknown }>)[0]?.filename;
    } catch {
      /* below */
    }
    if (typeof filename !== 'string' || path.basename(filename) !== filename || !fs.existsSync(path.join(tmp, filename))) throw new NoNpmNode(`fetching one for it (${n.system}) through npm failed (npm pack ${n.pkg}@${n.version} named no tarball)`);
    const out = path.join(tmp, key);
    fs.mkdirSync(out);
    try {
      await extractFiles(path.join(tmp, filename), {
        'bin/node': { to: path.join(out, 'node'), max: 1 << 30, mode: 0o755 },
        'package.json': { to: path.join(out, 'package.json'), max: 1 << 20, mode: 0o644 },
      });
    } catch (e) {
      // The tarball's fault (its layout, or its gzip stream), else the disk's (full, read-only).
      if (e instanceof TarballError || String((e as NodeJS.ErrnoException).code).startsWith('Z_')) throw refused(String((e as Error).message));
      throw e;
    }
    let meta: { name?: unknown; version?: unknown } = {};
    try {
      meta = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')) as typeof meta;
    } catch {
      /* below */
    }
    if (meta.name !== n.pkg || meta.version !== n.version) throw refused(`its package.json says ${String(meta.name)}@${String(meta.version)}`);
    fs.rmSync(path.join(tmp, filename));
    try {
      fs.renameSync(out, final);
    } catch (e) {
      // Another command put it there first (a complete one: it was renamed whole): that one is
      // used. A folder without its node (a cache cleaner took it) is replaced.
      if (!ready()) {
        if (!fs.existsSync(final)) throw e;
        fs.rmSync(final, { recursive: true, force: true });
        fs.renameSync(out, final);
      }
    }
  } catch (e) {
    if (e instanceof NoNpmNode) throw e;
    throw kept(e);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const rt = ready();
  if (!rt) throw kept(new Error(`${final}/node is not there`));
  return { ...rt, system: n.system };
}
