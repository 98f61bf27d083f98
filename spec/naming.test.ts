/**
 * Session names and identity (issue 10.7, 10.8) and escaped error messages (10.9): the tag is
 * plain ASCII whatever the folder, depends on the state dir, and every list/send/kill checks
 * the session's owner; sessions made before the owner option still belong to their chats.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as os from 'node:os';
import { seedCodexHome } from '../lib/chat/agent-homes';
import { escapeBytes, escapeControls, quoteValue } from '../lib/chat/errors';
import { chatSessionName, folderSlug, instanceId, projectTag } from '../lib/chat/naming';
import { chatFixture, FAKE_AGENT, capture, runChatmux, sessionsOf } from './support/chatmux-cli';
import { killAllTestServers, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('names', () => {
  test('the tag is [A-Za-z0-9_-] only, at most 41 characters, for any folder name', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
      const folder = name.replace(/\//g, '_') || 'x';
      const tag = projectTag(`/p/${folder}`, '/s');
      return /^[A-Za-z0-9_-]{1,32}-[0-9a-f]{8}$/.test(tag) && tag.length <= 41;
    }), { numRuns: 500 });
    expect(folderSlug('café au lait')).toBe('cafe-au-lait');
    expect(folderSlug('a\\b')).toBe('a-b');
    expect(folderSlug('u\u0378x')).toBe('u-x');
    expect(folderSlug('日本語')).toBe('project');
    expect(folderSlug('-x-')).toBe('x');
    expect(projectTag('/', '/s')).toMatch(/^project-[0-9a-f]{8}$/);
  });

  test('the tag depends on the project path and on the state dir', () => {
    expect(projectTag('/a/same', '/s')).not.toBe(projectTag('/b/same', '/s'));
    expect(projectTag('/a/same', '/a/same/.chatmux')).not.toBe(projectTag('/a/same', '/elsewhere'));
    expect(projectTag('/a/same', '/s')).toBe(projectTag('/a/same/', '/s/'));
    expect(instanceId('/a', '/s')).toMatch(/^[0-9a-f]{16}$/);
    expect(projectTag('/a/same', '/s').endsWith(instanceId('/a/same', '/s').slice(0, 8))).toBe(true);
  });
});

test("a codex chat's config trusts any folder name: TOML gets control characters and DEL escaped", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-toml-'));
  try {
    seedCodexHome(home, '/p/a\x7fb\nc"d\\');
    const text = fs.readFileSync(path.join(home, 'config.toml'), 'utf8');
    expect(text).toContain('[projects."/p/a\\u007fb\\nc\\"d\\\\"]');
    expect(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)).toBe(false);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

describe('escaping (issue 10.9)', () => {
  test('no unsafe character survives, and escaping twice changes nothing', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
      const e = escapeControls(s);
      return !UNSAFE.test(e) && escapeControls(e) === e && !/[\ud800-\udfff]/u.test(e);
    }), { numRuns: 1000 });
    expect(escapeControls('\x1b]0;HACKED\x07')).toBe('\\e]0;HACKED\\x07');
    expect(escapeControls('a\nb\u0085\u202e')).toBe('a\\nb\\x85\\u{202e}');
    expect(quoteValue('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteValue('x'.repeat(400))).toBe(`"${'x'.repeat(300)}…" (400 characters)`);
    expect(escapeBytes(Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0x1b, 0xed, 0xa0, 0x80]))).toBe('a\\xffé\\e\\xed\\xa0\\x80');
  });

  test('the CLI echoes a hostile ref, option and name escaped, exit 2', async () => {
    const send = await runChatmux(['--socket', 'chatmux-test-unused', 'chat', 'send', '\x1b]0;HACKED\x07', 'hi']);
    expect(send).toMatchObject({ code: 2, stderr: "chatmux: '\\e]0;HACKED\\x07' is not a chat ref (they look like chat-3; see chatmux chat list)\n" });
    const opt = await runChatmux(['chat', 'new', '--bad\x1b[2J']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("unknown option '--bad\\e[2J'");
    const name = await runChatmux(['--socket', 'chatmux-test-unused', 'chat', 'new', '--name', 'a\x9b31m\nb', '--', FAKE_AGENT]);
    expect(name).toMatchObject({ code: 2, stderr: 'chatmux: name "a\\x9b31m\\nb" contains a control character (U+009B); use plain printable text\n' });
    // An invisible text-direction override would reorder the rest of a `chat list` row.
    const rlo = await runChatmux(['--socket', 'chatmux-test-unused', 'chat', 'new', '--role', 'x\u202eevil', '--', FAKE_AGENT]);
    expect(rlo).toMatchObject({ code: 2, stderr: 'chatmux: role "x\\u{202e}evil" contains a control character (U+202E); use plain printable text\n' });
   }, 60000);
});

describe('two state dirs on one socket (issue 10.8)', () => {
  const { t, p, g: ga } = chatFixture('shared');
  const stateB = () => path.join(p.root, 'state-b');
  const gb = () => ['--socket', t.socket, '--project', p.project, '--state-dir', stateB()];

  test('same project, same refs: separate sessions; archive, close and sweep in B never touch A', async () => {
    expect(await runChatmux([...ga, 'chat', 'new', '--', FAKE_AGENT])).toMatchObject({ code: 0, stdout: 'chat-1\n' });
    expect(await runChatmux([...gb(), 'chat', 'new', '--', FAKE_AGENT])).toMatchObject({ code: 0, stdout: 'chat-1\n' });
    expect(await runChatmux([...gb(), 'chat', 'new', '--', FAKE_AGENT])).toMatchObject({ code: 0, stdout: 'chat-2\n' });
    const nameA = chatSessionName(projectTag(p.project, p.stateDir), 'chat-1');
    expect(sessionsOf(t)).toContain(nameA);
    expect(await runChatmux([...gb(), 'chat', 'archive', 'chat-1'])).toMatchObject({ code: 0 });
    expect(await runChatmux([...gb(), 'chat', 'close', 'chat-2'])).toMatchObject({ code: 0 });
    expect(await runChatmux([...gb(), 'sweep'])).toMatchObject({ code: 0 });
    expect(sessionsOf(t)).toEqual([nameA]);
    const listA = JSON.parse((await runChatmux([...ga, 'chat', 'list', '--json'])).stdout);
    expect(listA.map((c: { ref: string; lifecycle: string; live: boolean }) => [c.ref, c.lifecycle, c.live])).toEqual([['chat-1', 'running', true]]);
    // B's list does not count A's session as its own chat-1 (nor adopt it).
    const listB = JSON.parse((await runChatmux([...gb(), 'chat', 'list', '--all', '--json'])).stdout);
    expect(listB.map((c: { ref: string; lifecycle: string; live: boolean }) => [c.ref, c.lifecycle, c.live])).toEqual([['chat-1', 'archived', false], ['chat-2', 'closed', false]]);
    expect(await runChatmux([...ga, 'chat', 'archive', 'chat-1'])).toMatchObject({ code: 0 });
    expect(sessionsOf(t)).toEqual([]);
   }, 90000);
});

describe('chats made before the owner option (migration)', () => {
  const { t, p, g } = chatFixture('old\\style');
  const legacyTag = (project: string) => `${path.basename(project)}-${createHash('sha256').update(project).digest('hex').slice(0, 8)}`;

  test('a session with the old name (rewritten by tmux) and no owner is still listed, sent to and closed; another state dir leaves it alone', async () => {
    expect(await runChatmux([...g, 'chat', 'new', '--', FAKE_AGENT])).toMatchObject({ code: 0, stdout: 'chat-1\n' });
    // Make it what chatmux 0.1 left: the old tag (tmux stores `\` as `\\`), no @chatmux-owner.
    const oldName = `wg-chat-${legacyTag(p.project)}-chat-1`;
    const current = chatSessionName(projectTag(p.project, p.stateDir), 'chat-1');
    t.tmux('rename-session', '-t', `=${current}`, oldName);
    t.tmux('set-option', '-u', '-t', `=${sessionsOf(t)[0]}:`, '@chatmux-owner');
    expect(sessionsOf(t)).toEqual([oldName.replace('\\', '\\\\')]);
    const reg = path.join(p.stateDir, 'chats.json');
    const data = JSON.parse(fs.readFileSync(reg, 'utf8'));
    data.chats[0].session = oldName;
    fs.writeFileSync(reg, JSON.stringify(data));

    const gb = ['--socket', t.socket, '--project', p.project, '--state-dir', path.join(p.root, 'state-b')];
    expect(await runChatmux([...gb, 'chat', 'new', '--', FAKE_AGENT])).toMatchObject({ code: 0, stdout: 'chat-1\n' });
    expect(await runChatmux([...gb, 'chat', 'archive', 'chat-1'])).toMatchObject({ code: 0 });
    expect(JSON.parse((await runChatmux([...gb, 'sweep', '--json'])).stdout)).toMatchObject({ killed: [], adopted: [] });

    const list = JSON.parse((await runChatmux([...g, 'chat', 'list', '--json'])).stdout);
    expect(list).toMatchObject([{ ref: 'chat-1', lifecycle: 'running', live: true, session: oldName.replace('\\', '\\\\') }]);
    expect(await runChatmux([...g, 'chat', 'send', 'chat-1', 'still here'])).toMatchObject({ code: 0 });
    await waitFor(() => capture(t, oldName.replace('\\', '\\\\')).includes('GOT[still here]'), 5000, 'the sent line');
    expect(await runChatmux([...g, 'chat', 'close', 'chat-1'])).toMatchObject({ code: 0 });
    expect(sessionsOf(t)).toEqual([]);
   }, 90000);
});
