/**
 * One control connection that follows every chat's agent state (what `chatmux wait` and
 * `chatmux events` use; a program that wants states without LiveChats too): a hidden view
 * session marked like a UI's (so a sweep removes it if the program dies), a StateWatch on it,
 * and a clean close that removes the session again.
 */
import { ControlClient } from '../control/client';
import { killSession } from '../control/commands';
import type { ChatContext } from './context';
import { projectSessionPrefix } from './naming';
import { StateWatch } from './state-watch';
import { chatServerOptions } from './tmux-server';
import { markViewSession, viewSessionName } from './view-session';

export interface StateConnection {
  client: ControlClient;
  /** Every chat of the project, by session name: `state(session)` and the `changed` event. */
  watch: StateWatch;
  /** Stop watching and remove the view session. */
  close(): Promise<void>;
}

/** Connect to `ctx`'s tmux server and follow its chats' agent states (no pane output). */
export async function openStateConnection(ctx: ChatContext): Promise<StateConnection> {
  const client = await ControlClient.connect({
    server: chatServerOptions(ctx),
    target: { newSession: { name: viewSessionName(), command: ['sleep', '2147483647'], cwd: ctx.project, width: 80, height: 24 } },
    // Nothing here reads pane output: never let tmux pause for us.
    pauseAfter: null,
  });
  const session = client.sessionId!;
  await markViewSession(client, ctx);
  // No pane output at all: this client only follows notifications.
  await client.command(['refresh-client', '-f', 'no-output']).catch(() => {});
  // A second watcher (a UI, another events) may write shell states too; the values agree.
  const watch = new StateWatch(client, { prefix: projectSessionPrefix(ctx.tag), writeDerived: true });
  await watch.start();
  return {
    client,
    watch,
    async close() {
      watch.stop();
      if (client.isClosed) return;
      await Promise.race([killSession(client, session).catch(() => {}), client.closed]);
      if (!client.isClosed) await client.close();
    },
  };
}
