/**
 * Starting the UI (`chatmux`, `chatmux tui`): the hosts it shows, the chat list drawn at once,
 * tmux's work started while blessed and the rest of the UI load, then the app. The CLI parses
 * the options and hands over here. Like the rest of lib/ui this is the application, not the
 * library: it imports only the chat modules the first frame needs (issue 15.4), where the
 * public entries (lib/api) would load the whole chat layer first.
 */
import { makeChatContext } from '../chat/context';
import { givenHosts, uiHosts, type HostEntry } from '../chat/hosts-config';
import { checkPath, ChatInputError } from '../chat/validate';
import { sshHostFrom, SshUsageError } from '../control/ssh';
import type { RemoteHost } from './ui-context';

/** Bad input found before the UI starts (project folder, --host, hosts file): the CLI exits 2. */
export class UiInputError extends Error {
  override name = 'UiInputError';
}

export interface UiWhere {
  /** This machine's project folder (checked even when only remote hosts are shown). */
  project: string;
  /** --host destinations, in order. */
  dests: string[];
  /** Only those hosts' chats (`chatmux --host A`), not this machine's. */
  only: boolean;
  /** With `only`: --project, --socket and --state-dir name the folder, socket and state dir there. */
  given: { project?: string; socket?: string; stateDir?: string };
  defaultSocket: string;
}

/** The remote hosts the UI shows, ready to connect; bad input throws UiInputError before anything starts. */
export function uiRemoteHosts(w: UiWhere): RemoteHost[] {
  try {
    checkPath('the project folder', w.project);
    const entries: HostEntry[] = w.only ? givenHosts(w.dests, w.given, w.defaultSocket) : uiHosts(w.dests);
    return entries.map((h) => ({
      ssh: sshHostFrom(h.dest), project: h.project, socket: h.socket,
      // --state-dir with only remote hosts: theirs (a path there), as for `chatmux --host A chat list`.
      ...(w.only ? { stateDir: w.given.stateDir ?? null } : {}),
    }));
  } catch (e) {
    if (e instanceof SshUsageError || e instanceof ChatInputError) throw new UiInputError(e.message);
    throw e;
  }
}

export interface UiLaunch {
  /** This machine's project, state dir and socket. */
  local: { project: string; stateDir: string; socket: string };
  hosts: RemoteHost[];
  only: boolean;
  prefix: string | undefined;
  alerts: { bell?: boolean; notify?: boolean };
}

/** Draw the first frame, start tmux's work ahead, run the UI; resolves with its exit code. */
export async function launchUi(o: UiLaunch): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  // Loaded on demand, in this order: the first frame must not wait for blessed or the chat layer.
  const frame = require('./first-frame') as typeof import('./first-frame');
  const layout = require('./layout') as typeof import('./layout');
  const ctx = makeChatContext(o.local);
  // The chat list at once, before blessed and the UI load (issue 15.4); blessed repaints it.
  const screen = { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
  process.stdout.write(frame.firstFrame(o.only ? [] : frame.registryRows(ctx.stateDir), screen, layout.defaultTreeWidth(screen.cols)));
  // tmux sweeps, resumes and reads its version while blessed and the UI load (issue 15.4).
  if (!o.only) (require('../chat/view-prepare') as typeof import('../chat/view-prepare')).startAhead(ctx);
  try {
    return await (require('./app') as typeof import('./app')).runTui({ ctx, prefix: o.prefix, alerts: o.alerts, hosts: o.hosts, hideLocal: o.only });
  } catch (e) {
    process.stdout.write(frame.LEAVE_FIRST_FRAME);
    throw e;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
