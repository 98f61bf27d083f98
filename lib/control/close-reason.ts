/**
 * Why a control connection ended, in words a user can read: from tmux's `%exit [reason]`, the
 * process's exit code and stderr, the transport's own diagnosis (ssh), and — when tmux said
 * nothing — a one-shot question to the server about what is left.
 */
import { listSessions } from './commands';
import type { TmuxRunner } from './exec';
import type { ControlTransport } from './transport';

export type ClosedReason =
  | 'detached'
  | 'server killed'
  | 'session killed'
  | 'too far behind'
  | 'tmux not found'
  | 'version too old'
  | 'server exited unexpectedly'
  | 'connection lost'
  | string;

/** What the client knew when its transport ended. */
export interface CloseFacts {
  /** The reason `%exit` (or a failed attach) gave, if any. */
  said: string | null;
  code: number | null;
  stderr: string;
  /** We asked to detach (`close()`). */
  closing: boolean;
  /** The connection had become ready for commands. */
  wasReady: boolean;
  /** `%sessions-changed` was seen: sessions existed on this server. */
  sawSessionsChanged: boolean;
  /** The session this client was attached to. */
  sessionId: string | null;
  transport: ControlTransport;
  /** One-shot commands on the same server. */
  oneShot: TmuxRunner;
}

/** Turn `%exit [reason]`, the exit code and stderr into one reason a user can read. */
export async function explainClose(f: CloseFacts): Promise<ClosedReason> {
  const said = f.said;
  if (said) {
    if (/too far behind/.test(said)) return 'too far behind';
    if (/server exited unexpectedly/.test(said)) return 'server exited unexpectedly';
    return said; // e.g. "can't find session: =x" from a failed attach
  }
  const err = f.stderr.trim();
  if (/not found|ENOENT/.test(err) && f.code === 127) return 'tmux not found';
  if (f.closing) return 'detached';
  if (!f.wasReady && err) return err;
  const lost = f.transport.lost?.(f.code, f.stderr);
  if (lost) return lost;
  // A bare %exit says nothing: ask the server what happened.
  try {
    const sessions = await listSessions(f.oneShot);
    if (sessions.length === 0 && f.sawSessionsChanged) return 'server killed';
    if (f.sessionId && !sessions.some((s) => s.id === f.sessionId)) return 'session killed';
    return 'detached';
  } catch {
    return f.sawSessionsChanged || f.code === 0 ? 'server killed' : 'connection lost';
  }
}
