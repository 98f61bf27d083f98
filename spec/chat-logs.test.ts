/**
 * Per-chat logs and terminals on a private tmux server (issue 10.5, 11.3, 11.7):
 * - every log is capped while the chat runs: a stderr flood keeps the chat folder under 2 × cap;
 * - shell and cmd chats have the pane's terminal on stdin, stdout and stderr (bash is interactive,
 *   python's traceback comes before its next prompt); claude and codex keep stderr.log;
 * - a nex chat brought back after a lost tmux server shows each earlier turn once.
 * Needs a build (`npx tsc -p tsconfig.json`).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killAllTestServers, waitFor } from './support/tmux';
import { capture, chatFixture, cleanEnv, runChatmux } from './support/chatmux-cli';
import { appendLogLine, DEFAULT_LOG_CAP_BYTES, logCap, logFileMaxBytes, outputLogCommand, wrappedCommand } from '../lib/chat/logs';
import { logError } from '../lib/agents/nex/log';
import { startStub } from '../fixtures/stub-server';

afterAll(() => killAllTestServers());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes of every file under `dir` (0 when it is gone). */
function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    try {
      total += e.isDirectory() ? folderBytes(p) : fs.lstatSync(p).size;
    } catch {
      /* rotated meanwhile */
    }
  }
  return total;
}

const sizeOf = (f: string): number => (fs.existsSync(f) ? fs.statSync(f).size : 0);

describe('the capped log writers', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-logs-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const HOW = [['perl'], ['sh loop (no perl on PATH)']];

  /** The environment to run a writer in: as is (perl), or a PATH with only what the sh loop needs. */
  function writerEnv(how: string): NodeJS.ProcessEnv {
    if (how === 'perl') return process.env;
    const bin = path.join(root, 'bin-no-perl');
    fs.mkdirSync(bin, { recursive: true });
    for (const tool of ['sh', 'dd', 'wc', 'mv', 'cat', 'mkfifo', 'rm']) {
      const p = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (!fs.existsSync(path.join(bin, tool))) fs.symlinkSync(p, path.join(bin, tool));
    }
    return { ...process.env, PATH: bin };
  }

  /** FILE and FILE.1 each within `max`, together the last bytes of `sent`: nothing lost at a rotation. */
  function expectCappedTail(file: string, sent: Buffer, max: number): void {
    const cur = fs.readFileSync(file);
    const prev = fs.readFileSync(file + '.1');
    expect(cur.length).toBeLessThanOrEqual(max);
    expect(prev.length).toBe(max);
    expect(Buffer.concat([prev, cur]).equals(sent.subarray(sent.length - prev.length - cur.length))).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }

  test.each(HOW)('output.log: appends everything it is piped, rotating at the cap, one generation kept: %s', (how) => {
    const file = path.join(root, how === 'perl' ? 'out' : 'out-sh', 'output.log');
    fs.mkdirSync(path.dirname(file));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const input = Buffer.concat(Array.from({ length: 8 }, (_, i) => Buffer.from(chunk.fill(97 + i))));
    const res = spawnSync('/bin/sh', ['-c', outputLogCommand(file, 200 * 1024)], { input, env: writerEnv(how) });
    expect(res.status).toBe(0);
    expectCappedTail(file, input, 200 * 1024);
  });

  test.each(HOW)('stderr.log of claude and codex: every byte reaches the terminal, the file stays under its cap: %s', (how) => {
    const log = path.join(root, how === 'perl' ? 'perl' : 'sh', 'stderr.log');
    fs.mkdirSync(path.dirname(log));
    const max = 40 * 1024;
    // 600 KiB of numbered lines on stderr, in writes of every size.
    const agent = `let s = ''; for (let i = 0; s.length < 600 * 1024; i++) s += 'line ' + i + ' ' + 'x'.repeat(i % 97) + '\\n';
      let o = 0; const fs = require('fs'); for (let k = 1; o < s.length; k = (k * 7) % 9001 + 1) { fs.writeSync(2, s.slice(o, o + k)); o += k; }`;
    const cmd = wrappedCommand([process.execPath, '-e', agent], { stderrLog: log, banner: null, goChannel: null, maxBytes: max });
    const res = spawnSync(cmd[0]!, cmd.slice(1), { env: writerEnv(how), maxBuffer: 64 * 1024 * 1024 });
    expect(res.status).toBe(0);
    expect(res.stderr.length).toBeGreaterThanOrEqual(600 * 1024);
    expect(res.stderr.toString('utf8')).toMatch(/^line 0 \nline 1 x\n/);
    expectCappedTail(log, res.stderr, max);
  });
  test('a log removed while the chat runs is started again at the next rotation', async () => {
    const file = path.join(root, 'removed', 'output.log');
    fs.mkdirSync(path.dirname(file));
    const child = spawn('/bin/sh', ['-c', outputLogCommand(file, 8 * 1024)], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => child.on('exit', r));
    child.stdin.write(Buffer.alloc(4 * 1024, 'a'));
    await waitFor(() => sizeOf(file) === 4 * 1024, 5000, 'first bytes');
    fs.rmSync(file);
    // 4 KiB fill the removed file up to the cap, 8 KiB the new one (rotated to .1), 6 KiB remain.
    child.stdin.end(Buffer.alloc(18 * 1024, 'b'));
    await exited;
    expect(fs.readFileSync(file + '.1').equals(Buffer.alloc(8 * 1024, 'b'))).toBe(true);
    expect(fs.readFileSync(file).equals(Buffer.alloc(6 * 1024, 'b'))).toBe(true);
  });

  test('lines appended by nex (--log) and chatmux ask rotate at their cap too', () => {
    for (const [name, append] of [
      ['nex.log', (f: string) => logError(f, 'HTTP 500 server error from 127.0.0.1:9: boom', 1024)],
      ['ask.log', (f: string) => appendLogLine(f, 'chatmux ask: nex: HTTP 404', 1024)],
    ] as const) {
      const f = path.join(root, name);
      for (let i = 0; i < 300; i++) append(f);
      expect(sizeOf(f + '.1')).toBeGreaterThanOrEqual(1024);
      expect(sizeOf(f + '.1')).toBeLessThan(1024 + 100);
      expect(sizeOf(f)).toBeLessThan(1024 + 100);
    }
  });

  test('CHATMUX_LOG_CAP_BYTES: each log file rotates at a quarter of it; a bad value warns and keeps the default', () => {
    expect(logFileMaxBytes({})).toBe(DEFAULT_LOG_CAP_BYTES / 4);
    expect(logFileMaxBytes({ CHATMUX_LOG_CAP_BYTES: '1048576' })).toBe(262144);
    for (const bad of ['12k', '-5', '100', '1e9', ' ']) {
      const c = logCap({ CHATMUX_LOG_CAP_BYTES: bad });
      expect(c.bytes).toBe(DEFAULT_LOG_CAP_BYTES);
      expect(c.warning).toMatch(/^CHATMUX_LOG_CAP_BYTES=".*" is not a whole number of bytes >= 16384; using 16777216$/);
    }
  });
});

