/**
 * One headless codex turn: `codex exec [resume <id>] --json … -` with the chat's model, endpoint
 * and key plumbing (the same provider args as the chat's pane), the message on stdin (so no
 * text is ever taken for a flag), and the JSONL events on stdout read back into a reply, the
 * thread id, or one readable error line.
 */
import { spawn } from 'node:child_process';
import type { ChatRecord } from './registry';
import { providerArgs } from './executors/codex';
import { vendorBinary } from './executors/types';

export interface CodexExecInput {
  chat: ChatRecord;
  message: string;
  /** The chat's own CODEX_HOME (chats with -e), else null: the user's. */
  codexHome: string | null;
  /** The caller's environment; must already hold the key under `chat.apiKeyEnv`. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export type CodexExecResult = { ok: true; reply: string; threadId: string | null } | { ok: false; error: string; threadId: string | null };

export function codexExecArgv(chat: ChatRecord, env: NodeJS.ProcessEnv): string[] {
  const resume = chat.resumeId ? ['resume'] : [];
  // `exec resume` takes the same options as `exec`, then the session id, then the prompt.
  return [
    ...vendorBinary('codex', env), 'exec', ...resume, '--json', '--skip-git-repo-check', ...providerArgs({ chat }),
    ...(chat.resumeId ? [chat.resumeId] : []), '-',
  ];
}

interface ExecEvent {
  type?: string;
  thread_id?: string;
  message?: string;
  error?: { message?: string };
  item?: { type?: string; text?: string };
}

/** An endpoint's error body as codex forwards it (`{"error":{"message":…}}`) becomes its message. */
function readableMessage(raw: string): string {
  let text = raw.trim();
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const m = j.error?.message ?? j.message;
    if (typeof m === 'string') text = m;
  } catch {
    /* plain text */
  }
  return oneLine(text);
}

export function oneLine(text: string, max = 400): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}

/** Fold codex's JSONL events into the turn's outcome. */
export function readExecEvents(stdout: string): { reply: string | null; threadId: string | null; failure: string | null } {
  let reply: string | null = null;
  let threadId: string | null = null;
  let failure: string | null = null;
  let lastError: string | null = null;
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    let e: ExecEvent;
    try {
      e = JSON.parse(line) as ExecEvent;
    } catch {
      continue;
    }
    if (e.type === 'thread.started' && e.thread_id) threadId = e.thread_id;
    else if (e.type === 'item.completed' && e.item?.type === 'agent_message' && typeof e.item.text === 'string') reply = e.item.text;
    else if (e.type === 'turn.failed') failure = readableMessage(e.error?.message ?? 'the turn failed');
    // Retry notices ("Reconnecting... 2/5 (…)") are progress, not the outcome.
    else if (e.type === 'error' && typeof e.message === 'string' && !/^Reconnecting\.\.\./.test(e.message)) lastError = readableMessage(e.message);
  }
  return { reply, threadId, failure: failure ?? (reply === null ? lastError : null) };
}

/** The last line of codex's stderr worth showing (its temp-dir and metadata warnings are not). */
function stderrReason(stderr: string): string | null {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^WARNING: proceeding/.test(l) && !/^\d+: /.test(l) && l !== 'Stack backtrace:');
  return lines.length > 0 ? oneLine(lines[lines.length - 1]!) : null;
}

export function runCodexExec(o: CodexExecInput): Promise<CodexExecResult> {
  const argv = codexExecArgv(o.chat, o.env);
  const env: NodeJS.ProcessEnv = { ...o.env };
  if (o.codexHome) env.CODEX_HOME = o.codexHome;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: CodexExecResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(argv[0]!, argv.slice(1), { cwd: o.chat.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timeoutMs = o.timeoutMs ?? 10 * 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      done({ ok: false, error: `codex gave no answer within ${Math.round(timeoutMs / 1000)} s (stopped it)`, threadId: readExecEvents(Buffer.concat(out).toString('utf8')).threadId });
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const hint = e.code === 'ENOENT' ? ' (not found: install it, put it on PATH, or set CHATMUX_CODEX_BIN)' : '';
      done({ ok: false, error: `could not start ${argv[0]}: ${e.code ?? e.message}${hint}`, threadId: null });
    });
    child.on('close', (code, signal) => {
      const events = readExecEvents(Buffer.concat(out).toString('utf8'));
      const threadId = events.threadId;
      if (events.failure) return done({ ok: false, error: `codex: ${events.failure}`, threadId });
      if (code !== 0) {
        const why = stderrReason(Buffer.concat(err).toString('utf8')) ?? (signal ? `killed by ${signal}` : 'no message');
        return done({ ok: false, error: `codex exited with status ${code ?? signal}: ${why}`, threadId });
      }
      if (events.reply === null) return done({ ok: false, error: 'codex finished without a reply', threadId });
      done({ ok: true, reply: events.reply, threadId });
    });
    child.stdin.on('error', () => {}); // exited before reading: reported by 'close'
    child.stdin.end(o.message);
  });
}
