/**
 * A view session: the session a control client attaches to (a UI's, `chatmux events`' and
 * `chatmux wait`'s), into which chat windows may be linked. It is marked so sweeps and listings
 * know it is not a chat and whose it is: the sweep removes one with no client left, only for
 * the project and state dir that made it (sweep.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ControlClient } from '../control/client';
import { setOption } from '../control/commands';
import type { ChatContext } from './context';
import { OWNER_OPTION } from './identity';
import { pathOptionValue } from './metadata';

/** A new view session's name: unique per process and connection. */
export function viewSessionName(): string {
  return `chatmux-view-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Mark the client's session as a view session of `ctx`'s project and state dir. */
export async function markViewSession(client: ControlClient, ctx: ChatContext): Promise<void> {
  // Sent together (tmux runs them in order): one round trip, not three.
  const session = { session: client.sessionId! };
  await Promise.all([
    setOption(client, session, '@chatmux-view', '1'),
    setOption(client, session, OWNER_OPTION, ctx.owner),
    setOption(client, session, '@chatmux-project', pathOptionValue(ctx.project)),
  ]);
}
