/**
 * Reaching a tmux on another machine through the user's own ssh (so ~/.ssh/config, the agent,
 * keys and ProxyJump apply). ssh hands the remote command to the remote user's shell as ONE
 * string, so every word is quoted for a POSIX shell here (`shellQuote`), on top of whatever
 * tmux itself needs. Nothing secret is ever put in a command line: secrets travel inside the
 * stdin / control stream.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellQuote } from './commands';

/** Bad input about a remote host (a destination, CHATMUX_SSH, a quoted command line): exit 2. */
export class SshUsageError extends Error {
  override name = 'SshUsageError';
}

/** A connection-level failure (ssh exit 255, or the remote shell missing a program): one line. */
export class SshError extends Error {
  override name = 'SshError';
}

/**
 * A remote command line from words, each quoted for a POSIX shell by the one shell-quoting
 * function (commands/program.ts `shellQuote`); plain words stay bare so `ps` on the remote is readable.
 */
export function shellCommand(words: readonly string[]): string {
  return words
    .map((w) => {
      if (w.includes('\0')) throw new SshUsageError('a NUL byte cannot be passed through ssh');
      return /^[A-Za-z0-9_@%+:,./-]+$/.test(w) ? w : shellQuote(w);
    })
    .join(' ');
}

/**
 * Split a command line into words like GIT_SSH_COMMAND / a shell would for plain text:
 * blanks separate, '…' is literal, "…" allows \" \\ \$ \`, a backslash outside quotes escapes
 * the next character. No expansion of any kind.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new SshUsageError(`unmatched ' in ${JSON.stringify(line)}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        cur += line[j];
      }
      if (j >= line.length) throw new SshUsageError(`unmatched " in ${JSON.stringify(line)}`);
      i = j;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

export interface SshHost {
  /** What ssh accepts as destination: an alias, user@host, ssh://user@host:port. */
  dest: string;
  /** The ssh program and its own arguments (from CHATMUX_SSH, default `ssh`). */
  ssh: readonly string[];
  /** Private folder for connection-sharing sockets; null disables sharing. */
  controlDir: string | null;
}

/**
 * A destination ssh cannot take as an option and that holds no blank, control character or
 * shell metacharacter: ssh before 9.6 put the user and host names as given into ProxyCommand's
 * and Match exec's %r/%h, run by a shell (CVE-2023-51385); a host part starting with '-' is an
 * option to a ProxyCommand like `nc %h %p`.
 */
export function checkDest(dest: string): string {
  const bare = dest.replace(/^ssh:\/\//, '');
  const host = bare.replace(/^.*@/, '');
  if (dest === '' || bare.startsWith('-') || host.startsWith('-') || /[\s\x00-\x1f\x7f'"`;&<>|(){}]/.test(dest) || /[$\\]/.test(host)) {
    throw new SshUsageError(`--host ${JSON.stringify(dest)}: not an ssh destination (an alias, user@host or ssh://user@host:port)`);
  }
  // ssh answers a bad URI with its usage text: said here instead, as bad input.
  const uri = dest.startsWith('ssh://') ? /^ssh:\/\/(?:([^@/]+)@)?(\[[^\]/]+\]|[^:@/[\]]+)(?::(\d*))?$/.exec(dest) : null;
  if (dest.startsWith('ssh://') && (!uri || (uri[3] && !(Number(uri[3]) >= 1 && Number(uri[3]) <= 65535)))) {
    throw new SshUsageError(`--host ${JSON.stringify(dest)}: not an ssh:// destination (ssh://[user@]host[:port], the port 1 to 65535, no path)`);
  }
  return dest;
}

/**
 * The folder for ssh's ControlPath sockets: CHATMUX_SSH_CONTROL_DIR, else
 * $XDG_RUNTIME_DIR/chatmux-ssh, else <tmp>/chatmux-ssh-<uid>; made 0700 and refused when
 * another user owns it (a socket there would hand them our authenticated connection).
 */
export function controlDirFor(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  const dir = env.CHATMUX_SSH_CONTROL_DIR ?? (env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'chatmux-ssh') : path.join(os.tmpdir(), `chatmux-ssh-${uid}`));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new SshError(`${dir}: not a private folder of this user (ssh connection sharing needs one; set CHATMUX_SSH_CONTROL_DIR)`);
  }
  return dir;
}

/** The host from --host / CHATMUX_HOST and CHATMUX_SSH. */
export function sshHostFrom(dest: string, env: NodeJS.ProcessEnv = process.env): SshHost {
  const ssh = env.CHATMUX_SSH ? splitCommandLine(env.CHATMUX_SSH) : ['ssh'];
  if (ssh.length === 0) throw new SshUsageError('CHATMUX_SSH is empty');
  return { dest: checkDest(dest), ssh, controlDir: controlDirFor(env) };
}

