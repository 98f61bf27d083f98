/** `chatmux doctor`: is everything chatmux needs in place? */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliContext } from './context';
import { control } from './entries';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A failed optional check is a warning, not a failure. */
  optional?: boolean;
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.TMUX;
    execFile(cmd, args, { env, timeout: 5000 }, (error, stdout, stderr) => {
      const code = error ? ((error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: String(stdout), err: String(stderr) });
    });
  });
}

export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

export async function runDoctor(ctx: CliContext): Promise<Check[]> {
  const checks: Check[] = [];
  const tmuxPath = onPath('tmux');
  if (!tmuxPath) {
    checks.push({ name: 'tmux', ok: false, detail: 'not found on PATH: install tmux 3.2+ (apt-get install tmux / brew install tmux); without it chats run as plain children and stop with the UI' });
  } else {
    const v = await run('tmux', ['-V']);
    const { parseTmuxVersion, versionProblem } = control();
    const version = parseTmuxVersion(v.out);
    const problem = versionProblem(version);
    checks.push({ name: 'tmux', ok: problem === null, detail: problem ?? `${tmuxPath} (${version!.raw})` });
    const ls = await run('tmux', ['-L', ctx.socket, 'list-sessions', '-F', '#{session_name}']);
    const running = ls.code === 0;
    const count = running ? ls.out.split('\n').filter(Boolean).length : 0;
    checks.push({ name: 'socket', ok: true, detail: running ? `-L ${ctx.socket}: server running, ${count} session(s)` : `-L ${ctx.socket}: no server yet (started on first chat)` });
  }
  checks.push(stateDirCheck(ctx.stateDir));
  // Which Node.js runs chatmux: over `--host`, the remote's own or the copy chatmux made there.
  checks.push({ name: 'node', ok: true, detail: `${process.version} (${process.execPath})` });
  for (const exe of ['claude', 'codex']) {
    const p = onPath(exe);
    checks.push({ name: exe, ok: p !== null, optional: true, detail: p ?? `not on PATH (only needed for --executor ${exe})` });
  }
  const shell = process.env.SHELL || '/bin/sh';
  checks.push({ name: 'shell', ok: fs.existsSync(shell), optional: true, detail: shell });
  return checks;
}

function stateDirCheck(dir: string): Check {
  // Find the nearest existing ancestor and check we could create the state dir there.
  let probe = dir;
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  try {
    fs.accessSync(probe, fs.constants.W_OK);
    return { name: 'state dir', ok: true, detail: fs.existsSync(dir) ? `${dir} (writable)` : `${dir} (will be created)` };
  } catch {
    return { name: 'state dir', ok: false, detail: `${dir}: ${probe} is not writable (use --state-dir DIR)` };
  }
}

export function formatChecks(checks: Check[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL'}  ${c.name.padEnd(10)} ${c.detail}`).join('\n');
}
