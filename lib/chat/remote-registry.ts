/**
 * A remote host's closed chats for the UI (issue 14.3). Its running chats are read from its
 * tmux; a closed one has no session there, only a line in the remote registry, which is the
 * remote chatmux's to read: `chat list --json` there, over its own ssh session, in the
 * background (when the host connects, after a change made from this UI, and when a chat leaves
 * its tmux), so the UI never waits on it. Until the answer is in, the last one stands. The
 * JSON's `lifecycle` is the registry's word (`state` there is the agent state).
 */
import type { ChatHost } from './host';
import type { ChatView } from './list';
import { coalesced } from './coalesce';

/** The closed chats in `chat list --json` output, as views with no session. */
export function closedChats(json: string): Map<string, ChatView> {
  const out = new Map<string, ChatView>();
  // zod only when a remote answer is in (it costs the UI's start 50-100 ms, registry.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ChatRecordSchema } = require('./registry-schema') as typeof import('./registry-schema');
  const rows: unknown = JSON.parse(json);
  if (!Array.isArray(rows)) return out;
  for (const row of rows as Array<Record<string, unknown>>) {
    if (row?.lifecycle !== 'closed') continue;
    const rec = ChatRecordSchema.safeParse({ ...row, state: 'closed' });
    if (!rec.success) continue; // a chatmux there with another record shape: tmux's list stands
    out.set(rec.data.ref, { ...rec.data, live: false, exited: false, exitStatus: null, exitSignal: null, pid: null, attachedClients: 0 });
  }
  return out;
}

export class RemoteRegistry {
  private closed = new Map<string, ChatView>();
  private stopped = false;

  constructor(
    private readonly host: ChatHost,
    /** A new answer came in (the list is read again). */
    private readonly changed: () => void,
  ) {}

  /** Read it again; resolves when the answer is in (or the read failed: the last one stands). */
  readonly refresh = coalesced(async () => {
    const started = Date.now();
    try {
      this.closed = closedChats(await this.host.chatmux(['chat', 'list', '--json']));
    } catch {
      // No chatmux there, or the link is down: its tmux still shows the running chats.
    }
    this.readStarted = started;
    if (!this.stopped) this.changed();
  }, () => !this.stopped);

  /** When the last finished read (answered or failed) began (ms). */
  private readStarted = 0;

  /** A read that began at or after `t` (ms) has finished. */
  readSince(t: number): boolean {
    return this.readStarted >= t;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Known there as closed. */
  has(ref: string): boolean {
    return this.closed.has(ref);
  }

  /** The closed chats, except those tmux shows (opened again since). */
  views(inTmux: ReadonlySet<string>): ChatView[] {
    return [...this.closed.values()].filter((v) => !inTmux.has(v.ref));
  }
}