describe('logs are capped while the chat runs (10.5)', () => {
  const { p, g } = chatFixture();
  const CAP = Number(process.env.CHATMUX_SPEC_FLOOD_CAP_BYTES) || 256 * 1024;
  // The 60 s flood: CHATMUX_SPEC_FLOOD_SECONDS=60 (CHATMUX_SPEC_FLOOD_CAP_BYTES for another cap). 15 s with a 256 KiB cap already rotates
  // each log hundreds of times, which is what the cap has to survive.
  const FLOOD_S = Number(process.env.CHATMUX_SPEC_FLOOD_SECONDS) || 15;

  test(`a ${FLOOD_S} s stderr flood from a claude chat keeps its folder under 2 × CHATMUX_LOG_CAP_BYTES`, async () => {
    const flood = path.join(p.root, 'flood-claude');
    const counted = path.join(p.root, 'flooded-bytes');
    // Stands in for claude: floods stderr as fast as the pane takes it; dd reports how much.
    fs.writeFileSync(flood, `#!/bin/sh\nexec 3>&2\ntimeout ${FLOOD_S} yes 'stderr flood line .........................................' | dd bs=65536 of=/dev/fd/3 2>'${counted}'\necho FLOOD-DONE\nexec sleep 60\n`, { mode: 0o755 });
    const env = cleanEnv({ CHATMUX_CLAUDE_BIN: flood, CHATMUX_LOG_CAP_BYTES: String(CAP) });
    const made = await runChatmux([...g, 'chat', 'new', '--executor', 'claude', '--json'], { env });
    expect(made).toMatchObject({ code: 0 });
    const rec = JSON.parse(made.stdout);
    const dir = path.join(p.stateDir, 'chats', rec.ref);
    let most = 0;
    const end = Date.now() + (FLOOD_S + 20) * 1000;
    while (!/records in/.test(fs.existsSync(counted) ? fs.readFileSync(counted, 'utf8') : '') && Date.now() < end) {
      most = Math.max(most, folderBytes(dir));
      await sleep(100);
    }
    await sleep(500); // the last bytes through the pane into output.log
    most = Math.max(most, folderBytes(dir));
    const flooded = Number(/^(\d+) bytes/m.exec(fs.readFileSync(counted, 'utf8'))?.[1]);
    if (process.env.CHATMUX_SPEC_FLOOD_SECONDS) console.log(`flooded ${flooded} bytes in ${FLOOD_S} s; the chat folder peaked at ${most} bytes (cap ${CAP})`);
    // It really flooded: every log file rotated (at CAP/4) dozens of times.
    expect(flooded).toBeGreaterThan(8 * CAP);
    expect(most).toBeLessThan(2 * CAP);
    // Both logs rotated (one old generation each), each pair within half the cap.
    for (const log of ['stderr.log', 'output.log']) {
      const f = path.join(dir, log);
      expect(sizeOf(f + '.1')).toBeGreaterThan(0);
      expect(sizeOf(f) + sizeOf(f + '.1')).toBeLessThanOrEqual(CAP / 2);
    }
    // The flood itself is what rotated (a cut at any byte: the file starts mid-line).
    const old = fs.readFileSync(path.join(dir, 'stderr.log.1'), 'utf8');
    expect(old.split('stderr flood line').length).toBeGreaterThan(1000);
  }, (FLOOD_S + 45) * 1000);
});

