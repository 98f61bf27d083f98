/** Issue 14.3: which hosts a UI shows (hosts file + --host) and the remote actions' argv. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { givenHosts, hostsFilePath, parseHostsFile, uiHosts } from '../lib/chat/hosts-config';
import { remoteArgs, remoteSecret } from '../lib/chat/remote-actions';
import { runChatmux, cleanEnv } from './support/chatmux-cli';

describe('hosts file', () => {
  test('lives in $XDG_CONFIG_HOME/chatmux/hosts, else ~/.config/chatmux/hosts', () => {
    expect(hostsFilePath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/h' })).toBe('/x/cfg/chatmux/hosts');
    expect(hostsFilePath({ HOME: '/h' })).toBe('/h/.config/chatmux/hosts');
    expect(hostsFilePath({ XDG_CONFIG_HOME: 'relative', HOME: '/h' })).toBe('/h/.config/chatmux/hosts');
  });

  test('DEST [project=DIR] [socket=NAME] per line; comments and blank lines skipped; quotes for blanks', () => {
    const text = '# my machines\n\ngpu-box\nbuild@ci.example.com project=/srv/app socket=team  # shared\n"ssh://me@h:2222" "project=/home/me/my proj"\n';
    expect(parseHostsFile(text, 'F')).toEqual([
      { dest: 'gpu-box', project: null, socket: null },
      { dest: 'build@ci.example.com', project: '/srv/app', socket: 'team' },
      { dest: 'ssh://me@h:2222', project: '/home/me/my proj', socket: null },
    ]);
  });

  test.each([
    ['-oProxyCommand=x', /F:1: .*not an ssh destination/],
    ['box colour=red', /F:1: "colour=red": expected project=DIR or socket=NAME/],
    ['box socket=a/b', /F:1: socket="a\/b"/],
    ["box 'unclosed", /F:1: unmatched/],
  ])('a bad line names the file and line: %j', (line, re) => {
    expect(() => parseHostsFile(line, 'F')).toThrow(re);
  });

  test('the file first, then --host; each destination once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-hosts-'));
    try {
      expect(uiHosts(['a'], { XDG_CONFIG_HOME: dir })).toEqual([{ dest: 'a', project: null, socket: null }]);
      fs.mkdirSync(path.join(dir, 'chatmux'));
      fs.writeFileSync(path.join(dir, 'chatmux', 'hosts'), 'b project=/p\na\n');
      expect(uiHosts(['a', 'c'], { XDG_CONFIG_HOME: dir }).map((h) => h.dest)).toEqual(['b', 'a', 'c']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--host without tui: only those hosts; --project/--socket, else the hosts file\'s line, else the login folder and the default socket', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-hosts-'));
    try {
      fs.mkdirSync(path.join(dir, 'chatmux'));
      fs.writeFileSync(path.join(dir, 'chatmux', 'hosts'), 'b project=/p socket=team\nc\n');
      expect(givenHosts(['a', 'b', 'a'], {}, 'chatmux', { XDG_CONFIG_HOME: dir })).toEqual([
        { dest: 'a', project: null, socket: 'chatmux' },
        { dest: 'b', project: '/p', socket: 'team' },
      ]);
      expect(givenHosts(['b'], { project: '/q', socket: 's2' }, 'chatmux', { XDG_CONFIG_HOME: dir })).toEqual([{ dest: 'b', project: '/q', socket: 's2' }]);
      expect(() => givenHosts(['b'], { socket: 'a/b' }, 'chatmux', { XDG_CONFIG_HOME: dir })).toThrow(/--socket "a\/b"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('chatmux --host with a bad destination and no command (the UI here): exit 2, one line, no ssh', async () => {
    const bad = await runChatmux(['--host', '-oProxyCommand=touch /tmp/h14'], { env: cleanEnv({ XDG_CONFIG_HOME: os.tmpdir() }) });
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^chatmux: .*not an ssh destination[^\n]*\n$/);
  });

  test('chatmux tui with a bad --host or hosts file: exit 2, one line, before any screen', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-hosts-'));
    try {
      const bad = await runChatmux(['tui', '--host', '-oProxyCommand=touch /tmp/h14'], { env: cleanEnv({ XDG_CONFIG_HOME: dir }) });
      expect([bad.code, bad.stdout]).toEqual([2, '']);
      expect(bad.stderr).toMatch(/not an ssh destination/);
      fs.mkdirSync(path.join(dir, 'chatmux'));
      fs.writeFileSync(path.join(dir, 'chatmux', 'hosts'), 'box frobnicate\n');
      const file = await runChatmux(['tui'], { env: cleanEnv({ XDG_CONFIG_HOME: dir }) });
      expect([file.code, file.stdout]).toEqual([2, '']);
      expect(file.stderr).toMatch(/chatmux\/hosts:1: "frobnicate"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('remote actions (run by the remote chatmux)', () => {
  test('argv for close, archive, rename and new', () => {
    expect(remoteArgs({ kind: 'close', ref: 'chat-2' })).toEqual(['chat', 'close', 'chat-2']);
    expect(remoteArgs({ kind: 'archive', ref: 'chat-2' })).toEqual(['chat', 'archive', 'chat-2']);
    expect(remoteArgs({ kind: 'rename', ref: 'chat-2', name: 'n; rm -rf', role: '' })).toEqual(['chat', 'rename', 'chat-2', 'n; rm -rf', '--role', '']);
    expect(remoteArgs({ kind: 'new', input: { executor: 'cmd', name: 'x', model: 'm', argv: ['sh', '-c', 'echo $HOME'] } })).toEqual([
      'chat', 'new', '--json', '--executor', 'cmd', '--name', 'x', '-m', 'm', '--', 'sh', '-c', 'echo $HOME',
    ]);
  });
  test('start; an API key: only the variable\'s name in argv, its value read here for stdin (unset here: left to the remote\'s environment)', () => {
    expect(remoteArgs({ kind: 'start', ref: 'chat-3', apiKeyEnv: 'K' })).toEqual(['chat', 'start', 'chat-3']);
    const input = { executor: 'codex' as const, apiKeyEnv: 'OPENAI_API_KEY' };
    expect(remoteArgs({ kind: 'new', input })).toEqual(['chat', 'new', '--json', '--executor', 'codex', '--api-key-env', 'OPENAI_API_KEY']);
    expect(remoteSecret({ kind: 'new', input }, { OPENAI_API_KEY: 's3cret' }, 'gpu')).toEqual({ name: 'OPENAI_API_KEY', value: 's3cret' });
    expect(remoteSecret({ kind: 'start', ref: 'chat-3', apiKeyEnv: 'K' }, { K: 'v' }, 'gpu')).toEqual({ name: 'K', value: 'v' });
    expect(remoteSecret({ kind: 'new', input }, {}, 'gpu')).toBeNull();
    expect(remoteSecret({ kind: 'close', ref: 'chat-3' }, { OPENAI_API_KEY: 's3cret' }, 'gpu')).toBeNull();
    expect(() => remoteSecret({ kind: 'new', input }, { OPENAI_API_KEY: 'a\nb' }, 'gpu')).toThrow(/line break/);
    expect(() => remoteSecret({ kind: 'new', input: { executor: 'codex', apiKeyEnv: 'A B' } }, {}, 'gpu')).toThrow(/--api-key-env/);
  });
});
