/**
 * Where a UI's chats live (issue 14.3): this machine's chatmux tmux server, or the one on an
 * ssh destination. A host says how to open its control connection and where its chat list
 * comes from; LiveChats does the rest the same way for both.
 *
 * A remote host's chats are read from tmux (the `@chatmux-*` session options every chat
 * carries), never from files here: the registry and logs stay on the remote. Changes that
 * must write the remote registry (new, close, archive, rename) run the remote's own chatmux.
 */
import type { ControlClient } from '../control/client';
import type { ConnectTarget } from '../control/transport';
import { ControlClient as Client } from '../control/client';
import type { TmuxRunner } from '../control/exec';
import { TmuxCli } from '../control/exec';
import type { TmuxServerOptions } from '../control/server';
import type { TmuxVersion } from '../control/version';
import { CONTROL_KEEPALIVE, SshError, sshFailure, splitCommandLine, type SshHost } from '../control/ssh';
import { connectOverSsh, execSsh, sshTmuxCli } from '../control/ssh-transport';
import { makeChatContext, type ChatContext } from './context';
import { isNexCommand, remoteProgram, runRemoteChatmux } from './remote-chatmux';
import { chatServerOptions } from './tmux-server';

export interface ChatHost {
  /** 'local', or the ssh destination as the user wrote it. */
  readonly name: string;
  /** The ssh destination; null for this machine. */
  readonly ssh: SshHost | null;
  /** The project and state dir whose chats are shown (paths on that host). */
  readonly ctx: ChatContext;
  readonly server: TmuxServerOptions;
  /** One-shot tmux commands on the host's server. */
  cli(): TmuxRunner;
  /**
   * The control connection (a remote one has its own ssh link and fast keep-alives). `version`:
   * this machine's `tmux -V`, read ahead while other calls ran (a remote host ignores it).
   */
  connect(target: ConnectTarget, version?: Promise<TmuxVersion | null>): Promise<ControlClient>;
  /**
   * Run the host's chatmux for this project (remote hosts only): stdout, or an Error with its
   * one line. `secret` goes in on stdin, into that variable there (never in argv).
   */
  chatmux(args: readonly string[], secret?: RemoteSecret | null): Promise<string>;
}

/** An API key for the remote chatmux: the variable's name there and its value from here. */
export interface RemoteSecret {
  name: string;
  value: string;
}

export const LOCAL_HOST_NAME = 'local';

export function localHost(ctx: ChatContext): ChatHost {
  const server = chatServerOptions(ctx);
  return {
    name: LOCAL_HOST_NAME,
    ssh: null,
    ctx,
    server,
    cli: () => new TmuxCli(server),
    connect: (target, version) => Client.connect({ server, target, version }),
    chatmux: () => Promise.reject(new Error('not a remote host')),
  };
}

/**
 * Prints, each ended by a NUL, the remote project's real path: DIR (or the login folder), else
 * its git root — what the remote chatmux itself takes as the project there; its state dir; and
 * `ready` when chatmux has run there before (its tmux.conf is in that state dir). DIR and the
 * state dir given arrive as positional parameters.
 */
const PROBE_SCRIPT = [
  'h=$(pwd -P)',
  'if [ -n "$1" ]; then cd -- "$1" || exit 3; fi',
  'r=$(git rev-parse --show-toplevel 2>/dev/null) && cd -- "$r"',
  'p=$(pwd -P)',
  // A state dir given (--state-dir): as the remote chatmux takes it, relative to the login folder.
  'case $2 in "") s=$p/.chatmux ;; /*) s=$2 ;; *) s=$h/$2 ;; esac',
  'printf "%s\\0%s\\0" "$p" "$s"',
  'if [ -f "$s/tmux.conf" ]; then printf "ready\\0"; fi',
].join('\n');

/**
 * A remote host for the UI. `project` is the project folder on the remote (default: the login
 * folder or its git root, as for `chatmux --host`); its state dir is `stateDir` (a path there)
 * or `<project>/.chatmux`. `notice` gets the one line saying chatmux (and Node.js) is being
 * copied there, when it must be (the UI's status line).
 */
export async function sshChatHost(ssh: SshHost, socket: string, project: string | null, env: NodeJS.ProcessEnv = process.env, stateDir: string | null = null, notice: (line: string) => void = () => {}): Promise<ChatHost> {
  const res = await execSsh(ssh, ['sh', '-c', PROBE_SCRIPT, 'chatmux-probe', project ?? '', stateDir ?? '']);
  const failure = sshFailure(ssh.dest, res.code, res.stderr, 'sh');
  if (failure) throw new SshError(failure);
  const [dir = '', state = '', ran] = res.stdout.toString('utf8').split('\0');
  if (res.code !== 0 || !dir.startsWith('/') || !state.startsWith('/')) throw new SshError(`${ssh.dest}: no project folder ${project ?? '(login folder)'} there${res.stderr.trim() ? ` (${res.stderr.trim().split('\n').pop()})` : ''}`);
  const ctx = makeChatContext({ project: dir, stateDir: state, socket, warn: () => {} });
  // chatmux's own config, written there by the remote chatmux (below): should this UI be the
  // one that starts the remote server, it starts it as chatmux would (remain-on-exit, …).
  const server: TmuxServerOptions = { socket, configFile: `${ctx.stateDir}/tmux.conf` };
  const { program, copy } = remoteProgram(env, splitCommandLine);
  const host: ChatHost = {
    name: ssh.dest,
    ssh,
    ctx,
    server,
    cli: () => sshTmuxCli(ssh, server),
    connect: (target) => connectOverSsh(ssh, { server, target }, { share: false, keepAlive: CONTROL_KEEPALIVE, connectTimeout: 10 }),
    chatmux: async (args, secret = null) => {
      await swept;
      // The remote script: one line for a missing chatmux or tmux, a copy of this chatmux where Node.js 20+ is (remote-chatmux.ts).
      const words = ['--socket', socket, '--project', ctx.project, '--state-dir', ctx.stateDir, ...args];
      const r = await runRemoteChatmux({ host: ssh, program, copy, checkTmux: true, nex: isNexCommand('chat', args) }, words, { tty: false, secret, stdin: 'none', stdout: 'capture', notice });
      if (r.code !== 0) throw new Error(`${ssh.dest}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
      return r.stdout.toString('utf8');
    },
  };
  // Writes that config and removes view sessions of UIs cut off earlier. Without chatmux
  // there the UI still shows the chats; actions then say what is missing. The host's other
  // chatmux commands wait for it (one copy of chatmux and Node.js at a time).
  let swept: Promise<unknown> = Promise.resolve();
  swept = host.chatmux(['sweep']).catch(() => {});
  // Where chatmux ran before (its config is there) the chats show now: the sweep, and a first
  // copy of this chatmux (and Node.js: tens of MB, minutes on a slow link) go on meanwhile.
  if (ran !== 'ready') await swept;
  return host;
}