/**
 * The same host for a program that owns the terminal (the UI): ssh must never ask there for a
 * password, a key's passphrase or a new host key — its prompt would draw over the screen and
 * take the keys typed into a chat. It fails instead, with a line saying what to do (an agent,
 * known_hosts). A BatchMode the user's CHATMUX_SSH sets itself comes first and wins.
 */
export function nonInteractive(host: SshHost): SshHost {
  return { ...host, ssh: [...host.ssh, '-o', 'BatchMode=yes'] };
}

/** ssh keep-alives: a probe every `interval` s, the link declared dead after `count` unanswered ones. */
export interface KeepAlive {
  interval: number;
  count: number;
}

/** One-shot commands: a hung link is noticed within ~15 s. */
export const DEFAULT_KEEPALIVE: KeepAlive = { interval: 5, count: 3 };
/**
 * A UI's control connection: a probe every 2 s, dead after 4 unanswered (~8–10 s after the
 * last byte), so its panes say "reconnecting" well inside 15 s of a hang, even under load.
 */
export const CONTROL_KEEPALIVE: KeepAlive = { interval: 2, count: 4 };

export interface SshArgvOptions {
  tty?: boolean;
  keepAlive?: KeepAlive;
  /** Seconds to wait for the TCP connection (ssh's default is the system's, minutes). */
  connectTimeout?: number;
  /**
   * false: a connection of its own (no ControlMaster), so its keep-alives judge this link
   * alone and killing its ssh process ends exactly it. A UI's long-lived control connection
   * uses one; one-shot commands share the master (one handshake for many).
   */
  share?: boolean;
}

/**
 * argv for `ssh … DEST <remote words>`: keep-alives (a hung link is noticed), connection
 * sharing (one handshake for many short commands) unless `share: false`, -T or -t.
 */
export function sshArgv(host: SshHost, remoteWords: readonly string[], o: SshArgvOptions = {}): string[] {
  const ka = o.keepAlive ?? DEFAULT_KEEPALIVE;
  const args = [...host.ssh, '-o', `ServerAliveInterval=${ka.interval}`, '-o', `ServerAliveCountMax=${ka.count}`];
  if (o.connectTimeout) args.push('-o', `ConnectTimeout=${o.connectTimeout}`);
  if (o.share === false) {
    args.push('-o', 'ControlMaster=no', '-o', 'ControlPath=none');
  } else if (host.controlDir) {
    // %C is a hash of the connection's parameters: short enough for a socket path.
    args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${path.join(host.controlDir, '%C')}`, '-o', 'ControlPersist=60');
  }
  args.push(o.tty ? '-t' : '-T', '--', host.dest, shellCommand(remoteWords));
  return args;
}

/**
 * ssh's own notices that say nothing about the command: two chatmux processes opening the first
 * shared connection at once (one of them goes without sharing), a terminal session's goodbye.
 */
export function withoutSshNotices(stderr: string): string {
  return stderr.replace(/^(ControlSocket .* already exists, disabling multiplexing|Connection to .* closed\.)\r?\n/gm, '');
}

export const TMUX_INSTALL_HINT = 'install tmux 3.2 or newer there (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)';

/** One line for a remote tmux too old (or unreadable) to run chats: `problem` from versionProblem. */
export function remoteTmuxProblem(dest: string, problem: string): string {
  return `${dest}: ${problem} on the remote: ${TMUX_INSTALL_HINT}`;
}

/**
 * One line for a failed ssh (exit 255) or remote shell: what went wrong and what to do.
 * `program` is the remote program that was run (for "not found", with `installHint`).
 */
export function sshFailure(dest: string, code: number | null, stderr: string, program = 'tmux', installHint = TMUX_INSTALL_HINT): string | null {
  const text = stderr.trim();
  const last = text.split('\n').filter((l) => l.trim() !== '').pop()?.trim() ?? '';
  // The remote shell's "not found" (sh, bash, zsh, fish word it differently; all exit 127).
  if (code === 127 && text.includes(program) && /not found|No such file|Unknown command/i.test(text)) {
    return `${dest}: no ${program} on the remote: ${installHint}`;
  }
  if (code !== 255) return null;
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(text)) return `${dest}: unknown host (${last})`;
  if (/No \S+ host key is known for/i.test(text)) return `${dest}: its host key is not in known_hosts yet: run ssh ${dest} once in a terminal to check and accept it`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key .* (differs|mismatch)/i.test(text)) {
    return `${dest}: the host key does not match known_hosts (possible man-in-the-middle, or the host was reinstalled): check it, then fix known_hosts (ssh-keygen -R)`;
  }
  if (/Permission denied|Too many authentication failures|authentication/i.test(text)) return `${dest}: ssh authentication failed (${last}): check your key or ssh-agent`;
  if (/Connection refused/i.test(text)) return `${dest}: connection refused (${last}): is sshd running there, on that port?`;
  if (/timed out|No route to host|Network is unreachable/i.test(text)) return `${dest}: unreachable (${last})`;
  return `${dest}: ssh failed${last ? ` (${last})` : ''}`;
}
