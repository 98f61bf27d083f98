/**
 * ControlClient: one `tmux -C` connection over plain pipes (no PTY).
 *
 * - Writes nothing until the argv command's (flags 0) block has closed (§1.2).
 * - One command per line, every argument through `commandLine` (the one quoting function);
 *   replies are matched FIFO among flags-1 blocks.
 * - Keeps reading stdout whatever the consumer does; `pause-after` flow control is on by
 *   default and paused panes are reported and resumed with `resume()`.
 * - `%exit`, the process's exit code and stderr become one `closed` event with a reason.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import { ControlParser } from './parser';
import { argvArg, commandLine, formatLiteral } from './quote';
import type { Notification, ParsedMessage, ReplyBlock } from './events';
import { TmuxClosedError, TmuxCommandError, TmuxNotFoundError } from './errors';
import { serverArgs, tmuxEnv, type TmuxServerOptions } from './server';
import { execTmuxRaw, TmuxCli, type TmuxRunner } from './exec';
import { featuresOf, parseTmuxVersion, versionProblem, type TmuxFeatures, type TmuxVersion } from './version';
import { continuePane, listSessions, pausePane, refreshClientFlags } from './commands';

/** A duplex byte stream that speaks the control protocol (a local tmux process, or ssh …). */
export interface ControlTransport {
  stdin: Writable;
  stdout: Readable;
  /** Resolves when the transport has ended, with whatever the process said on stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
  /**
   * The link itself died (an ssh transport: exit 255, or killed), with a reason; null when it
   * was tmux that ended. Asked before the server is, which a dead link cannot reach.
   */
  lost?(code: number | null, stderr: string): string | null;
}

export type ConnectTarget =
  /** `new-session -A -s name`: attach, creating the session if needed. */
  | { newSession: { name: string; command?: readonly string[]; width?: number; height?: number; cwd?: string } }
  /** `attach -t target` (an id or `=name`). */
  | { attach: string };

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
}

export type ClosedReason =
  | 'detached'
  | 'server killed'
  | 'session killed'
  | 'too far behind'
  | 'tmux not found'
  | 'version too old'
  | 'server exited unexpectedly'
  | 'connection lost'
  | string;

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

interface Pending {
  verb: string;
  resolve: (lines: string[], outputSeq: number) => void;
  reject: (err: Error) => void;
}

export class ControlClient extends EventEmitter<ControlClientEvents> implements TmuxRunner {
  private readonly parser: ControlParser;
  private readonly pending: Pending[] = [];
  private readonly outbox: string[] = [];
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
    const client = new ControlClient(transport, o.server, version, o.oneShot);
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
    return new Promise((resolve, reject) => {
      this.pending.push({ verb: args[0]!, resolve: (lines, outputSeq) => resolve({ lines, outputSeq }), reject });
      if (this.state === 'ready') this.transport.stdin.write(line + '\n');
      else this.outbox.push(line);
    });
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
      const p = this.pending.shift();
      if (!p) return void this.emit('unsolicited', block);
      if (block.error) p.reject(new TmuxCommandError(block.lines.join('\n'), p.verb));
      else p.resolve(block.lines, this.outputSeq);
      return;
    }
    if (this.state === 'starting') {
      if (block.error) {
        this.exitReason = block.lines.join('\n') || 'could not attach';
        return;
      }
      this.state = 'ready';
      for (const line of this.outbox.splice(0)) this.transport.stdin.write(line + '\n');
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
    const reason = await this.explainClose(code, stderr, wasReady);
    this.exitReason = reason;
    for (const p of this.pending.splice(0)) p.reject(new TmuxClosedError(reason));
    this.outbox.length = 0;
    this.resolveClosed(reason);
    this.emit('closed', reason);
  }

  /** Turn `%exit [reason]`, the exit code and stderr into one reason a user can read. */
  private async explainClose(code: number | null, stderr: string, wasReady: boolean): Promise<ClosedReason> {
    const said = this.exitReason;
    if (said) {
      if (/too far behind/.test(said)) return 'too far behind';
      if (/server exited unexpectedly/.test(said)) return 'server exited unexpectedly';
      return said; // e.g. "can't find session: =x" from a failed attach
    }
    const err = stderr.trim();
    if (/not found|ENOENT/.test(err) && code === 127) return 'tmux not found';
    if (this.closing) return 'detached';
    if (!wasReady && err) return err;
    const lost = this.transport.lost?.(code, stderr);
    if (lost) return lost;
    // A bare %exit says nothing: ask the server what happened.
    try {
      const sessions = await listSessions(this.oneShot);
      if (sessions.length === 0 && this.sawSessionsChanged) return 'server killed';
      if (this.sessionId && !sessions.some((s) => s.id === this.sessionId)) return 'session killed';
      return 'detached';
    } catch {
      return this.sawSessionsChanged || code === 0 ? 'server killed' : 'connection lost';
    }
  }
}

/** The local tmux's version (`tmux -V`); a missing tmux is a TmuxClosedError. */
export async function readVersion(server: TmuxServerOptions): Promise<TmuxVersion | null> {
  const res = await execTmuxRaw({ ...server, configFile: undefined }, ['-V']).catch((e) => {
    if (e instanceof TmuxNotFoundError) throw new TmuxClosedError(`tmux not found: ${e.message}`);
    throw e;
  });
  return parseTmuxVersion(res.stdout.toString('utf8'));
}

/** The tmux argv (after the binary) of a control client: `-u -L sock [-f conf] -C new-session -A … | attach -t …`. */
export function controlArgs(server: TmuxServerOptions, target: ConnectTarget): string[] {
  const args = [...serverArgs(server), '-C'];
  if ('attach' in target) {
    args.push('attach-session', '-t', argvArg(target.attach));
  } else {
    const t = target.newSession;
    // argv mode: the name is format-expanded and a trailing ';' would split the command.
    args.push('new-session', '-A', '-s', argvSafeName(t.name));
    if (t.width) args.push('-x', String(t.width));
    if (t.height) args.push('-y', String(t.height));
    if (t.cwd) args.push('-c', argvArg(formatLiteral(t.cwd)));
    if (t.command && t.command.length > 0) args.push('--', ...t.command.map(argvArg));
  }
  return args;
}

/** Spawn the local tmux control client over pipes. */
export function spawnTransport(server: TmuxServerOptions, target: ConnectTarget): ControlTransport {
  return processTransport(server.tmuxPath ?? 'tmux', controlArgs(server, target), tmuxEnv(process.env, server.dropEnv, server.keepEnv));
}

/** Any process that speaks the control protocol on its stdin/stdout (tmux itself, or ssh … tmux -C). */
export function processTransport(file: string, args: readonly string[], env: NodeJS.ProcessEnv): ControlTransport {
  const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const errChunks: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => errChunks.push(b));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let done = false;
    const finish = (code: number | null, extra = '') => {
      if (done) return;
      done = true;
      resolve({ code, stderr: Buffer.concat(errChunks).toString('utf8') + extra });
    };
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT' ? 127 : null, e.code === 'ENOENT' ? `${file} not found (ENOENT)` : e.message));
    child.on('close', (code) => finish(code));
  });
  return { stdin: child.stdin, stdout: child.stdout, exited, kill: () => child.kill('SIGTERM') };
}

/** View-session names are ours (no user text); still refuse anything tmux would reinterpret. */
function argvSafeName(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new TypeError(`control session name must be [A-Za-z0-9_-]: ${JSON.stringify(name)}`);
  return name;
}
