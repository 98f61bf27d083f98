#!/usr/bin/env node
// The package registry reachable here serves only some platform builds of packages such as
// @swc/core, so `npm install` writes a lock without the other platforms' optional packages
// and `npm ci` then refuses it as out of sync. This adds those entries back, marked optional
// and limited to their os/cpu, so npm ci skips them on this platform (and installs the right
// one elsewhere). Run after `npm install`: node scripts/complete-lock.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;
const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'netbsd', 'openbsd', 'sunos', 'aix'];
const CPU = { x64: 'x64', arm64: 'arm64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', loong64: 'loong64', riscv64: 'riscv64' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!os || !cpu) return null;
  const out = { os: [os], cpu: [cpu] };
  if (os === 'linux') {
    if (parts.some((p) => p.startsWith('musl'))) out.libc = ['musl'];
    else if (parts.some((p) => p.startsWith('gnu'))) out.libc = ['glibc'];
  }
  return out;
}

let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies || {})) {
    const at = `node_modules/${dep}`;
    if (pkgs[at]) continue;
    const platform = platformOf(dep);
    if (!platform) continue; // not a platform build: leave npm's own decision alone
    pkgs[at] = { version: version.replace(/^[\^~=]/, ''), ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
    void key;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`complete-lock: added ${added} platform entries\n`);
