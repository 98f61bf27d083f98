/**
 * Every way the UI ends, and the promise `run()` returns: quitting (the exit prompt offers to
 * close the running chats, or leave them), a signal or a hung-up terminal (leave every chat
 * running), and a crash (restore the terminal, log the stack to ui.log, say where it is). Chats
 * live in tmux: nothing here ever stops one unless the user chose to close it.
 */
import * as fs from 'node:fs';
import { ExitDialog, type ExitDecision } from './exit-dialog';
import { chatLabel } from './chat-labels';
import type { Ui } from './ui-context';
import { escapeControls } from '../chat/errors';
import type { NotClosed } from '../chat/live';

/** True when our terminal has hung up (its fd answers EIO). */
function terminalGone(): boolean {
  try {
    // Harmless on a live terminal (bracketed paste off, as on exit); EIO on a dead one.
    fs.writeSync(1, '\x1b[?2004l');
    return false;
  } catch {
    return true;
  }
}

export class AppExit {
  tornDown = false;
  /** Ends `run()` with this exit code. */
  finish!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => (this.finish = resolve));

  constructor(private readonly ui: Ui) {}

  /** Uncaught errors and signals: restore the terminal, leave every chat running. */
  installSafety(): void {
    const state = this.ui.state;
    const log = (line: string) => this.ui.log.write(line);
    const leave = (signal: string) => {
      // A second signal, or one during quitting: stop now (chats live on in tmux).
      if (state.quitting) process.exit(0);
      state.quitting = true;
      log(`received ${signal}: leaving every chat running`);
      state.live?.detachNow();
      if (terminalGone()) {
        // The terminal hung up (SSH drop): node would abort restoring it at exit. Chats are in tmux.
        process.kill(process.pid, 'SIGKILL');
        return;
      }
      this.teardown();
      this.finish(0);
    };
    process.on('SIGHUP', () => leave('SIGHUP'));
    process.on('SIGTERM', () => leave('SIGTERM'));
    let crashed = false;
    const crash = (e: unknown) => {
      log(`fatal: ${(e as Error)?.stack ?? String(e)}`);
      // Once: a terminal that went away makes every later write fail too (EIO).
      if (crashed) return;
      crashed = true;
      const wasQuitting = state.quitting;
      state.quitting = true;
      state.live?.detachNow();
      this.teardown();
      if (!wasQuitting) {
        try {
          process.stderr.write(`chatmux: internal error: ${(e as Error)?.message ?? String(e)}\nDetails are in ${this.ui.log.file}. Every chat is still running; start chatmux again.\n`);
        } catch {
          /* no terminal left */
        }
      }
      this.finish(wasQuitting ? 0 : 1);
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }

  teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    const { chrome } = this.ui;
    try {
      chrome.screen.program.write('\x1b[?2004l');
      chrome.painted.reset();
      chrome.screen.destroy();
    } catch {
      /* already gone */
    }
  }

  quit(): void {
    const state = this.ui.state;
    const live = state.live;
    if (!live) return this.exit({ kind: 'leave-all' });
    // Ask tmux once more first: a chat started elsewhere a moment ago may still read `starting`
    // here, and the prompt must offer to close it too.
    void live.backfill().catch(() => undefined).then(() => {
      if (state.live !== live || state.quitting || state.dialog) return;
      const running = live.list().filter((c) => c.paneId && c.record.state === 'running');
      if (running.length === 0) return this.exit({ kind: 'leave-all' });
      // With several hosts each chat is named with its host, as on the pane borders (two hosts may both have a "build").
      const label = (c: (typeof running)[number]) => (live.hosts.length > 1 ? `${c.host}: ${chatLabel(c)}` : chatLabel(c));
      this.ui.dialogs.open(new ExitDialog(this.ui.chrome.screen, running.map((c) => ({ ref: c.ref, label: label(c), choice: 'leave' })), (d) => this.exit(d)));
    });
  }

  private exit(d: ExitDecision): void {
    const state = this.ui.state;
    if (state.quitting) return;
    state.quitting = true;
    void (async () => {
      const live = state.live;
      let notClosed: NotClosed[] = [];
      try {
        if (live) {
          if (d.kind === 'close-all') notClosed = await live.closeAll();
          else if (d.kind === 'per-chat') notClosed = await live.closeSome(d.close);
          else await live.leaveAll();
        }
      } catch (e) {
        this.ui.log.write(`exit: ${(e as Error).message}`);
      }
      this.teardown();
      // Asked to close, still running (its host was away, its close failed): say so, exit 1.
      if (notClosed.length > 0) {
        const line = `not closed, still running: ${notClosed.map((n) => `${n.name} (${n.why})`).join('; ')}`;
        this.ui.log.write(`exit: ${line}`);
        process.stderr.write(`chatmux: ${escapeControls(line)}\n`);
      }
      this.finish(notClosed.length > 0 ? 1 : 0);
    })();
  }
}