describe('shell and cmd chats keep their terminal (11.3)', () => {
  const { t, g } = chatFixture();
  const env = cleanEnv();

  async function newCmd(...argv: string[]): Promise<{ ref: string; session: string }> {
    const made = await runChatmux([...g, 'chat', 'new', '--json', '--', ...argv], { env });
    expect(made).toMatchObject({ code: 0 });
    return JSON.parse(made.stdout);
  }
  const send = async (ref: string, text: string) => expect(await runChatmux([...g, 'chat', 'send', ref, text], { env })).toMatchObject({ code: 0 });
  const ttyScript = 'for fd in 0 1 2; do if [ -t $fd ]; then printf "fd%s=tty " $fd; else printf "fd%s=pipe " $fd; fi; done; echo END; exec sleep 60';

  test('a cmd chat sees a terminal on stdin, stdout and stderr', async () => {
    const c = await newCmd('/bin/sh', '-c', ttyScript);
    await waitFor(() => capture(t, c.session).includes('END'), 8000, 'isatty line');
    expect(capture(t, c.session)).toContain('fd0=tty fd1=tty fd2=tty END');
  });

  test('a shell chat too', async () => {
    const made = await runChatmux([...g, 'chat', 'new', '--executor', 'shell', '--json'], { env: cleanEnv({ SHELL: '/bin/sh' }) });
    const c = JSON.parse(made.stdout);
    await send(c.ref, ttyScript.replace('; exec sleep 60', ''));
    await waitFor(() => /^fd0=\S+ fd1=\S+ fd2=\S+ END$/m.test(capture(t, c.session)), 8000, 'isatty line');
    expect(capture(t, c.session)).toMatch(/^fd0=tty fd1=tty fd2=tty END$/m);
  });

  test('claude and codex keep stderr.log: stdin and stdout are the terminal, stderr the pipe to it', async () => {
    const script = path.join(os.tmpdir(), `tty-agent-${process.pid}.sh`);
    fs.writeFileSync(script, `#!/bin/sh\n${ttyScript.replace('echo END', 'echo END; echo to-stderr >&2')}\n`, { mode: 0o755 });
    try {
      const made = await runChatmux([...g, 'chat', 'new', '--executor', 'claude', '--json'], { env: cleanEnv({ CHATMUX_CLAUDE_BIN: script }) });
      const c = JSON.parse(made.stdout);
      await waitFor(() => capture(t, c.session).includes('to-stderr'), 8000, 'stderr on the pane');
      expect(capture(t, c.session)).toContain('fd0=tty fd1=tty fd2=pipe END');
      const log = await runChatmux([...g, 'chat', 'log', c.ref, '--stderr'], { env });
      expect(log.stdout).toContain('to-stderr');
    } finally {
      fs.rmSync(script, { force: true });
    }
  });

  test('bash is interactive: it shows its prompt and $- contains i', async () => {
    const c = await newCmd('bash', '--norc', '--noprofile');
    await send(c.ref, "PS1='PROMPT''> '");
    await waitFor(() => /^PROMPT>/m.test(capture(t, c.session)), 8000, 'bash prompt');
    await send(c.ref, 'echo "flags=[$-]"');
    const flags = await waitFor(() => /^flags=\[(\w+)\]$/m.exec(capture(t, c.session))?.[1], 8000, 'flags');
    expect(flags).toContain('i');
  });

  test('python3 -q: a traceback comes before the next prompt, in order', async () => {
    const c = await newCmd('python3', '-q');
    await waitFor(() => capture(t, c.session).includes('>>>'), 8000, 'python prompt');
    for (let i = 1; i <= 3; i++) {
      await send(c.ref, `print("before${i}"); 1/0`);
      await waitFor(() => capture(t, c.session).split('ZeroDivisionError').length > i, 8000, `traceback ${i}`);
    }
    await send(c.ref, 'print("after")');
    await waitFor(() => /^after$/m.test(capture(t, c.session)), 8000, 'after');
    const lines = capture(t, c.session).split('\n').map((l) => l.trimEnd());
    // Each `>>> ` line is a prompt the user typed at: never a prompt followed by traceback text.
    expect(lines.filter((l) => l.startsWith('>>> Traceback'))).toEqual([]);
    for (let i = 1; i <= 3; i++) {
      const at = lines.indexOf(`before${i}`);
      expect(lines[at + 1]).toBe('Traceback (most recent call last):');
      const err = lines.findIndex((l, k) => k > at && l.startsWith('ZeroDivisionError'));
      expect(lines[err + 1]).toMatch(/^>>> print\("(before\d|after)/);
    }
  });
});

describe('a resumed nex chat shows each turn once (11.7)', () => {
  const { t, g } = chatFixture();

  test('after kill-server, twice: every earlier turn appears once in the pane', async () => {
    const stub = await startStub({ behaviour: { kind: 'echo' }, idleTimeoutMs: 60_000 });
    try {
      const env = cleanEnv();
      const made = await runChatmux([...g, 'chat', 'new', '--executor', 'nex', '-m', 'stub-model', '-e', stub.url, '--json'], { env });
      expect(made).toMatchObject({ code: 0 });
      const rec = JSON.parse(made.stdout);
      await waitFor(() => capture(t, rec.session).includes('/exit'), 8000, 'nex prompt');
      const turn = async (word: string, n: number) => {
        expect(await runChatmux([...g, 'chat', 'send', rec.ref, word], { env })).toMatchObject({ code: 0 });
        await waitFor(() => capture(t, rec.session).includes(`echo: ${word} (messages: ${n})`), 8000, word);
      };
      const count = (word: string) => capture(t, rec.session).split(`echo: ${word} `).length - 1;
      await turn('first', 1);
      await turn('second', 3);
      t.tmux('kill-server');
      expect((await runChatmux([...g, 'chat', 'list'], { env })).stderr).toContain(`resumed ${rec.ref}`);
      await waitFor(() => capture(t, rec.session).includes('resumed 2 earlier turn(s)'), 8000, 'replay');
      await waitFor(() => capture(t, rec.session).includes('/exit'), 8000, 'prompt after resume');
      expect([count('first'), count('second')]).toEqual([1, 1]);
      expect(capture(t, rec.session)).toMatch(new RegExp(`--- ${rec.ref}: resumed .* after tmux lost its session; the conversation follows ---`));
      await turn('third', 5);
      t.tmux('kill-server');
      expect((await runChatmux([...g, 'chat', 'list'], { env })).stderr).toContain(`resumed ${rec.ref}`);
      await waitFor(() => capture(t, rec.session).includes('resumed 3 earlier turn(s)'), 8000, 'second replay');
      await waitFor(() => capture(t, rec.session).includes('/exit'), 8000, 'prompt after the second resume');
      expect([count('first'), count('second'), count('third')]).toEqual([1, 1, 1]);
    } finally {
      await stub.close();
    }
  }, 60_000);
});
