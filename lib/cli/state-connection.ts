/**
 * One control connection for a command that follows chat states (`chatmux wait`, `chatmux
 * events`): a hidden view session marked like a UI's (so a sweep removes it if we die), a
 * StateWatch on it, and a clean exit that removes the session again.
 */
import { randomBytes } from 'node:crypto';
import { ControlClient, killSession, setOption } from '../api/control';
import { chatServerOptions, projectSessionPrefix, StateWatch, type ChatContext } from '../api/chats';

export interface StateConnection {
  client: ControlClient;
  watch: StateWatch;
  close(): Promise<void>;
}

export async function openStateConnection(ctx: ChatContext): Promise<StateConnection> {
  const name = `chatmux-view-${process.pid}-${randomBytes(3).toString('hex')}`;
  const client = await ControlClient.connect({
    server: chatServerOptions(ctx),
    target: { newSession: { name, command: ['sleep', '2147483647'], cwd: ctx.project, width: 80, height: 24 } },
    // Nothing here reads pane output: never let tmux pause for us.
    pauseAfter: null,
  });
  const session = client.sessionId!;
  await setOption(client, { session }, '@chatmux-view', '1');
  await setOption(client, { session }, '@chatmux-project', ctx.project);
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
