/**
 * The interactive nex chat: readline with history, tokens printed as they arrive, one readable
 * error line per failure (and the chat goes on), Ctrl+C cancels the reply in progress.
 *
 * Input: a line is one message. A line ending in `\` continues on the next line. On a terminal,
 * nex turns on bracketed paste: a paste (or `chatmux chat send` of a multi-line text) arrives
 * between ESC[200~ and ESC[201~ and is one message, its last line left for editing until Enter.
 * Terminals that do not mark pastes: lines that arrive within a few milliseconds of each other
 * are one message. Slash commands: /help, /clear, /exit.
 */
import * as readline from 'node:readline';
import { Conversation, type ConversationOptions } from './conversation';
import { oneLine, redact } from './errors';
import { logError } from './log';
import { mutableOutput, printable } from './terminal-output';

export interface ReplOptions extends ConversationOptions {
  /** Error lines are appended here too (the chat's stderr.log). */
  logFile?: string;
  /** Size at which logFile is rotated (default 4 MiB). */
  logMaxBytes?: number;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  errorOutput?: NodeJS.WritableStream;
  /** Treat input as a terminal (line editing, Ctrl+C as a key). Default: input.isTTY. */
  terminal?: boolean;
  /** Lines closer together than this are one pasted message (terminal only; default 25 ms). */
  pasteWindowMs?: number;
  /** Told when a turn starts (working) and when the prompt is back (idle): agent state, issue 13. */
  onState?: (state: 'working' | 'idle') => void;
}

export interface Repl {
  /** Resolves when the chat ends (/exit or end of input), after the reply in progress. */
  done: Promise<void>;
  /** Ctrl+C: cancel the reply in progress, or drop the half-typed input. */
  interrupt(): void;
}

const HELP = [
  'Type a message and press Enter. End a line with \\ to continue on the next line.',
  '  /clear   start a new conversation (the model forgets the earlier turns)',
  '  /exit    leave (Ctrl+D too)',
  '  /help    this text',
  'Ctrl+C cancels the reply in progress; the chat goes on.',
].join('\n');

const COMMAND = /^\/([a-z]+)$/;
const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

