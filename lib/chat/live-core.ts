/**
 * The state the parts of the live model share: the connection, the host and the chat context,
 * every chat by ref and by pane, the emulators (PaneScreens: shown and recently shown chats;
 * hidden ones that print are paused), the windows linked into the view session, the tree order,
 * which chats are on screen and at which size. LiveChats owns one and hands it to its parts
 * (restore, backfill, tmux notifications, inspector, actions); none of them is visible to users
 * of LiveChats.
 */
import type { EventEmitter } from 'eventemitter3';
import type { ControlClient } from '../control/client';
import type { PaneInfo } from '../control/commands';
import { isMissingTarget } from '../control/errors';
import { UNICODE11_RULES, type TmuxWidthRules } from '../terminal/tmux-widths';
import type { ChatContext } from './context';
import type { ChatHost } from './host';
import { PaneScreens } from './pane-screens';
import { DEFAULT_THROTTLE } from './pane-throttle';
import type { WindowSizes } from './window-sizes';
import type { LiveChat, LiveEvents } from './live-types';

export class LiveCore {
  readonly byRef = new Map<string, LiveChat>();
  readonly byPane = new Map<string, LiveChat>();
  /** Emulators of shown and recently shown chats; hidden chats that print are paused. */
  readonly screens: PaneScreens;
  readonly linked = new Set<string>();
  order: string[] = [];
  visible = new Set<string>();
  readonly sizes = new Map<string, { cols: number; rows: number }>();
  stopped = false;
  /** How this server's tmux counts cell widths: every pane emulator counts the same. */
  widths: TmuxWidthRules = UNICODE11_RULES;

  constructor(
    readonly ctx: ChatContext,
    readonly client: ControlClient,
    readonly host: ChatHost,
    readonly events: EventEmitter<LiveEvents>,
    readonly ownSizes: WindowSizes,
    o: { scrollback: number; warm: number; pauseHidden: boolean },
  ) {
    this.screens = new PaneScreens(client, {
      scrollback: o.scrollback,
      warm: o.warm,
      pauseHidden: o.pauseHidden,
      // The same opt-in: a program reading every chat's output wants every byte of shown ones too.
      throttle: o.pauseHidden ? DEFAULT_THROTTLE : null,
      widths: () => this.widths,
      restored: (ref, pane) => {
        const chat = this.byRef.get(ref);
        if (chat) this.applyPaneInfo(chat, pane);
        this.events.emit('output', ref);
      },
      failed: (ref, e) => {
        if (!isMissingTarget(e) && !this.stopped) this.events.emit('warning', `could not restore ${ref}: ${e.message}`);
      },
    });
  }

  /** Chats in tree order (not archived). */
  list(): LiveChat[] {
    return this.order.map((r) => this.byRef.get(r)!).filter(Boolean);
  }

  applyPaneInfo(chat: LiveChat, p: PaneInfo): void {
    chat.dead = p.dead;
    chat.exitStatus = p.dead ? p.deadStatus : null;
    chat.exitSignal = p.dead ? p.deadSignal : null;
    this.screens.resize(chat.ref, p.id, p.width, p.height);
  }

  dropTerminal(ref: string): void {
    this.screens.drop(ref);
  }
}
