/**
 * Clients of the server: list them, switch one to another session, and the interactive
 * attach of this terminal.
 */
import type { TmuxRunner } from '../exec';
import { argvArg } from '../quote';
import { serverArgs, tmuxEnv, type TmuxServerOptions } from '../server';
import { fieldsFormat, int, splitRow } from './fields';

export interface ClientInfo {
  name: string;
  sessionId: string;
  controlMode: boolean;
  width: number;
  height: number;
  pid: number;
  activity: number;
}

const CLIENT_FIELDS = ['client_name', 'session_id', 'client_control_mode', 'client_width', 'client_height', 'client_pid', 'client_activity'];

/** Every client attached to the server (terminals and control-mode clients). */
export async function listClients(r: TmuxRunner): Promise<ClientInfo[]> {
  const lines = await r.run(['list-clients', '-F', fieldsFormat(CLIENT_FIELDS)]);
  return lines.filter((l) => l !== '').map((l) => {
    const p = splitRow(l, CLIENT_FIELDS.length);
    return { name: p[0]!, sessionId: p[1]!, controlMode: p[2] === '1', width: int(p[3]), height: int(p[4]), pid: int(p[5]), activity: int(p[6]) };
  });
}

/** Show `session` in a client (the given one, else the one running this command). */
export async function switchClient(r: TmuxRunner, session: string, client?: string): Promise<void> {
  const args = ['switch-client'];
  if (client) args.push('-c', client);
  args.push('-t', session);
  await r.run(args);
}

/**
 * How to run `tmux attach-session -t TARGET` on the current terminal: a plain client needs
 * the tty, so it cannot go through a runner. $TMUX is dropped so it also works from inside
 * another tmux (no "sessions should be nested with care").
 */
export function attachProcess(server: TmuxServerOptions, target: string): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { file: server.tmuxPath ?? 'tmux', args: [...serverArgs(server), 'attach-session', '-t', argvArg(target)], env: tmuxEnv(process.env, server.dropEnv) };
}
