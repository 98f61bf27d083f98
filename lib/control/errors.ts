/** Errors the control layer raises; each carries a message a user can read. */

/** tmux answered a command with `%error` (or a one-shot call exited non-zero). */
export class TmuxCommandError extends Error {
  override name = 'TmuxCommandError';
  constructor(
    /** tmux's own message, e.g. `can't find session: =foo`. */
    readonly tmuxMessage: string,
    /** The verb that failed (never the arguments: they may hold user text). */
    readonly verb: string,
  ) {
    super(`tmux ${verb}: ${tmuxMessage || 'failed'}`);
  }
}

/** The connection is gone; pending commands reject with this. */
export class TmuxClosedError extends Error {
  override name = 'TmuxClosedError';
  constructor(readonly reason: string) {
    super(`tmux connection closed: ${reason}`);
  }
}

/** No tmux binary could be started. */
export class TmuxNotFoundError extends Error {
  override name = 'TmuxNotFoundError';
  constructor(readonly path: string) {
    super(`tmux not found (${path}): install tmux 3.2 or newer (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)`);
  }
}

/** True when an error says the session/window/pane does not exist. */
export function isMissingTarget(err: unknown): boolean {
  return err instanceof TmuxCommandError && /can't find|no such|not found|no current/i.test(err.tmuxMessage);
}

/** True when an error says no server is running on the socket. */
export function isNoServer(err: unknown): boolean {
  return err instanceof TmuxCommandError && /no server running|error connecting to|server exited/i.test(err.tmuxMessage);
}
