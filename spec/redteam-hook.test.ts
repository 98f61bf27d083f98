/**
 * Red team (issues 10/11): the per-chat hook (bin/chatmux-hook) and the configuration that
 * points claude and codex at it, under hostile state-dir names and a full disk.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claudeHookSettings, codexNotifyConfig, hookProgram } from '../lib/chat/agent-report';
import { makeChatContext } from '../lib/chat/context';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-redteam-hook-')));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ID = '0123abcd-0000-1111-2222-333344445555';
/** State dir names an attacker (or an unlucky user) might pick. */
const HOSTILE = ['a b', "q'uote", 'd"q', 'n\nl', '$(touch PWNED)', '`touch PWNED`', '; touch PWNED;', 'back\\slash', '-dash', 'tab\tx', 'del\x7fname', '#{pane_id}', '$HOME', 'ü\u202e'];

/** TOML basic strings forbid these raw (codex then refuses its whole configuration). */
const TOML_RAW_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

describe('hostile state dir names', () => {
  test.each(HOSTILE)('codex notify config for a state dir named %j is valid TOML and decodes to the hook argv', (name) => {
    const ctx = makeChatContext({ project: root, stateDir: path.join(root, name), socket: 'sock' });
    const value = codexNotifyConfig(ctx, { ref: 'chat-1' }, ['notify-me', name]);
    // Raw DEL here made codex 0.169 print "failed to load bootstrap configuration" and exit 1:
    // a codex chat in a project folder with DEL in its name never started.
    expect(value).not.toMatch(TOML_RAW_FORBIDDEN);
    const argv = JSON.parse(value.slice('notify='.length)) as string[];
    expect(argv).toEqual([hookProgram(), 'codex', path.join(root, name, 'chats', 'chat-1'), 'sock', expect.any(String), 'notify-me', name]);
  });

  test('the claude hook command runs through sh with no injection and records the id', () => {
    for (const name of HOSTILE) {
      const stateDir = path.join(root, 'claude', name);
      const dir = path.join(stateDir, 'chats', 'chat-1');
      fs.mkdirSync(dir, { recursive: true });
      const ctx = makeChatContext({ project: root, stateDir, socket: `chatmux-test-none-${process.pid}` });
      const settings = JSON.parse(claudeHookSettings(ctx, { ref: 'chat-1' })) as { hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>> };
      const r = spawnSync('/bin/sh', ['-c', settings.hooks.UserPromptSubmit![0]!.hooks[0]!.command], { cwd: root, input: JSON.stringify({ session_id: ID, prompt: '$(touch PWNED)' }), encoding: 'utf8' });
      expect({ name, status: r.status, stdout: r.stdout }).toEqual({ name, status: 0, stdout: '' });
      expect(fs.readFileSync(path.join(dir, 'resume-id'), 'utf8')).toBe(`${ID}\n`);
    }
    expect(fs.existsSync(path.join(root, 'PWNED'))).toBe(false);
  });
});

describe('the hook on a full disk (a 64 KiB tmpfs)', () => {
  const mnt = path.join(root, 'full');
  let mounted = false;
  beforeAll(() => {
    fs.mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      process.stdout.write(`SKIP redteam-hook: cannot mount a tmpfs (${String((e as Error).message).split('\n')[0]})\n`);
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mnt]);
  });

  test('a report that cannot be written keeps the previous id and leaves no temp file behind', () => {
    if (!mounted) return;
    const dir = path.join(mnt, 'chats', 'chat-1');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'resume-id'), 'OLD-ID\n');
    for (let i = 0; ; i++) {
      try {
        fs.writeFileSync(path.join(mnt, `fill-${i}`), Buffer.alloc(4096, 1));
      } catch {
        fs.rmSync(path.join(mnt, `fill-${i}`), { force: true });
        break;
      }
    }
    for (const event of ['UserPromptSubmit', 'Stop', 'UserPromptSubmit']) {
      const r = spawnSync(hookProgram(), ['claude', event, dir, `chatmux-test-none-${process.pid}`, 'none'], { input: JSON.stringify({ session_id: ID }), encoding: 'utf8' });
      expect(r.status).toBe(0);
    }
    expect(fs.readFileSync(path.join(dir, 'resume-id'), 'utf8')).toBe('OLD-ID\n');
    // Before the fix: one empty `resume-id.<pid>` per event, for ever.
    expect(fs.readdirSync(dir)).toEqual(['resume-id']);
  });
});
