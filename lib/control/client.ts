/**
 * ControlClient: one `tmux -C` connection over plain pipes (no PTY).
 *
 * - Writes nothing until the argv command's (flags 0) block has closed (§1.2).
 * - One command per line, every argument through `commandLine` (the one quoting function);
 *   replies are matched FIFO among flags-1 blocks (command-queue.ts).
 * - Reaches tmux through a transport: the local tmux, or ssh (transport.ts, ssh-transport.ts).
 * - Keeps reading stdout whatever the consumer does; `pause-after` flow control is on by
 *   default and paused panes are reported and resumed with `resume()`.
 * - `%exit`, the process's exit code and stderr become one `closed` event with a reason.
 */
import { EventEmitter } from 'eventemitter3';
import { ControlParser } from './parser';
import { commandLine } from './quote';
import type { Notification, ParsedMessage, ReplyBlock } from './events';
import { TmuxClosedError, TmuxCommandError } from './errors';
import { CommandQueue } from './command-queue';
import type { TmuxServerOptions } from './server';
import { TmuxCli, type TmuxRunner } from './exec';
import { featuresOf, versionProblem, type TmuxFeatures, type TmuxVersion } from './version';
import { continuePane, pausePane, refreshClientFlags } from './commands';
import { explainClose, type ClosedReason } from './close-reason';
import { readVersion, spawnTransport, type ConnectTarget, type ControlTransport } from './transport';

export interface ControlClientOptions {
  server: TmuxServerOptions;
  target: ConnectTarget;
  /** Seconds a pane may lag before tmux pauses it (`pause-after`); null disables flow control. */
  pauseAfter?: number | null;
  /** Use this transport instead of spawning tmux (tests, remote use). */
  transport?: ControlTransport;
  /** One-shot commands on the same server, when it is not the local one (remote use). */
  oneShot?: TmuxRunner;
  /** `tmux -V` already under way (`readVersion`, started while other work ran): not read again. */
  version?: Promise<TmuxVersion | null>;
  /**
   * Where an error thrown by one of your listeners goes. The reader carries on either way;
   * by default the error is thrown again on its own tick (an uncaught exception, as from any
   * Node stream's listener).
   */
  onListenerError?: (err: unknown) => void;
}

const throwLater = (err: unknown): void => queueMicrotask(() => {
  throw err;
});

export type { ClosedReason } from './close-reason';

export interface ControlClientEvents {
  /** Pane bytes (from `%output` or `%extended-output`). */
  output: (paneId: string, data: Buffer) => void;
  /** Every notification, including output. */
  notification: (event: Notification) => void;
  /** tmux stopped sending a pane's output (flow control); call `resume(paneId)` after re-capturing. */
  paused: (paneId: string) => void;
  /** The connection is ready for commands. */
  ready: () => void;
  /** A flags-0 block or an unmatched flags-1 block (hooks, if-shell …). */
  unsolicited: (block: ReplyBlock) => void;
  closed: (reason: ClosedReason) => void;
}

/** One `tmux -C` connection (see the top of this file): `ControlClient.connect()`, then `command()`, the `output` / `notification` / `paused` / `closed` events. */
export class ControlClient extends EventEmitter<ControlClientEvents> implements TmuxRunner {
  private readonly parser: ControlParser;
  private readonly queue = new CommandQueue();
  private state: 'starting' | 'ready' | 'closed' = 'starting';
  private exitReason: string | null = null;
  private closing = false;
  private sawSessionsChanged = false;
  private readonly pausedPanes = new Set<string>();
  /** `pause-after` was accepted: tmux reports lagging panes and takes `-A '%P:pause'`. */
  private flowControlOn = false;
  private closedPromise: Promise<ClosedReason>;
  private resolveClosed!: (r: ClosedReason) => void;
  /**
   * Count of output messages received so far. `%output` never appears inside a block, so
   * the count when a reply closes tells which output the reply already reflects (§9.1).
   */
  outputSeq = 0;
  /** Session this client is attached to (from `%session-changed`). */
  sessionId: string | null = null;
  sessionName: string | null = null;

  private constructor(
    private readonly transport: ControlTransport,
    readonly server: TmuxServerOptions,
    readonly version: TmuxVersion | null,
    /** One-shot commands on the same server (asked why a connection ended). */
    private readonly oneShot: TmuxRunner = new TmuxCli({ ...server, configFile: undefined }),
    private readonly onListenerError: (err: unknown) => void = throwLater,
  ) {
    super();
    this.closedPromise = new Promise((r) => (this.resolveClosed = r));
    this.parser = new ControlParser((m) => this.onMessage(m));
    transport.stdout.on('data', (b: Buffer) => this.parser.push(b));
    transport.stdout.on('error', () => {});
    transport.stdin.on('error', () => {});
    void transport.exited.then((x) => this.onTransportEnd(x.code, x.stderr));
  }

