/**
 * Without tmux (not on PATH, or --no-tmux) a chat runs as a direct child of this process
 * under a PTY (@lydell/node-pty, loaded only here), in the foreground of the current
 * terminal. It stops when this process exits: the one-time warning says so. The registry
 * still records the chat (state `starting` owned by our pid while it runs, `closed` after).
 */
import type { ChatContext } from './context';
import { executorFor } from './executors';
import { apiKeyFor, type EnvSource } from './chat-env';
import { createDraft, type NewChatInput } from './lifecycle';
import { wantedEnv } from './chat-env';
import { findChat, updateRegistry, type ChatRecord } from './registry';

let warned = false;

/** Print the "will not survive" warning once per process. */
export function warnNoTmuxOnce(ctx: ChatContext, why: string): void {
  if (warned) return;
  warned = true;
  ctx.warn(`${why}: chats run as child processes of this chatmux and stop when it exits (install tmux 3.2+ to keep them running)`);
}

export interface ForegroundIo {
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
}

type PtyModule = typeof import('@lydell/node-pty');

async function loadPty(): Promise<PtyModule> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@lydell/node-pty') as PtyModule;
  } catch (err) {
    throw new Error(`no tmux and no PTY support (@lydell/node-pty failed to load: ${(err as Error).message}); install tmux 3.2+`);
  }
}

export interface ForegroundResult {
  chat: ChatRecord;
  exitCode: number;
  signal: number | null;
}

/** Create the chat and run it in the foreground until it exits. */
export async function runChatInForeground(ctx: ChatContext, input: NewChatInput, io: ForegroundIo, env: EnvSource = process.env): Promise<ForegroundResult> {
  const pty = await loadPty();
  const chat = await createDraft(ctx, input, env);
  const executor = executorFor(chat.executor);
  const spec = executor.fresh({ chat, ctx, apiKey: apiKeyFor(chat, env), env });
  spec.prepare?.();
  const out = io.stdout as NodeJS.WriteStream;
  const inp = io.stdin as NodeJS.ReadStream;
  const cols = out.isTTY ? out.columns : input.width ?? 120;
  const rows = out.isTTY ? out.rows : input.height ?? 40;
  // The same environment a tmux chat gets (chat-env.ts); node-pty sets TERM from `name`.
  const childEnv = wantedEnv(chat, env, { ...spec.env, CHATMUX_CHAT_REF: chat.ref, CHATMUX_PROJECT: ctx.project, CHATMUX_STATE_DIR: ctx.stateDir, CHATMUX_NO_TMUX: '1' });
  const child = pty.spawn(spec.argv[0]!, spec.argv.slice(1), { name: 'xterm-256color', cols, rows, cwd: chat.cwd, env: childEnv });

  const onData = (d: Buffer | string) => child.write(typeof d === 'string' ? d : d.toString('utf8'));
  const onResize = () => child.resize(out.columns, out.rows);
  if (inp.isTTY) inp.setRawMode(true);
  inp.on('data', onData);
  inp.resume?.();
  if (out.isTTY) out.on('resize', onResize);
  child.onData((d) => out.write(d));

  const result = await new Promise<{ exitCode: number; signal: number | null }>((resolve) => child.onExit((e) => resolve({ exitCode: e.exitCode, signal: e.signal ?? null })));
  inp.off('data', onData);
  if (inp.isTTY) inp.setRawMode(false);
  inp.pause?.();
  if (out.isTTY) out.off('resize', onResize);

  let final = chat;
  await updateRegistry(ctx, (reg) => {
    const c = findChat(reg, chat.ref);
    if (c) {
      Object.assign(c, { state: 'closed', starterPid: null });
      final = c;
    }
  });
  return { chat: final, ...result };
}
