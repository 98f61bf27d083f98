/** `chatmux chat …`: create, list, attach, start, send, close, archive, rename, log. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { attachProcess, displayMessage, listClients, switchClient } from '../api/control';
import {
  archiveChat, captureResumeIds, chatFiles, chatPane, checkNewChat, closeChat, createChat, DEFAULT_SIZE, DETACH_KEY_LABEL, escapeControls,
  EXECUTORS, findChatSession, getChat, isChatRef, listChats, makeChatContext, openChat, ownTty, prepareAttach, renameChat,
  runChatInForeground, ScreenText, sendToChat, startChat, warnNoTmuxOnce, type ChatRecord, type ExecutorName,
} from '../api/chats';
import { listedJson, listedState, sinceText, withAgentStates, type ListedChat } from './chat-states';
import type { CliContext } from './context';
import { UsageError } from './context';
import { chatRuntime, mapInputErrors, requireTmux, resumeLostChats } from './chat-runtime';
import { columns } from './columns';

const example = (lines: string[]) => `\nExample:\n${lines.map((l) => `  ${l}`).join('\n')}`;

function checkRef(ref: string): string {
  if (!isChatRef(ref)) throw new UsageError(`'${ref}' is not a chat ref (they look like chat-3; see chatmux chat list)`);
  return ref;
}

/**
 * This terminal's size for a chat's window; none (the default size) when stdout is no
 * terminal or a pty nobody sized reports 0×0 (`script`, `docker exec -t` before its first
 * resize): `chat attach` there failed with "width 0" and attached nothing.
 */
function terminalSize(): { width?: number; height?: number } {
  const { columns, rows } = process.stdout;
  return columns > 0 && rows > 0 ? { width: columns, height: rows } : {};
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    process.stdin.on('data', (b: Buffer) => parts.push(b));
    process.stdin.on('end', () => resolve(Buffer.concat(parts)));
    process.stdin.on('error', reject);
  });
}

/** Columns padded by display width: a name in 日本語 or with 🚀 takes two columns a character. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => columns(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - columns(c)))).join('  ').trimEnd()).join('\n');
}

function formatList(chats: ListedChat[]): string {
  if (chats.length === 0) return 'no chats (create one: chatmux chat new --executor shell --name scratch)';
  const rows = table([
    ['REF', 'NAME', 'ROLE', 'EXECUTOR', 'STATE', 'SINCE', 'SESSION', 'PARENT'],
    ...chats.map((c) => [c.ref, c.name, c.role, c.executor, listedState(c), sinceText(c), c.live ? c.session : '-', c.parent ?? '-']),
  ]);
  // Why chatmux closed a chat on its own (e.g. its chat new was interrupted).
  const notes = chats.filter((c) => c.state === 'closed' && c.stateReason).map((c) => `${c.ref}: closed: ${c.stateReason}`);
  return [rows, ...notes].join('\n');
}

/**
 * Inside chatmux's own tmux server: the client showing our pane (null if none); else null.
 * Our stdin is the pane's tty, not the client's: find the client via $TMUX_PANE's session.
 */
async function sameServerClient(rt: ReturnType<typeof chatRuntime>): Promise<{ client: string | null } | null> {
  const tmuxVar = process.env.TMUX;
  const pane = process.env.TMUX_PANE;
  if (!tmuxVar || !pane || !/^%\d+$/.test(pane) || !rt.runner) return null;
  const ourSocket = await displayMessage(rt.runner, '#{socket_path}').catch(() => '');
  if (!ourSocket || tmuxVar.split(',')[0] !== ourSocket) return null;
  const session = await displayMessage(rt.runner, '#{session_id}', pane).catch(() => '');
  const clients = (await listClients(rt.runner)).filter((c) => c.sessionId === session && !c.controlMode);
  clients.sort((a, b) => b.activity - a.activity);
  return { client: clients[0]?.name ?? null };
}

interface LogSink {
  write(bytes: Buffer): void;
  end(): void;
}

