/**
 * The hosts a UI shows besides this machine (issue 14.3): `chatmux tui --host DEST …` and the
 * hosts file, `$XDG_CONFIG_HOME/chatmux/hosts` (default `~/.config/chatmux/hosts`). One host per
 * line: `DEST [project=DIR] [socket=NAME]`, words split like a shell's (quotes for blanks), `#`
 * starts a comment. DIR is the project folder on that host (default: the login folder, or its
 * git root); NAME its chatmux tmux socket (default: this UI's).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDest, splitCommandLine, SshUsageError } from '../control/ssh';

export interface HostEntry {
  dest: string;
  project: string | null;
  socket: string | null;
}

/** Where the hosts file is: `$XDG_CONFIG_HOME/chatmux/hosts`, default `~/.config/chatmux/hosts`. */
export function hostsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(base, 'chatmux', 'hosts');
}

/** The line without its comment: a '#' at its start or after a blank, outside quotes. */
function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** The file's hosts; a bad line is an SshUsageError naming the file and line. */
export function parseHostsFile(text: string, file: string): HostEntry[] {
  const out: HostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = withoutComment(raw).trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    let words: string[];
    try {
      words = splitCommandLine(line);
    } catch (e) {
      throw new SshUsageError(`${where}: ${(e as Error).message}`);
    }
    const entry: HostEntry = { dest: '', project: null, socket: null };
    try {
      entry.dest = checkDest(words[0]!);
    } catch (e) {
      throw new SshUsageError(`${where}: ${(e as Error).message}`);
    }
    for (const w of words.slice(1)) {
      const m = /^(project|socket)=(.+)$/s.exec(w);
      if (!m) throw new SshUsageError(`${where}: ${JSON.stringify(w)}: expected project=DIR or socket=NAME`);
      // A control character (NUL above all) could never reach the remote shell: said here, at start.
      if (m[1] === 'project' && /[\x00-\x1f\x7f]/.test(m[2]!)) throw new SshUsageError(`${where}: project=${JSON.stringify(m[2])}: a folder name with a control character`);
      if (m[1] === 'project') entry.project = m[2]!;
      else if (/^[A-Za-z0-9_.-]+$/.test(m[2]!)) entry.socket = m[2]!;
      else throw new SshUsageError(`${where}: socket=${JSON.stringify(m[2])}: letters, digits, '_', '.' and '-' only`);
    }
    out.push(entry);
  });
  return out;
}

function readHostsFile(env: NodeJS.ProcessEnv): HostEntry[] {
  const file = hostsFilePath(env);
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SshUsageError(`${file}: ${(e as Error).message}`);
  }
  return text === null ? [] : parseHostsFile(text, file);
}

/** The file's hosts then `--host` ones, each destination once; no file: only `--host`. */
export function uiHosts(cliDests: readonly string[], env: NodeJS.ProcessEnv = process.env): HostEntry[] {
  const all = [...readHostsFile(env), ...cliDests.map((d) => ({ dest: checkDest(d), project: null, socket: null }))];
  return all.filter((h, i) => all.findIndex((x) => x.dest === h.dest) === i);
}

/**
 * Only the `--host` ones (`chatmux --host DEST` without `tui`), each once: project and socket
 * from `given` (the command line's --project/--socket), else the hosts file's line for that
 * destination, else the login folder and `defaultSocket`.
 */
export function givenHosts(cliDests: readonly string[], given: { project?: string; socket?: string }, defaultSocket: string, env: NodeJS.ProcessEnv = process.env): HostEntry[] {
  if (given.socket !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(given.socket)) throw new SshUsageError(`--socket ${JSON.stringify(given.socket)}: use letters, digits, '.', '_' or '-'`);
  const file = readHostsFile(env);
  const dests = cliDests.map(checkDest).filter((d, i, all) => all.indexOf(d) === i);
  return dests.map((dest) => {
    const line = file.find((h) => h.dest === dest);
    return { dest, project: given.project ?? line?.project ?? null, socket: given.socket ?? line?.socket ?? defaultSocket };
  });
}
