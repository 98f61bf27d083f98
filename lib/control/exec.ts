/**
 * One-shot tmux calls for the CLI and for work that needs no session. The command is
 * written to `tmux start-server ; source-file -` on stdin, quoted exactly like a
 * control-mode line: one quoting function for both transports, and nothing the user
 * typed (or a secret passed with -e) ever appears in a process's argv.
 */
import { spawn } from 'node:child_process';
import { commandLine } from './quote';
import { TmuxCommandError, TmuxNotFoundError } from './errors';
import { serverArgs, tmuxEnv, type TmuxServerOptions } from './server';

/** Anything that runs one tmux command and returns its output lines. */
export interface TmuxRunner {
  run(args: readonly string[]): Promise<string[]>;
  /** Several commands in order, in one round trip where the transport allows (their output is dropped). */
  runAll?(commands: readonly (readonly string[])[]): Promise<void>;
}

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run the tmux binary with fixed argv (never user text); never throws for a non-zero exit. */
export function execTmuxRaw(server: TmuxServerOptions, argv: readonly string[], input?: Buffer | string, baseEnv: NodeJS.ProcessEnv = process.env): Promise<ExecResult> {
  const bin = server.tmuxPath ?? 'tmux';
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...serverArgs(server), ...argv], { env: tmuxEnv(baseEnv, server.dropEnv, server.keepEnv), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new TmuxNotFoundError(bin));
      else reject(e);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Runs tmux with argv (after the binary and server flags), `input` on its stdin. */
export type RawExec = (argv: readonly string[], input: string, env: NodeJS.ProcessEnv) => Promise<ExecResult>;

/** Runs each command as its own short-lived `tmux` process (starting the server if needed). */
export class TmuxCli implements TmuxRunner {
  constructor(
    readonly server: TmuxServerOptions,
    private readonly clientEnv: NodeJS.ProcessEnv = process.env,
    /** How a tmux process is started: locally by default, `ssh … tmux …` for a remote host. */
    private readonly exec: RawExec = (argv, input, env) => execTmuxRaw(server, argv, input, env),
  ) {}

  /**
   * The same server, its tmux processes started from `env`. tmux gives a pane made by a
   * command client (not attached to a session) that client's PATH, whatever the session's
   * environment says.
   */
  withClientEnv(env: NodeJS.ProcessEnv): TmuxCli {
    return new TmuxCli(this.server, env, this.exec);
  }

  async run(args: readonly string[]): Promise<string[]> {
    const res = await this.source([args]);
    const text = res.stdout.toString('utf8');
    if (text === '') return [];
    return text.replace(/\n$/, '').split('\n');
  }

  /** One tmux process for all of them (one line each; a failing one does not stop the rest). */
  async runAll(commands: readonly (readonly string[])[]): Promise<void> {
    if (commands.length > 0) await this.source(commands);
  }

  private async source(commands: readonly (readonly string[])[]): Promise<ExecResult> {
    const lines = commands.map((c) => commandLine(c) + '\n').join('');
    const res = await this.exec(['start-server', ';', 'source-file', '-'], lines, this.clientEnv);
    if (res.code !== 0) {
      // source-file prefixes parse errors with "-:1: "; keep tmux's own words otherwise.
      throw new TmuxCommandError(res.stderr.trim().replace(/^-:\d+: /gm, ''), commands[0]?.[0] ?? '');
    }
    return res;
  }
}
