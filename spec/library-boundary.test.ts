/**
 * The CLI uses only the public library entry (issue 15.6): no file in lib/cli imports lib/chat,
 * lib/control or lib/terminal itself; it goes through lib/api (the package's `chatmux/control`,
 * `chatmux/chats` and `chatmux/live` entries, which `chatmux` re-exports). The UI (lib/ui) and
 * the nex agent (lib/agents) are the application, not the library: the CLI may start them; the
 * agent imports nothing of chatmux outside itself.
 * Also: each entry loads only its own layer, and the UI's start loads no entry before its first
 * frame (the reason lib/cli/entries.ts loads them on demand for main.ts, context.ts, doctor.ts, tui.ts).
 * The last group needs `npx tsc -p tsconfig.json` first (dist/).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from '@jest/globals';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');

/** Every module a source file names: import/export … from, import '…', require('…'), import('…'). */
export function specifiers(text: string): string[] {
  // Comments may name modules in prose (`import … from 'chatmux'`).
  const source = text.replace(/\/\*[^]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Where lib/cli may reach: itself, the public entries, the application's UI and agents. */
const ALLOWED = [/^cli\//, /^api\/[a-z-]+$/, /^index$/, /^ui\//, /^agents\//];

/** The relative imports of `file` (in lib/cli) that reach past the public entry, as `lib/…` paths. */
export function forbiddenImports(file: string, source: string): string[] {
  return specifiers(source)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.relative(LIB, path.resolve(path.dirname(file), s)))
    .filter((rel) => !rel.startsWith('..') && !ALLOWED.some((re) => re.test(rel)));
}

const cliFiles = fs.readdirSync(path.join(LIB, 'cli')).filter((f) => f.endsWith('.ts')).map((f) => path.join(LIB, 'cli', f));
const apiEntries = fs.readdirSync(path.join(LIB, 'api')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));

describe('the CLI goes through the public entry', () => {
  test('the scan finds every way a file can name a module', () => {
    const file = path.join(LIB, 'cli', 'x.ts');
    const source = [
      "import { a } from '../chat/naming';",
      "import type { B } from '../control/exec';",
      "export { c } from '../chat/list';",
      "import {\n  d,\n  e,\n} from '../terminal/painter';",
      "const f = require('../chat/sweep') as typeof import('../chat/sweep');",
      "import '../control/quote';",
      "import { g } from '../api/chats';",
      "import { h } from './context';",
      "// a comment naming '../chat/naming' in prose: import x from '../chat/errors'",
      "import { i } from '../ui/launch';",
      "import { Command } from '@commander-js/extra-typings';",
      "const v = require('../../../package.json');",
    ].join('\n');
    expect(forbiddenImports(file, source).sort()).toEqual(
      ['chat/list', 'chat/naming', 'chat/sweep', 'chat/sweep', 'control/exec', 'control/quote', 'terminal/painter'],
    );
  });

  test('no file in lib/cli imports lib/chat, lib/control or lib/terminal directly', () => {
    expect(cliFiles.length).toBeGreaterThan(10);
    const found = cliFiles.flatMap((f) => forbiddenImports(f, fs.readFileSync(f, 'utf8')).map((m) => `${path.basename(f)}: ${m}`));
    expect(found).toEqual([]);
  });

  test('the nex agent (lib/agents) imports nothing of chatmux outside itself', () => {
    const agents = sources(path.join(LIB, 'agents'));
    expect(agents.length).toBeGreaterThan(3);
    const outside = agents.flatMap((f) => specifiers(fs.readFileSync(f, 'utf8'))
      .filter((s) => s.startsWith('.') && path.relative(path.join(LIB, 'agents'), path.resolve(path.dirname(f), s)).startsWith('..'))
      .map((s) => `${path.relative(LIB, f)}: ${s}`));
    expect(outside).toEqual([]);
  });

  test('each entry in lib/api is a package subpath, with declarations, and `chatmux` re-exports it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string } | string> };
    expect(apiEntries.sort()).toEqual(['chats', 'control', 'live']);
    for (const name of apiEntries) {
      expect(pkg.exports[`./${name}`]).toEqual({ types: `./dist/lib/api/${name}.d.ts`, default: `./dist/lib/api/${name}.js` });
    }
    const index = fs.readFileSync(path.join(LIB, 'index.ts'), 'utf8');
    expect(specifiers(index).sort()).toEqual(apiEntries.map((n) => `./api/${n}`).sort());
  });
});

