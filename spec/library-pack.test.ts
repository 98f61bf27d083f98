/**
 * `npm pack` makes a package that installs and runs on a clean folder (issue 15.6): runs
 * scripts/check-pack.sh on the built dist/ (CHECK_PACK_BUILT=1: no second build while other
 * tests read dist/), which installs the tarball into a temp folder with the dependencies from
 * the npm cache, runs `npx chatmux --help`, `--version`, a command, `require()` of each entry
 * and type-checks a program against the shipped declarations. Then every name the README's
 * library section lists for an entry, or imports from one in its examples, is exported there.
 * Needs `npx tsc -p tsconfig.json` first.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from '@jest/globals';

const ROOT = path.join(__dirname, '..');

function checkPack(): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('sh', [path.join(ROOT, 'scripts', 'check-pack.sh')], { env: { ...process.env, CHECK_PACK_BUILT: '1' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

/** npm's words for "no cache entry and no registry" (offline machine, registry down). */
const NETWORK_RE = /ENOTCACHED|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH/;

/** The names the README's library section gives for each entry: its table row and its examples' imports. */
export function readmeNames(readme: string): Map<string, Set<string>> {
  const start = readme.indexOf('\n## chatmux as a library\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const names = new Map<string, Set<string>>();
  const add = (entry: string, name: string): void => void (names.get(entry) ?? names.set(entry, new Set()).get(entry)!).add(name);
  for (const row of section.matchAll(/^\| `(chatmux[^`]*)` \| ([^|]+) \|/gm)) {
    // Event names (`changed`, `output`, …) are not exports.
    const what = row[2]!.replace(/events [^;)]*/g, '');
    for (const m of what.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)) add(row[1]!, m[1]!);
  }
  for (const m of section.matchAll(/^import \{([^}]*)\} from '(chatmux[^']*)';$/gm)) {
    for (const name of m[1]!.split(',').map((n) => n.trim()).filter((n) => n && !n.startsWith('type '))) add(m[2]!, name);
  }
  return names;
}

describe('npm pack', () => {
  test('the README\'s names are read from its table and its examples', () => {
    const names = readmeNames([
      '', '## chatmux as a library', '| entry | what |', '|---|---|',
      '| `chatmux/x` | `A`, `bC` (events `changed`, `output`); `d` | loads |', '```ts', "import { E, type F } from 'chatmux';", '```', '## Next',
    ].join('\n'));
    expect(Object.fromEntries([...names].map(([k, v]) => [k, [...v]]))).toEqual({ 'chatmux/x': ['A', 'bC', 'd'], chatmux: ['E'] });
  });

  test('the packed package installs into a clean folder, runs, and exports what the README names', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; exports: Record<string, unknown> };
    const r = await checkPack();
    if (r.code !== 0 && /npm (error|ERR!)/.test(r.out) && NETWORK_RE.test(r.out)) {
      // Neither the npm cache nor the registry had a dependency: nothing here to judge.
      console.log(`SKIP: npm pack check: npm could not fetch the dependencies (${NETWORK_RE.exec(r.out)![0]})`);
      return;
    }
    expect([r.code, r.out.includes('check-pack: ok')]).toEqual([0, true]);
    expect(r.out).toMatch(/^Usage: chatmux \[options\] \[command\]$/m);
    expect(r.out).toContain(`\n${pkg.version}\n`);
    expect(r.out).toContain('no chats (create one:');
    expect(r.out).toContain('typed import: ok');
    const exported = new Map([...r.out.matchAll(/^exports (\S+): (.*)$/gm)].map((m) => [m[1]!, new Set(m[2]!.split(' '))]));
    // Every subpath of package.json `exports` (but package.json itself) was required there.
    expect([...exported.keys()].sort()).toEqual(Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => path.posix.join('chatmux', k)).sort());
    const named = readmeNames(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect([...named.keys()].sort()).toEqual(['chatmux', 'chatmux/chats', 'chatmux/control', 'chatmux/live']);
    const missing = [...named].flatMap(([entry, names]) => [...names].filter((n) => !exported.get(entry)?.has(n)).map((n) => `${entry}: ${n}`));
    expect(missing).toEqual([]);
    // `chatmux` is the three entries together.
    const union = new Set(['chatmux/control', 'chatmux/chats', 'chatmux/live'].flatMap((e) => [...exported.get(e)!]));
    expect([...exported.get('chatmux')!].sort()).toEqual([...union].sort());
  }, 120000);
});