  get features(): TmuxFeatures {
    return featuresOf(this.version ?? { major: 3, minor: 2, patch: '', development: false, raw: '3.2' });
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Resolves with the reason once the connection has ended. */
  get closed(): Promise<ClosedReason> {
    return this.closedPromise;
  }

  /** Panes tmux has paused for this client. */
  get paused(): ReadonlySet<string> {
    return this.pausedPanes;
  }

  /**
   * Flow control is on (`pause-after`, tmux 3.2+): panes can be paused and continued.
   * False when it was turned off (`pauseAfter: null`) or the server refused the flag;
   * then `pause()` does nothing and every pane's output keeps flowing.
   */
  get flowControl(): boolean {
    return this.flowControlOn;
  }

  /** Start tmux (checking it exists and is ≥ 3.2), attach, and wait until commands can be sent. */
  static async connect(o: ControlClientOptions): Promise<ControlClient> {
    let version: TmuxVersion | null = null;
    let transport = o.transport;
    if (!transport) {
      version = await (o.version ?? readVersion(o.server));
      const problem = versionProblem(version);
      if (problem) throw new TmuxClosedError(`version too old: ${problem}`);
      transport = spawnTransport(o.server, o.target);
    }
    const client = new ControlClient(transport, o.server, version, o.oneShot, o.onListenerError);
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        client.off('closed', onClosed);
        resolve();
      };
      const onClosed = (reason: string) => {
        client.off('ready', onReady);
        reject(new TmuxClosedError(reason));
      };
      client.once('ready', onReady);
      client.once('closed', onClosed);
    });
    const pauseAfter = o.pauseAfter === undefined ? 5 : o.pauseAfter;
    if (pauseAfter !== null) {
      // A server without the flag (older than 3.2 behind a transport we could not version)
      // answers with an error: carry on without flow control rather than fail the connection.
      client.flowControlOn = await refreshClientFlags(client, `pause-after=${Math.max(0, Math.round(pauseAfter))}`).then(
        () => true,
        (e: unknown) => {
          if (e instanceof TmuxCommandError) return false;
          throw e;
        },
      );
    }
    return client;
  }

  /** Send one command; resolves with its output lines or rejects with `TmuxCommandError`. */
  command(args: readonly string[]): Promise<string[]> {
    return this.commandAt(args).then((r) => r.lines);
  }

  run(args: readonly string[]): Promise<string[]> {
    return this.command(args);
  }

  /** Like `command`, also giving `outputSeq` at the moment the reply closed. */
  commandAt(args: readonly string[]): Promise<{ lines: string[]; outputSeq: number }> {
    let line: string;
    try {
      line = commandLine(args);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.state === 'closed') return Promise.reject(new TmuxClosedError(this.exitReason ?? 'closed'));
    return this.queue.send(args[0]!, line);
  }

  /**
   * Stop this pane's output to this client (`refresh-client -A '%P:pause'`): tmux drops it
   * for us (other clients are not affected) and says `%pause`. Never `off`, which crashes
   * tmux < 3.7 when output is queued. Resolves false without flow control (nothing paused).
   */
  async pause(paneId: string): Promise<boolean> {
    if (!this.flowControlOn) return false;
    await pausePane(this, paneId);
    return true;
  }

  /**
   * Let a paused pane's output flow again. What it printed while paused is gone: re-capture
   * the pane after this (output that arrives after the capture's reply is newer, §9.1).
   */
  async resume(paneId: string): Promise<void> {
    this.pausedPanes.delete(paneId);
    await continuePane(this, paneId);
  }

  /** Detach cleanly (sessions keep running). Resolves when tmux has gone. */
  async close(): Promise<ClosedReason> {
    if (this.state === 'closed') return this.closedPromise;
    this.closing = true;
    // Closing stdin detaches a control client: tmux prints %exit and exits.
    this.transport.stdin.end();
    const timer = setTimeout(() => this.transport.kill(), 2000);
    const reason = await this.closedPromise;
    clearTimeout(timer);
    return reason;
  }

  /**
   * Events reach listeners from inside the parser: a listener that threw there unwound it and
   * the rest of tmux's chunk was dropped — a reply's `%end` with it, so every later reply went
   * to the wrong command. The throw is caught here and handed on; the parser carries on.
   */
  override emit<T extends EventEmitter.EventNames<ControlClientEvents>>(event: T, ...args: EventEmitter.EventArgs<ControlClientEvents, T>): boolean {
    try {
      return super.emit(event, ...args);
    } catch (err) {
      this.onListenerError(err);
      return true;
    }
  }

  private onMessage(m: ParsedMessage): void {
    if (m.kind === 'block') return this.onBlock(m.block);
    if (m.kind === 'stray') return;
    const ev = m.event;
    switch (ev.type) {
      case 'output':
      case 'extendedOutput':
        this.outputSeq++;
        this.emit('output', ev.paneId, ev.data);
        break;
      case 'pause':
        this.pausedPanes.add(ev.paneId);
        this.emit('paused', ev.paneId);
        break;
      case 'continue':
        this.pausedPanes.delete(ev.paneId);
        break;
      case 'exit':
        if (ev.reason !== null || this.exitReason === null) this.exitReason = ev.reason;
        break;
      case 'sessionsChanged':
        this.sawSessionsChanged = true;
        break;
      case 'sessionChanged':
        this.sessionId = ev.sessionId;
        this.sessionName = ev.name;
        break;
    }
    this.emit('notification', ev);
  }

  private onBlock(block: ReplyBlock): void {
    if (block.flags === 1) {
      if (!this.queue.reply(block, this.outputSeq)) this.emit('unsolicited', block);
      return;
    }
    if (this.state === 'starting') {
      if (block.error) {
        this.exitReason = block.lines.join('\n') || 'could not attach';
        return;
      }
      this.state = 'ready';
      this.queue.open((data) => this.transport.stdin.write(data));
      this.emit('ready');
      return;
    }
    this.emit('unsolicited', block);
  }

  private async onTransportEnd(code: number | null, stderr: string): Promise<void> {
    if (this.state === 'closed') return;
    this.parser.end();
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    const reason = await explainClose({
      said: this.exitReason,
      code,
      stderr,
      closing: this.closing,
      wasReady,
      sawSessionsChanged: this.sawSessionsChanged,
      sessionId: this.sessionId,
      transport: this.transport,
      oneShot: this.oneShot,
    });
    this.exitReason = reason;
    this.queue.fail(reason);
    this.resolveClosed(reason);
    this.emit('closed', reason);
  }
}
