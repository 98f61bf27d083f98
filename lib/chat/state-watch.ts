/**
 * StateWatch: every chat's agent state (agent-state.ts) over an existing control connection,
 * pushed by tmux, never polled:
 * - one session subscription whose value holds every session's reading (`#{S:…}`); tmux
 *   checks subscriptions once a second;
 * - `%window-renamed` / `%unlinked-window-renamed` (the hooks' nudge) and `%sessions-changed`
 *   trigger one immediate re-read, so a hook's report shows within milliseconds.
 * The only timer is a deadline: the moment a working chat becomes stalled if it prints nothing.
 * shell/cmd chats: the state tmux derives is written back to the session (so its since-time is
 * shared) when `writeDerived` is on.
 */
import { EventEmitter } from 'eventemitter3';
import type { ControlClient } from '../control/client';
import { subscribe } from '../control/commands';
import type { Notification } from '../control/events';
import {
  ALL_STATES_FORMAT, derivedReport, nextStallAt, parseStates, readStates, stateAt, writeState, type AgentState, type RawChatState,
} from './agent-state';
import { coalesced } from './coalesce';

export const STATE_SUBSCRIPTION = 'chatmux-states';

export interface StateChange {
  session: string;
  prev: AgentState | null;
  next: AgentState;
  /** Epoch ms the change was seen. */
  at: number;
}

export interface StateWatchEvents {
  /** States that changed (word, exit status, or a turn ended), in one batch. */
  changed: (changes: StateChange[]) => void;
}

export interface StateWatchOptions {
  /** Only sessions whose name starts with this (a project's chat sessions). */
  prefix: string;
  /** Write shell/cmd states tmux derives back into their sessions. */
  writeDerived?: boolean;
}

/** Every chat's agent state over a control connection (see the top of this file); `state(session)` and the `changed` event. */
export class StateWatch extends EventEmitter<StateWatchEvents> {
  private raw = new Map<string, RawChatState>();
  private readonly shown = new Map<string, AgentState>();
  private stallTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly writing = new Set<string>();
  private readonly onNote = (n: Notification): void => this.onNotification(n);

  constructor(
    private readonly client: ControlClient,
    private readonly o: StateWatchOptions,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.client.on('notification', this.onNote);
    this.client.once('closed', () => this.stop());
    await subscribe(this.client, STATE_SUBSCRIPTION, '', ALL_STATES_FORMAT);
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.client.off('notification', this.onNote);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  /** The state of a chat session (by name) as last seen; closed when it has no session. */
  state(session: string): AgentState {
    return this.shown.get(session) ?? { state: 'closed', since: null, exitStatus: null, turns: 0 };
  }

  /** Sessions with a known state. */
  sessions(): string[] {
    return [...this.shown.keys()];
  }

  /** Re-read every session's state now (one list-sessions); calls made meanwhile coalesce. */
  readonly refresh = coalesced(async () => {
    try {
      this.apply(await readStates(this.client));
    } catch {
      /* the connection is closing; the subscription still speaks if it is not */
    }
  }, () => !this.stopped);

  private onNotification(n: Notification): void {
    if (this.stopped) return;
    switch (n.type) {
      case 'subscriptionChanged':
        if (n.name === STATE_SUBSCRIPTION) this.apply(parseStates(n.value));
        break;
      case 'windowRenamed':
      case 'unlinkedWindowRenamed':
      case 'sessionsChanged':
        void this.refresh();
        break;
    }
  }

  private apply(all: Map<string, RawChatState>): void {
    if (this.stopped) return;
    const mine = new Map<string, RawChatState>();
    for (const [name, r] of all) if (name.startsWith(this.o.prefix)) mine.set(name, r);
    this.raw = mine;
    if (this.o.writeDerived) for (const r of mine.values()) this.writeDerived(r);
    this.recompute();
  }

  /** A shell/cmd chat whose foreground changed: store it, so every reader shares its since-time. */
  private writeDerived(r: RawChatState): void {
    const want = derivedReport(r);
    if (want === null || want === r.reported || this.writing.has(r.session)) return;
    this.writing.add(r.session);
    void writeState(this.client, `=${r.session}`, want)
      .catch(() => {})
      .finally(() => this.writing.delete(r.session));
  }

  private recompute(): void {
    const now = Date.now();
    const changes: StateChange[] = [];
    for (const session of new Set([...this.shown.keys(), ...this.raw.keys()])) {
      const raw = this.raw.get(session);
      const next = stateAt(raw, now);
      const prev = this.shown.get(session) ?? null;
      if (!raw) this.shown.delete(session);
      else this.shown.set(session, next);
      // A turn that began and ended between two readings still counts (turns advanced).
      if (!prev || prev.state !== next.state || prev.exitStatus !== next.exitStatus || next.turns > prev.turns) changes.push({ session, prev, next, at: now });
    }
    this.scheduleStall(now);
    if (changes.length > 0) this.emit('changed', changes);
  }

  /** One timer, for the earliest working chat that would turn stalled. */
  private scheduleStall(now: number): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    let next: number | null = null;
    for (const r of this.raw.values()) {
      const at = nextStallAt(r, now);
      if (at !== null && (next === null || at < next)) next = at;
    }
    if (next === null || this.stopped) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      if (!this.stopped) this.recompute();
    }, Math.max(10, next - now + 5));
  }
}
