/**
 * The conversation a nex chat holds with its model: the turns so far, kept in step with the
 * transcript file, and one turn at a time streamed from the endpoint. The REPL (repl.ts) owns
 * the terminal and the input; this module owns what the model is told and what is recorded.
 */
import { streamChat } from './client';
import type { Endpoint } from './endpoint';
import { NexError } from './errors';
import { printable } from './terminal-output';
import { appendClear, appendTurn, buildMessages, readTranscript, type Turn } from './transcript';

export interface ConversationOptions {
  endpoint: Endpoint;
  model: string;
  apiKey?: string;
  keyVar?: string;
  transcriptPath?: string;
  system?: string;
  resume?: boolean;
  /**
   * Continue the transcript's conversation as it is, without clearing it and without a banner
   * when it is empty (a chat's first launch: a turn `chatmux ask` recorded before this process
   * started must not be wiped by it).
   */
  continueTranscript?: boolean;
  timeoutMs?: number;
  /** How many earlier turns --resume prints (default 3). */
  resumeShow?: number;
}

export class Conversation {
  private turns: Turn[] = [];
  /**
   * While the file holds everything we hold, it is the source of truth: reloading it before each
   * turn picks up turns that `chatmux ask` added to this chat meanwhile.
   */
  private inSync: boolean;

  /** Resume the transcript's conversation or start a new one; `say` prints, `showError` reports one line. */
  constructor(
    private readonly o: ConversationOptions,
    private readonly say: (text: string) => void,
    private readonly showError: (line: string) => void,
  ) {
    this.inSync = !!o.transcriptPath;
    if (!o.transcriptPath) return;
    try {
      const state = readTranscript(o.transcriptPath);
      if (o.resume || o.continueTranscript) {
        this.turns = state.turns;
        if (o.resume || this.turns.length > 0) showResumed(this.turns, o.transcriptPath, o.resumeShow ?? 3, say);
        if (state.skipped > 0) showError(`skipped ${state.skipped} unreadable line(s) in ${o.transcriptPath}`);
      } else if (state.turns.length > 0) {
        appendClear(o.transcriptPath); // a fresh start must not resume the old conversation later
      }
    } catch (e) {
      this.inSync = false;
      showError(`cannot read transcript ${o.transcriptPath}: ${(e as Error).message}`);
    }
  }

  /** The user's messages, newest first, each on one line (for readline's history). */
  history(): string[] {
    return this.turns.map((t) => t.user.replace(/\n/g, ' ')).reverse();
  }

  /** /clear: the model forgets the earlier turns. */
  clear(): void {
    this.turns = [];
    if (!this.o.transcriptPath) return;
    try {
      appendClear(this.o.transcriptPath);
    } catch (e) {
      this.inSync = false;
      this.showError(`cannot write transcript ${this.o.transcriptPath}: ${(e as Error).message}`);
    }
  }

  /** Send `text`, print the reply as it streams, keep the completed turn. Failures are reported, never thrown. */
  async turn(text: string, signal: AbortSignal): Promise<void> {
    const o = this.o;
    if (o.transcriptPath && this.inSync) {
      try {
        this.turns = readTranscript(o.transcriptPath).turns;
      } catch {
        this.inSync = false; // keep going with what we have in memory
      }
    }
    let printed = false;
    try {
      const reply = await streamChat({
        endpoint: o.endpoint,
        model: o.model,
        apiKey: o.apiKey,
        keyVar: o.keyVar,
        messages: buildMessages(this.turns, text, o.system),
        timeoutMs: o.timeoutMs,
        signal,
        onToken: (t) => {
          printed = true;
          this.say(printable(t));
        },
      });
      this.say(reply.text.endsWith('\n') ? '' : '\n');
      const done: Turn = { user: text, assistant: reply.text, model: o.model };
      this.turns.push(done);
      if (o.transcriptPath) {
        try {
          appendTurn(o.transcriptPath, done);
        } catch (e) {
          this.inSync = false;
          this.showError(`cannot write transcript ${o.transcriptPath}: ${(e as Error).message} (the turn is kept in memory only)`);
        }
      }
    } catch (e) {
      if (printed) this.say('\n');
      if (e instanceof NexError && e.kind === 'cancelled') this.say('(reply cancelled; it is not kept in the conversation)\n');
      else this.showError(e instanceof Error ? e.message : String(e));
    }
  }
}

function showResumed(turns: Turn[], file: string, show: number, say: (t: string) => void): void {
  if (turns.length === 0) return say(`(no earlier turns in ${file}; starting a new conversation)\n`);
  const shown = turns.slice(-show);
  const hidden = turns.length - shown.length;
  say(`── resumed ${turns.length} earlier turn(s) from ${file}${hidden > 0 ? `; last ${shown.length} shown` : ''} ──\n`);
  for (const t of shown) {
    say(printable(`> ${t.user.replace(/\n/g, '\n. ')}\n${t.assistant}${t.assistant.endsWith('\n') ? '' : '\n'}`));
  }
  say('──\n');
}
