/**
 * The UI's view of agent states (issue 13): a StateWatch on the UI's control connection,
 * keyed by chat ref. LiveChats owns one; the UI reads `of(ref)` and hears `changed` batches.
 */
import { EventEmitter } from 'eventemitter3';
import type { ControlClient } from '../control/client';
import type { AgentState } from './agent-state';
import type { ChatContext } from './context';
import { chatSessionName, projectSessionPrefix, refFromSessionName } from './naming';
import { StateWatch } from './state-watch';

export interface RefStateChange {
  ref: string;
  prev: AgentState | null;
  next: AgentState;
  at: number;
}

export class LiveStates extends EventEmitter<{ changed: (changes: RefStateChange[]) => void }> {
  private constructor(
    private readonly ctx: ChatContext,
    private readonly watch: StateWatch,
  ) {
    super();
    watch.on('changed', (changes) => {
      const out: RefStateChange[] = [];
      for (const c of changes) {
        const ref = refFromSessionName(ctx.tag, c.session);
        if (ref) out.push({ ref, prev: c.prev, next: c.next, at: c.at });
      }
      if (out.length > 0) this.emit('changed', out);
    });
  }

  /** Subscribe on the UI's connection; shell/cmd states it sees are written for everyone. */
  static async start(client: ControlClient, ctx: ChatContext): Promise<LiveStates> {
    const watch = new StateWatch(client, { prefix: projectSessionPrefix(ctx.tag), writeDerived: true });
    const states = new LiveStates(ctx, watch);
    await watch.start();
    return states;
  }

  of(ref: string): AgentState {
    return this.watch.state(chatSessionName(this.ctx.tag, ref));
  }

  stop(): void {
    this.watch.stop();
  }
}