export function runRepl(o: ReplOptions): Repl {
  const input = o.input ?? process.stdin;
  const output = o.output ?? process.stdout;
  const errorOutput = o.errorOutput ?? process.stderr;
  const terminal = o.terminal ?? (input as NodeJS.ReadStream).isTTY === true;
  const pasteWindow = terminal ? (o.pasteWindowMs ?? 25) : 0;
  const say = (text: string): void => void output.write(text);

  const showError = (line: string): void => {
    const safe = printable(oneLine(redact(line, o.apiKey)));
    errorOutput.write(`error: ${safe}\n`);
    logError(o.logFile, safe, o.logMaxBytes);
  };

  // --- history: resume or start a new conversation --------------------------------------
  const conversation = new Conversation(o, say, showError);
  const keyNote = o.apiKey ? `key from $${o.keyVar ?? '?'}` : 'no API key';
  say(`nex: ${o.model} at ${o.endpoint.base} (${keyNote})\n/help for help · Ctrl+C cancels a reply · /exit leaves\n`);

  // While a reply streams, readline's echo of what the user types would land inside the reply:
  // mute readline then, and let the next prompt redraw the typed line.
  let muted = false;
  const rlOutput = terminal ? mutableOutput(output, () => muted) : output;
  const rl = readline.createInterface({
    input,
    output: rlOutput,
    terminal,
    prompt: '> ',
    historySize: 1000,
    // Newest first; multi-line messages are recalled as one line.
    history: conversation.history(),
  });

  // --- input assembly -----------------------------------------------------------------
  let buffer: string[] = [];
  /** Lines of the message being assembled that readline put in its history (it skips blank ones). */
  let historyLines = 0;
  let pasteTimer: NodeJS.Timeout | null = null;
  /** Inside a bracketed paste: its line breaks join lines instead of sending them. */
  let pasting = false;
  if (terminal) {
    // readline turns ESC[200~ / ESC[201~ into these keys (and inserts nothing for them).
    input.on('keypress', (_s: string, key?: { name?: string }) => {
      if (key?.name === 'paste-start') pasting = true;
      else if (key?.name === 'paste-end') pasting = false;
    });
    output.write(BRACKETED_PASTE_ON);
  }
  /** Messages waiting for the model; `typedWhileBusy` ones were never shown on screen. */
  const queue: Array<{ text: string; typedWhileBusy: boolean }> = [];
  let busy = false;
  let inputClosed = false;
  let exiting = false;
  let current: AbortController | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  rl.on('line', (line) => {
    if (exiting) return;
    if (pasteTimer) clearTimeout(pasteTimer);
    pasteTimer = null;
    if (line.trim()) historyLines++;
    if (line.endsWith('\\') || pasting) {
      buffer.push(pasting ? line : line.slice(0, -1));
      if (!busy) {
        rl.setPrompt('. ');
        rl.prompt(true);
      }
      return;
    }
    buffer.push(line);
    if (pasteWindow > 0) pasteTimer = setTimeout(submitBuffer, pasteWindow);
    else submitBuffer();
  });
  rl.on('close', () => {
    inputClosed = true;
    if (pasteTimer) {
      clearTimeout(pasteTimer);
      submitBuffer();
    }
    if (!busy) finish();
  });
  rl.on('SIGINT', () => interrupt());

  function submitBuffer(): void {
    pasteTimer = null;
    const text = buffer.join('\n');
    if (terminal && historyLines > 1) recallAsOne(historyLines, text);
    historyLines = 0;
    buffer = [];
    rl.setPrompt('> ');
    if (!text.trim()) {
      if (!busy && !inputClosed) rl.prompt(true);
      return;
    }
    queue.push({ text, typedWhileBusy: terminal && busy });
    void work();
  }

  /** readline kept each line of a multi-line message; keep the message as one history entry instead. */
  function recallAsOne(lines: number, text: string): void {
    const history = (rl as unknown as { history?: string[] }).history;
    if (!Array.isArray(history)) return;
    history.splice(0, Math.min(lines, history.length), text.replace(/\n/g, ' '));
  }

  async function work(): Promise<void> {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !exiting) {
      const { text, typedWhileBusy } = queue.shift()!;
      if (typedWhileBusy) say(`> ${text.replace(/\n/g, '\n. ')}\n`);
      const cmd = COMMAND.exec(text.trim());
      if (cmd) command(cmd[1]);
      else {
        muted = true;
        o.onState?.('working');
        current = new AbortController();
        try {
          await conversation.turn(text, current.signal);
        } finally {
          current = null;
          muted = false;
        }
      }
    }
    busy = false;
    o.onState?.('idle');
    if (exiting || inputClosed) finish();
    else rl.prompt(true);
  }

  function command(name: string): void {
    if (name === 'exit' || name === 'quit') {
      exiting = true;
      return;
    }
    if (name === 'help') return say(HELP + '\n');
    if (name === 'clear') {
      conversation.clear();
      if (terminal) say('\x1b[2J\x1b[H');
      return say('(conversation cleared: the model starts afresh)\n');
    }
    showError(`unknown command /${name} (try /help)`);
  }

  function interrupt(): void {
    if (current) return void current.abort();
    if (pasteTimer) clearTimeout(pasteTimer);
    pasteTimer = null;
    const hadInput = buffer.length > 0 || rl.line.length > 0;
    buffer = [];
    historyLines = 0;
    if (terminal) Object.assign(rl as unknown as { line: string; cursor: number }, { line: '', cursor: 0 });
    rl.setPrompt('> ');
    say(hadInput ? '^C\n' : '\n(Ctrl+C cancels a reply; type /exit or press Ctrl+D to leave)\n');
    if (!busy && !inputClosed) rl.prompt(true);
  }

  let finished = false;
  function finish(): void {
    if (finished) return;
    finished = true;
    if (terminal) output.write(BRACKETED_PASTE_OFF);
    current?.abort();
    rl.close();
    resolveDone();
  }

  rl.prompt(true);
  return { done, interrupt };
}
