/**
 * The steps before a UI's live model exists: sweep stale sessions, clear a foreign server's
 * global environment, bring back chats lost with a dead server, then connect one control client
 * (through the chats' host: this machine or ssh) to a new view session. After LiveChats is built
 * on that client: mark the view session as a UI's (so sweeps and listings skip it) and subscribe
 * to the pane and size-owner formats tmux pushes. Failures before connecting are warnings, not
 * errors: the UI still starts.
 */
import type { ControlClient } from '../control/client';
import { TmuxClosedError } from '../control/errors';
import type { TmuxVersion } from '../control/version';
import { killSession, listSessions, subscribe } from '../control/commands';
import type { ChatContext } from './context';
import type { ChatHost } from './host';
import { OWNER_OPTION } from './identity';
import { SIZE_OWNER_OPTION } from './window-sizes';
import { prepareLocal, takeAhead } from './view-prepare';
import { LABEL_SUBSCRIPTION, LABELS_FORMAT, OWNER_SUBSCRIPTION, PANE_SUBSCRIPTION } from './live-follow';
import type { LiveOptions } from './live-types';
import { viewSessionName } from './view-session';

/**
 * Sweep, resume lost chats (both only for this machine: a remote's are its own chatmux's), connect
 * to a new view session and remove a dropped connection's one; what went wrong on the way comes
 * back as warnings.
 */
export async function connectView(
  ctx: ChatContext, o: LiveOptions, env: NodeJS.ProcessEnv, host: ChatHost,
): Promise<{ client: ControlClient; viewName: string; warnings: string[] }> {
  let warnings: string[] = [];
  let version: Promise<TmuxVersion | null> | undefined;
  // A remote's sweep and resume are its own chatmux's (they write its registry).
  if (!host.ssh) {
    const ready = takeAhead(ctx, env, host);
    const prepared = ready ? await ready : { ...(await prepareLocal(ctx, env, host)), warned: [] };
    for (const m of prepared.warned) ctx.warn(m);
    ({ warnings, version } = prepared);
  }
  const viewName = viewSessionName();
  const target = { newSession: { name: viewName, command: ['sleep', '2147483647'], width: o.width, height: o.height, cwd: ctx.project } };
  const client = await host.connect(target, version).catch(async (e: unknown) => {
    // The server was exiting as we reached it (its last chat closed a moment ago: a UI quit
    // with "close all" and started again at once): once it is gone, the next connect starts a fresh one.
    if (!(e instanceof TmuxClosedError && e.reason === 'server exited unexpectedly')) throw e;
    await new Promise((r) => setTimeout(r, 100));
    return host.connect(target, version);
  });
  // The dropped connection's view session may still have its (hung) client: it goes now.
  if (o.previousView) await removeView(client, ctx, o.previousView);
  return { client, viewName, warnings };
}

/**
 * Kill a view session of this project's, and nothing else: `previousView` comes from the
 * embedding program, and a chat's session name given there by mistake was killed, agent and all.
 */
async function removeView(client: ControlClient, ctx: ChatContext, name: string): Promise<void> {
  const sessions = await listSessions(client, ['@chatmux-view', OWNER_OPTION]).catch(() => []);
  const view = sessions.find((v) => v.name === name && v.options['@chatmux-view'] === '1' && v.options[OWNER_OPTION] === ctx.owner);
  if (view) await killSession(client, view.id).catch(() => {});
}

export async function subscribePanes(client: ControlClient, remote = false): Promise<void> {
  // Dead/alive and current command of every pane in the view session, pushed by tmux.
  // Which UI sizes each chat window (issue 12.2), pushed by tmux.
  await Promise.all([
    subscribe(client, OWNER_SUBSCRIPTION, '@*', `#{${SIZE_OWNER_OPTION}}`).catch(() => {}),
    subscribe(client, PANE_SUBSCRIPTION, '%*', '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pane_pid}:#{pane_current_command}').catch(() => {}),
    // A remote host's registry is not ours to watch (registry-watch.ts): a rename made there by
    // another laptop's UI or a CLI reaches us as a change of the chat sessions' labels.
    remote ? subscribe(client, LABEL_SUBSCRIPTION, '', LABELS_FORMAT).catch(() => {}) : null,
  ]);
}
