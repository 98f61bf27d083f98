#!/bin/sh
# check-pack: `npm pack` makes a package that installs into a clean folder and runs there
# (issue 15.6): `npx chatmux --help` works and `require('chatmux')` gives the library entry.
# Builds first (npm pack runs `prepare`). Dependencies come from the local npm cache when it
# has them (--prefer-offline). Everything happens in a temp folder that is removed afterwards.
# Usage: scripts/check-pack.sh   (from anywhere; exit 0 = ok)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chatmux-pack-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$root"
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
echo "packed: $tarball ($(wc -c <"$tmp/$tarball") bytes)"
mkdir "$tmp/app"
cd "$tmp/app"
npm init -y >/dev/null
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tmp/$tarball"
npx --no-install chatmux --help | head -n 3
npx --no-install chatmux --version
node -e "
const lib = require('chatmux');
for (const n of ['ControlClient', 'LiveChats', 'makeChatContext', 'listChats', 'createChat']) {
  if (typeof lib[n] !== 'function') { console.error('missing export ' + n); process.exit(1); }
}
require.resolve('chatmux/package.json');
console.log('library entry: ok (' + Object.keys(lib).length + ' exports)');
"
test -f node_modules/chatmux/dist/lib/index.d.ts
# A TypeScript consumer type-checks against the shipped declarations (the repo's own tsc and @types/node).
cat >use.ts <<'TS'
import { LiveChats, makeChatContext, type LiveChat } from 'chatmux';
export async function names(): Promise<string[]> {
  const live = await LiveChats.start(makeChatContext({ project: '.', stateDir: '.chatmux', socket: 'chatmux' }), { width: 80, height: 24 });
  live.on('output', (ref: string) => void ref);
  return live.list().map((c: LiveChat) => c.record.name);
}
TS
node "$root/node_modules/typescript/bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 \
  --skipLibCheck --types node --typeRoots "$root/node_modules/@types" use.ts
echo "typed import: ok"
echo "check-pack: ok"