const dist = (m: string): string => path.join(ROOT, 'dist', 'lib', m);

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []);
}

/**
 * The names among `names` whose declaration in `files` has no doc comment (`/** … *\/` on the
 * lines right above it), or that have no declaration there.
 */
export function undocumented(names: readonly string[], files: ReadonlyMap<string, string>): string[] {
  return names.filter((name) => {
    const decl = new RegExp(`^export (?:declare )?(?:abstract )?(?:async )?(?:function\\*?|class|const|let|enum) ${name}\\b`);
    for (const text of files.values()) {
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (decl.test(lines[i]!) && i > 0 && /\*\/\s*$/.test(lines[i - 1]!)) return false;
      }
    }
    return true;
  });
}

describe('every runtime export of the public entries is documented', () => {
  test('the check sees a doc comment only right above the declaration', () => {
    const files = new Map([['a.ts', ['/** Documented. */', 'export function good(): void {}', '', 'export const bare = 1;', '/** Too far. */', '', 'export class Far {}'].join('\n')]]);
    expect(undocumented(['good', 'bare', 'Far', 'missing'], files)).toEqual(['bare', 'Far', 'missing']);
  });

  test('each name of chatmux/control, chatmux/chats and chatmux/live has a doc comment where it is declared', () => {
    const files = new Map(sources(LIB).filter((f) => !f.startsWith(path.join(LIB, 'api'))).map((f) => [f, fs.readFileSync(f, 'utf8')]));
    const missing = apiEntries.flatMap((e) => undocumented(Object.keys(require(dist(`api/${e}.js`)) as object), files).map((n) => `${e}: ${n}`));
    expect(missing).toEqual([]);
  });
});

/** The modules of this repo (relative to dist/lib) and packages a fresh node has loaded after requiring `mods`. */
function loadedBy(mods: string[]): string[] {
  const script = `
    for (const m of ${JSON.stringify(mods)}) require(m);
    const lib = ${JSON.stringify(path.join(ROOT, 'dist', 'lib') + '/')};
    console.log(JSON.stringify(Object.keys(require.cache).map((k) => k.startsWith(lib) ? k.slice(lib.length) : (k.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/) || [])[1] || k)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
}


describe('what each entry loads (dist)', () => {
  test('chatmux/control loads nothing of chats; chatmux/chats no terminal emulator; chatmux/live the emulator', () => {
    const control = loadedBy([dist('api/control.js')]);
    expect(control).toContain('control/client.js');
    expect(control.filter((m) => /^(chat|terminal|ui)\//.test(m))).toEqual([]);
    const chats = loadedBy([dist('api/chats.js')]);
    expect(chats).toContain('chat/lifecycle.js');
    expect(chats.filter((m) => /^(terminal|ui)\/|^chat\/live|@xterm|blessed/.test(m))).toEqual([]);
    expect(loadedBy([dist('api/live.js')])).toContain('@xterm/headless');
  });

  test('the UI\'s start (up to its first frame) loads no public entry, blessed or emulator', () => {
    const start = loadedBy(['cli/main.js', 'cli/tui.js', 'ui/launch.js', 'ui/first-frame.js', 'ui/layout.js', 'ui/input.js'].map(dist));
    expect(start).toContain('ui/launch.js');
    expect(start.filter((m) => /^api\/|^index\.js$|@xterm|blessed|^chat\/lifecycle/.test(m))).toEqual([]);
  });
});
