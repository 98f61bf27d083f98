/**
 * A throwaway project folder with its own chat context on a private tmux socket, for tests
 * that drive LiveChats directly. `removeChatProjects()` deletes the folders (servers are
 * killed with `killAllTestServers()`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TmuxCli } from '../../lib/control/exec';
import { makeChatContext, type ChatContext } from '../../lib/chat/context';
import { chatServerOptions } from '../../lib/chat/tmux-server';
import { killTestServer, testSocketName } from './tmux';

const dirs: string[] = [];

export function chatProject(prefix: string): { socket: string; ctx: ChatContext; cli: TmuxCli; kill: () => void } {
  const socket = testSocketName();
  const project = fs.mkdtempSync(path.join(os.tmpdir(), `chatmux-${prefix}-`));
  dirs.push(project);
  const ctx = makeChatContext({ project, stateDir: path.join(project, '.chatmux'), socket, warn: () => {} });
  return { socket, ctx, cli: new TmuxCli(chatServerOptions(ctx)), kill: () => killTestServer(socket) };
}

export function removeChatProjects(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