/** Bytes as recorded (--raw, --stderr). */
function rawSink(): LogSink {
  return { write: (b) => void process.stdout.write(b), end: () => undefined };
}

/**
 * The output log as the text the pane showed (cursor movement applied, see screen-text.ts).
 * Following, a line is printed once the output has moved below it.
 */
async function screenSink(rt: ReturnType<typeof chatRuntime>, chat: ChatRecord, follow: boolean): Promise<LogSink> {
  // The pane's height bounds cursor movement as it did on screen; a chat not running: the default.
  const pane = rt.runner ? await chatPane(rt.runner, rt.ctx, chat).catch(() => null) : null;
  const screen = new ScreenText(pane?.height ?? DEFAULT_SIZE.height);
  const decoder = new TextDecoder('utf-8');
  return {
    write: (b) => {
      screen.write(decoder.decode(b, { stream: true }));
      if (follow) for (const line of screen.takeFinished()) process.stdout.write(line + '\n');
    },
    end: () => {
      screen.write(decoder.decode());
      process.stdout.write(screen.text());
    },
  };
}

export function register(program: Command, context: () => CliContext): void {
  const chat = program.command('chat').description('create and drive chats (one tmux session each)')
    .addHelpText('after', example(['chatmux chat new --executor shell --name scratch', 'chatmux chat list']));

  chat
    .command('new')
    .description('create and start a chat; prints its ref (a program that cannot run is refused: exit 2, nothing created)')
    .addOption(new Option('--executor <name>', 'what runs in the chat (default: cmd when a command follows --, else shell)').choices(EXECUTORS))
    .option('-m, --model <model>', 'model name (claude, codex, nex)')
    .option('-e, --endpoint <url>', 'API base URL (claude, codex, nex)')
    .option('--api-key-env <VAR>', 'name of the environment variable holding the API key (the key itself never leaves the chat\'s environment)')
    .option('--name <name>', 'a name to show', '')
    .option('--role <role>', 'a role to show', '')
    .option('--parent <ref>', 'the chat this one was started from')
    .option('--cwd <dir>', 'working directory (default: the project folder)')
    .option('--json', 'print the whole record as JSON')
    .argument('[argv...]', 'the command (cmd) or extra arguments for the agent, after --')
    .addHelpText('after', example([
      'chatmux chat new --executor codex -m gpt-5 -e http://127.0.0.1:8080/v1 --api-key-env MY_KEY --name reviewer',
      'chatmux chat new --name py -- python3 -i',
      'chatmux chat new --executor claude --parent "$CHATMUX_CHAT_REF" --role helper',
    ]))
    .action(async (argv, opts) => {
      const executor: ExecutorName = (opts.executor as ExecutorName | undefined) ?? (argv.length > 0 ? 'cmd' : 'shell');
      if (opts.parent !== undefined) checkRef(opts.parent);
      const rt = chatRuntime(context(), opts.apiKeyEnv ? [opts.apiKeyEnv] : []);
      const input = {
        executor, argv, name: opts.name, role: opts.role, parent: opts.parent ?? null, model: opts.model ?? null,
        endpoint: opts.endpoint ?? null, apiKeyEnv: opts.apiKeyEnv ?? null, cwd: opts.cwd === undefined ? undefined : path.resolve(opts.cwd), ...terminalSize(),
      };
      if (!rt.runner) {
        // (with tmux, createChat makes this check: the UI's dialog goes through it too)
        await mapInputErrors(() => checkNewChat(rt.ctx, input));
        warnNoTmuxOnce(rt.ctx, rt.noTmuxReason!);
        const res = await mapInputErrors(() => runChatInForeground(rt.ctx, input, { stdin: process.stdin, stdout: process.stdout }));
        process.stderr.write(`chatmux: ${res.chat.ref} exited with status ${res.exitCode}${res.signal ? ` (signal ${res.signal})` : ''}\n`);
        if (res.exitCode !== 0) process.exitCode = 1;
        return;
      }
      const record = await mapInputErrors(() => createChat(rt.runner!, rt.ctx, input));
      process.stdout.write(opts.json ? JSON.stringify(record, null, 2) + '\n' : record.ref + '\n');
    });

  chat
    .command('list')
    .description('list chats (ref, name, role, executor, state, session, parent); brings back chats whose tmux session was lost')
    .option('--all', 'include archived chats')
    .option('--json', 'machine-readable output')
    .addHelpText('after', example(['chatmux chat list', 'chatmux chat list --all --json']))
    .action(async (opts) => {
      const rt = chatRuntime(context());
      await resumeLostChats(rt);
      if (rt.runner) await captureResumeIds(rt.runner, rt.ctx);
      const chats = await withAgentStates(rt.runner, await listChats(rt.runner, rt.ctx, { all: opts.all }));
      process.stdout.write((opts.json ? JSON.stringify(chats.map(listedJson), null, 2) : formatList(chats)) + '\n');
    });

  chat
    .command('attach')
    .description('attach this terminal to a chat (switch-client when already inside chatmux\'s tmux server); starts a closed chat again, brings back lost ones')
    .argument('<ref>', 'the chat, e.g. chat-3')
    .addHelpText('after', `\nDetach with ${DETACH_KEY_LABEL} (Ctrl+backslash): it works inside your own tmux too, where C-b d would\ndetach your outer tmux instead; the attached terminal's status line names the chat and the key.\nWhile attached, the chat is sized to this terminal; a chatmux UI takes it back when you type there.\n` + example(['chatmux chat attach chat-3      (detach again with Ctrl+\\)']))
    .action(async (ref) => {
      checkRef(ref);
      const rt = chatRuntime(context());
      const runner = requireTmux(rt, 'chatmux chat attach');
      await mapInputErrors(() => getChat(rt.ctx, ref, runner));
      // Refused before anything changes: a closed chat was started, then this said no (exit 2).
      const inside = await sameServerClient(rt);
      if (!inside && !process.stdin.isTTY) throw new UsageError('chatmux chat attach needs a terminal on stdin');
      await resumeLostChats(rt);
      const c = await mapInputErrors(() => openChat(runner, rt.ctx, ref, terminalSize()));
      // By identity: a chat made by an older chatmux may have a session name tmux rewrote.
      const target = (await findChatSession(runner, rt.ctx, ref))?.id ?? `=${c.session}`;
      if (inside) {
        // A plain attach from here would show the server inside itself.
        if (!inside.client) throw new Error(`this pane belongs to chatmux's tmux server but no terminal client shows it; open ${ref} from the chatmux UI`);
        await switchClient(runner, target, inside.client);
        return;
      }
      const p = attachProcess(rt.server!, target);
      const undo = await prepareAttach(runner, rt.ctx, c, ownTty());
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(p.file, p.args, { env: p.env, stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? 1));
      }).finally(() => undo());
      if (code !== 0) process.exitCode = 1;
    });

  chat
    .command('start')
    .description('make a chat run again without attaching: a closed one starts fresh, a lost one and one whose program ended resume in a new session; a running one is left as is')
    .argument('<ref>', 'the chat')
    .addHelpText('after', example(['chatmux chat start chat-3', 'chatmux --host gpu-box chat start chat-3']))
    .action(async (ref) => {
      checkRef(ref);
      const cli = context();
      // A key the chat reads from the environment stays out of the tmux server's own (as for chat new).
      const keyVar = (await mapInputErrors(() => getChat(makeChatContext(cli), ref))).apiKeyEnv;
      const rt = chatRuntime(cli, keyVar ? [keyVar] : []);
      await mapInputErrors(() => startChat(requireTmux(rt, 'chatmux chat start'), rt.ctx, ref, terminalSize()));
    });

  chat
    .command('send')
    .description('type text (or stdin) into a chat, then Enter; brings back chats whose tmux session was lost first')
    .argument('<ref>', 'the chat')
    .argument('[text...]', 'the text (words are joined with spaces); without it, stdin is sent')
    .option('--no-enter', 'do not press Enter afterwards')
    .addHelpText('after', example(['chatmux chat send chat-3 "summarise the README"', 'git diff | chatmux chat send chat-3']))
    .action(async (ref, text, opts) => {
      checkRef(ref);
      const rt = chatRuntime(context());
      const runner = requireTmux(rt, 'chatmux chat send');
      if (text.length === 0 && process.stdin.isTTY) throw new UsageError(`give the text (chatmux chat send ${ref} "hello") or pipe it on stdin`);
      const input = text.length > 0 ? text.join(' ') : await readStdin();
      await mapInputErrors(() => getChat(rt.ctx, ref, runner));
      await resumeLostChats(rt);
      await mapInputErrors(() => sendToChat(runner, rt.ctx, ref, input, { enter: opts.enter }));
    });

  // close and archive: same shape, different domain call.
  const stoppers = [
    ['close', "stop the chat's process and keep the chat (it starts fresh next time it is opened)", closeChat],
    ['archive', 'stop the chat and hide it for good (chat list --all still shows it)', archiveChat],
  ] as const;
  for (const [verb, description, stop] of stoppers) {
    chat
      .command(verb)
      .description(description)
      .argument('<ref>', 'the chat')
      .addHelpText('after', example([`chatmux chat ${verb} chat-3`]))
      .action(async (ref) => {
        checkRef(ref);
        const rt = chatRuntime(context());
        await mapInputErrors(() => stop(requireTmux(rt, `chatmux chat ${verb}`), rt.ctx, ref));
      });
  }

  chat
    .command('rename')
    .description('give a chat a new name (and role)')
    .argument('<ref>', 'the chat')
    .argument('<name>', 'the new name')
    .option('--role <role>', 'a new role')
    .addHelpText('after', example(['chatmux chat rename chat-3 "API review" --role reviewer']))
    .action(async (ref, name, opts) => {
      checkRef(ref);
      const rt = chatRuntime(context());
      await mapInputErrors(() => renameChat(requireTmux(rt, 'chatmux chat rename'), rt.ctx, ref, name, opts.role));
    });

  chat
    .command('log')
    .description('print the chat\'s output log as the text the pane showed (cursor movement applied, escape sequences removed), or its stderr log')
    .argument('<ref>', 'the chat')
    .option('--stderr', 'the agent\'s stderr log instead')
    .option('--raw', 'output log bytes as recorded (with escape sequences)')
    .option('-f, --follow', 'keep printing what is appended (each line once the output has moved past it); brings back a lost chat first')
    .addHelpText('after', example(['chatmux chat log chat-3 -f', 'chatmux chat log chat-3 --stderr']))
    .action(async (ref, opts) => {
      checkRef(ref);
      const rt = chatRuntime(context());
      const chat = await mapInputErrors(() => getChat(rt.ctx, ref));
      // Following a chat whose session was lost would wait for output that never comes.
      if (opts.follow) await resumeLostChats(rt);
      const files = chatFiles(rt.ctx, ref);
      const file = opts.stderr ? files.stderrLog : files.outputLog;
      const out = opts.stderr || opts.raw ? rawSink() : await screenSink(rt, chat, opts.follow === true);
      let pos = 0;
      const readMore = (): void => {
        let size = 0;
        try {
          size = fs.statSync(file).size;
        } catch {
          return;
        }
        if (size < pos) pos = 0; // rotated
        if (size === pos) return;
        const fd = fs.openSync(file, 'r');
        const buf = Buffer.alloc(size - pos);
        fs.readSync(fd, buf, 0, buf.length, pos);
        fs.closeSync(fd);
        pos = size;
        out.write(buf);
      };
      if (!fs.existsSync(file) && !opts.follow) {
        process.stderr.write(`chatmux: ${ref} has no ${opts.stderr ? 'stderr' : 'output'} log yet (${escapeControls(file)})\n`);
        return;
      }
      readMore();
      if (!opts.follow) return out.end();
      await new Promise<never>(() => setInterval(readMore, 250));
    });

}
