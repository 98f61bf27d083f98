#!/bin/sh
# check-pack: `npm pack` makes a package that installs into a clean folder and runs there
# (issue 15.6): `npx chatmux --help` works, a command runs, `require('chatmux')` and its
# subpaths (chatmux/control, chatmux/chats, chatmux/live) give the library entries, and a
# TypeScript program type-checks against the shipped declarations. Builds first (npm pack runs
# `prepare`) unless CHECK_PACK_BUILT=1 (dist/ is current: spec/library-pack.test.ts, after
# `npm test`'s tsc). Dependencies come from the local npm cache when it has them
# (--prefer-offline). Everything happens in a temp folder that is removed afterwards.
# Prints `exports ENTRY: NAME…` for each entry (the spec checks the README's names against them).
# Usage: scripts/check-pack.sh   (from anywhere; exit 0 = ok)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chatmux-pack-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$root"
if [ "${CHECK_PACK_BUILT:-}" = 1 ]; then scripts=--ignore-scripts; else scripts=; fi
tarball=$(npm pack --silent $scripts --pack-destination "$tmp" | tail -n 1)
echo "packed: $tarball ($(wc -c <"$tmp/$tarball") bytes)"
mkdir "$tmp/app"
cd "$tmp/app"
npm init -y >/dev/null
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tmp/$tarball"
npx --no-install chatmux --help | head -n 3
npx --no-install chatmux --version
# A command through the installed CLI (without tmux: it reads this folder's empty registry,
# not the project of a chat this may run in).
env -u CHATMUX_PROJECT -u CHATMUX_STATE_DIR -u CHATMUX_SOCKET -u CHATMUX_HOST npx --no-install chatmux --no-tmux chat list
node -e "
for (const entry of ['chatmux', 'chatmux/control', 'chatmux/chats', 'chatmux/live']) {
  const lib = require(entry);
  console.log('exports ' + entry + ': ' + Object.keys(lib).sort().join(' '));
}
require.resolve('chatmux/package.json');
"
for f in index api/control api/chats api/live; do test -f "node_modules/chatmux/dist/lib/$f.d.ts"; done
# A TypeScript consumer type-checks against the shipped declarations (the repo's own tsc and @types/node).
cat >use.ts <<'TS'
import { LiveChats, makeChatContext, type LiveChat } from 'chatmux';
import { ControlClient } from 'chatmux/control';
import { listChats, type ChatView } from 'chatmux/chats';
export async function names(): Promise<string[]> {
  const live = await LiveChats.start(makeChatContext({ project: '.', stateDir: '.chatmux', socket: 'chatmux' }), { width: 80, height: 24 });
  live.on('output', (ref: string) => void ref);
  const listed: ChatView[] = await listChats(live.client, live.ctx);
  const connect: typeof ControlClient.connect = ControlClient.connect;
  void connect;
  return [...live.list().map((c: LiveChat) => c.record.name), ...listed.map((c) => c.ref)];
}
TS
node "$root/node_modules/typescript/bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 \
  --skipLibCheck --types node --typeRoots "$root/node_modules/@types" use.ts
echo "typed import: ok"
echo "check-pack: ok"
