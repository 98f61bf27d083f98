/**
 * Agent state in the UI (issue 13): a coloured mark per chat (tree and tabs), the count of
 * chats waiting for the user, the "next chat that needs me" order for `C-o w`, and which
 * changes call the user: a chat not on screen that starts waiting or finishes a turn.
 */
import type { AgentState, AgentStateWord } from '../chat/agent-state';

const MARKS: Record<AgentStateWord, string> = {
  working: '{cyan-fg}●{/cyan-fg}',
  waiting: '{red-fg}{bold}?{/bold}{/red-fg}',
  idle: '{green-fg}○{/green-fg}',
  stalled: '{magenta-fg}!{/magenta-fg}',
  exited: '{gray-fg}×{/gray-fg}',
  closed: '{gray-fg}-{/gray-fg}',
};

/** One cell: the state's mark; a chat that called for the user and was not looked at yet: inverse. */
export function stateMark(s: AgentStateWord, attention: boolean): string {
  if (!attention) return MARKS[s];
  const ch = s === 'waiting' ? '?' : s === 'idle' ? '○' : '●';
  return `{inverse}{${s === 'waiting' ? 'red' : 'green'}-fg}${ch}{/}`;
}

/** Does this change call the user (bell, notification)? Starting to wait, or a finished turn. */
export function callsUser(prev: AgentState | null, next: AgentState): boolean {
  if (!prev) return false; // first sight of a chat: nothing happened
  if (next.state === 'waiting') return prev.state !== 'waiting';
  return next.state === 'idle' && (prev.state === 'working' || prev.state === 'stalled' || next.turns > prev.turns);
}

/**
 * `C-o w`: a chat waiting for the user, else an idle one, each group oldest first. Within a
 * group the chat after `current` (wrapping), so pressing again visits the others; a group
 * holding only `current` is skipped. null when no other chat waits or idles.
 */
export function nextAttention(chats: ReadonlyArray<{ ref: string; state: AgentState }>, current: string | null): string | null {
  const oldestFirst = (word: AgentStateWord): string[] =>
    chats.filter((c) => c.state.state === word).sort((a, b) => (a.state.since ?? 0) - (b.state.since ?? 0)).map((c) => c.ref);
  for (const group of [oldestFirst('waiting'), oldestFirst('idle')]) {
    if (!group.some((r) => r !== current)) continue;
    const i = current === null ? -1 : group.indexOf(current);
    return group[(i + 1) % group.length]!;
  }
  return null;
}

export interface AlertOptions {
  bell: boolean;
  notify: boolean;
  /** Inside tmux: wrap the notification in tmux's passthrough (needs `allow-passthrough on`). */
  inTmux: boolean;
}

/** The bell and OSC 9 / OSC 777 desktop notification bytes for the outer terminal ('' when off). */
export function alertBytes(title: string, body: string, o: AlertOptions): string {
  let out = o.bell ? '\x07' : '';
  if (o.notify) {
    // No control characters or ';' inside an OSC (';' separates OSC 777's fields).
    const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f;]/g, ' ').slice(0, 200);
    const osc = `\x1b]9;${clean(title)}: ${clean(body)}\x07\x1b]777;notify;${clean(title)};${clean(body)}\x07`;
    out += o.inTmux ? `\x1bPtmux;${osc.replace(/\x1b/g, '\x1b\x1b')}\x1b\\` : osc;
  }
  return out;
}

/** Off by flag or environment (CHATMUX_NO_BELL, CHATMUX_NO_NOTIFY set to anything but '' or 0). */
export function alertOptions(flags: { bell?: boolean; notify?: boolean }, env: NodeJS.ProcessEnv): AlertOptions {
  const off = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0';
  return {
    bell: flags.bell !== false && !off(env.CHATMUX_NO_BELL),
    notify: flags.notify !== false && !off(env.CHATMUX_NO_NOTIFY),
    inTmux: !!env.TMUX,
  };
}

/**
 * Chats that called for the user while not on screen: marked until shown. Each such change
 * rings the bell and sends a desktop notification (as configured) through `write`.
 */
export class StateAlerts {
  private readonly marked = new Set<string>();

  constructor(
    readonly options: AlertOptions,
    private readonly write: (bytes: string) => void,
  ) {}

  has(ref: string): boolean {
    return this.marked.has(ref);
  }

  /** Changes from the state watch; `shown`: chats on screen now; `label`: how a chat is named. */
  take(changes: ReadonlyArray<{ ref: string; prev: AgentState | null; next: AgentState }>, shown: readonly string[], label: (ref: string) => string): void {
    const calls: string[] = [];
    for (const c of changes) {
      if (c.next.state !== 'waiting' && c.next.state !== 'idle') this.marked.delete(c.ref);
      if (!callsUser(c.prev, c.next) || shown.includes(c.ref)) continue;
      this.marked.add(c.ref);
      calls.push(`${label(c.ref)} ${c.next.state === 'waiting' ? 'is waiting for you' : 'finished its turn'}`);
    }
    if (calls.length > 0) {
      const bytes = alertBytes('chatmux', calls.join('; '), this.options);
      if (bytes) this.write(bytes);
    }
  }

  /**
   * A chat on screen rang its bell (a finished build, a shell's completion, an agent's own
   * "done"): your terminal rings as it would for that program in tmux, unless the bell is off.
   * At most one ring per quarter second, so a chat printing BELs in a loop cannot flood it.
   */
  chatBell(now = Date.now()): void {
    if (!this.options.bell || now - this.lastChatBell < 250) return;
    this.lastChatBell = now;
    this.write('\x07');
  }

  private lastChatBell = -Infinity;

  /** These chats are on screen now: the user has seen them. */
  seen(refs: readonly string[]): void {
    for (const r of refs) this.marked.delete(r);
  }
}

/** The status line's count of chats waiting for the user ('' when none). */
export function waitingText(live: { list(): Array<{ ref: string }>; states: { of(ref: string): AgentState } | null } | null): string {
  if (!live?.states) return '';
  const n = live.list().filter((c) => live.states!.of(c.ref).state === 'waiting').length;
  return n > 0 ? ` {red-fg}{bold}${n} waiting{/bold}{/red-fg}` : '';
}
