/**
 * `chatmux events [--json]`: one line per change of any chat of the project — created, renamed,
 * state, exited, closed, archived — with ref, name and time, until interrupted. Everything
 * arrives over ONE control connection (a state subscription, %sessions-changed,
 * %session-renamed, the hooks' window nudge) plus the kernel's notice that the registry file
 * changed (names, closes and archives are written there first); nothing is polled.
 */
import type { Command } from '@commander-js/extra-typings';
import { listChats, openStateConnection, refFromSessionName, stateWord, watchRegistry, type AgentState, type ChatView, type StateChange } from '../api/chats';
import type { CliContext } from './context';
import { chatRuntime, requireTmux } from './chat-runtime';

export type EventKind = 'created' | 'renamed' | 'state' | 'exited' | 'closed' | 'archived';

export interface ChatEvent {
  time: string;
  event: EventKind;
  ref: string;
  name: string;
  /** state/exited: the agent state; renamed: the old name in `from`. */
  state?: string;
  since?: string | null;
  exitStatus?: number | null;
  /** state: turns the agent has ended so far (a turn between two readings shows as idle → idle, one more). */
  turns?: number;
  from?: string;
}

/** Lifecycle events between two listings of the chats. */
export function lifecycleEvents(before: ReadonlyMap<string, ChatView>, after: readonly ChatView[], time: string): ChatEvent[] {
  const out: ChatEvent[] = [];
  for (const c of after) {
    const b = before.get(c.ref);
    if (!b) out.push({ time, event: 'created', ref: c.ref, name: c.name });
    else if (b.name !== c.name) out.push({ time, event: 'renamed', ref: c.ref, name: c.name, from: b.name });
    if (b && b.state !== c.state && (c.state === 'closed' || c.state === 'archived')) out.push({ time, event: c.state, ref: c.ref, name: c.name });
  }
  return out;
}

/** A state event for a chat's agent (closed is reported from the registry instead). */
export function stateEvent(ref: string, name: string, s: AgentState, at: number): ChatEvent | null {
  if (s.state === 'closed') return null;
  const time = new Date(at).toISOString();
  const since = s.since === null ? null : new Date(s.since).toISOString();
  if (s.state === 'exited') return { time, event: 'exited', ref, name, state: stateWord(s), exitStatus: s.exitStatus };
  return { time, event: 'state', ref, name, state: s.state, since, turns: s.turns };
}

export function formatEvent(e: ChatEvent, json: boolean): string {
  if (json) return JSON.stringify(e);
  const detail = e.event === 'renamed' ? `from ${JSON.stringify(e.from)}` : (e.state ?? '');
  return `${e.time}  ${e.event.padEnd(8)} ${e.ref}  ${JSON.stringify(e.name)}${detail ? `  ${detail}` : ''}`;
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('events')
    .description('print one line per change of any chat (created, renamed, state, exited, closed, archived) until interrupted')
    .option('--json', 'one JSON object per line')
    .addHelpText('after', '\nExample:\n  chatmux events --json | while read -r e; do …; done')
    .action(async (opts) => {
      const rt = chatRuntime(context());
      requireTmux(rt, 'chatmux events');
      const print = (e: ChatEvent): void => void process.stdout.write(formatEvent(e, opts.json === true) + '\n');
      const conn = await openStateConnection(rt.ctx);
      let known = new Map((await listChats(conn.client, rt.ctx, { all: true })).map((c) => [c.ref, c]));
      // Listings in order, one at a time; a change meanwhile asks for one more.
      let listing: Promise<void> | null = null;
      let again = false;
      const relist = (): void => {
        if (listing) return void (again = true);
        listing = (async () => {
          do {
            again = false;
            const now = await listChats(conn.client, rt.ctx, { all: true }).catch(() => null);
            if (!now) continue;
            for (const e of lifecycleEvents(known, now, new Date().toISOString())) print(e);
            known = new Map(now.map((c) => [c.ref, c]));
          } while (again && !conn.client.isClosed);
        })().finally(() => (listing = null));
      };
      conn.watch.on('changed', (changes: StateChange[]) => {
        for (const ch of changes) {
          const ref = refFromSessionName(rt.ctx.tag, ch.session);
          if (!ref) continue;
          if (!known.has(ref)) relist(); // a chat born since the last listing: created comes from there
          const e = ch.prev === null && ch.next.state === 'idle' ? null : stateEvent(ref, known.get(ref)?.name ?? '', ch.next, ch.at);
          if (e) print(e);
        }
      });
      conn.client.on('notification', (n) => {
        if (n.type === 'sessionsChanged' || n.type === 'sessionRenamed') relist();
      });
      const unwatch = watchRegistry(rt.ctx, relist);
      const reason = await new Promise<string>((resolve) => {
        const stop = (): void => resolve('interrupted');
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.once('SIGHUP', stop);
        void conn.client.closed.then((r) => resolve(r));
      });
      unwatch();
      await conn.close();
      if (reason !== 'interrupted') {
        process.stderr.write(`chatmux: events stopped: the tmux connection ended (${reason})\n`);
        process.exitCode = 1;
      }
    });
}
