/**
 * The shapes LiveChats hands to its users (the UI, programs embedding chatmux): one chat as
 * the live model sees it, the events it emits, and the options it starts with. Kept apart from
 * the class so the parts of the live model can share them without importing each other.
 */
import type { ClosedReason } from '../control/client';
import type { ChatHost } from './host';
import type { ChatView } from './list';
import type { RefStateChange } from './live-states';

export interface LiveChat {
  ref: string;
  record: ChatView;
  /** The chat's pane while its session exists. */
  paneId: string | null;
  windowId: string | null;
  /** The agent exited; its pane is kept (remain-on-exit) with this status. */
  dead: boolean;
  exitStatus: number | null;
  /** The signal that killed it (status null); both null: tmux does not know (yet) how it ended. */
  exitSignal: number | null;
  /** Output arrived since the user last looked at it. */
  activity: boolean;
  depth: number;
}

export interface LiveEvents {
  /** The chat list or a chat's state changed. */
  changed: () => void;
  /** A chat's emulator has new content. */
  output: (ref: string) => void;
  progress: (done: number, total: number) => void;
  warning: (message: string) => void;
  /** The control connection ended (server killed, …). */
  closed: (reason: ClosedReason) => void;
  /** Agent states changed (issue 13; `states.of(ref)` has them all). */
  states: (changes: RefStateChange[]) => void;
  inspector: () => void;
}

export interface LiveOptions {
  width: number;
  height: number;
  /** Emulator scrollback per chat (older history is read from tmux). */
  scrollback?: number;
  /** Where runtime environment (API keys) comes from for chats started here. */
  env?: NodeJS.ProcessEnv;
  /** Where the chats live (default: this machine's server for `ctx`). */
  host?: ChatHost;
  /** The view session of a connection that dropped: removed once this one is up (issue 14.4). */
  previousView?: string | null;
  /** Chats off screen that keep their emulator (the most recently shown); the rest are restored when shown. */
  warm?: number;
  /**
   * Pause chats off screen at their first output (issue 15.3: a UI showing a few chats), and
   * draw a shown chat that floods from tmux's screen a few times a second instead of parsing
   * every byte (issue 15.2). Off by default: a program that reads every chat's `output` (the
   * README example) gets all of it.
   */
  pauseHidden?: boolean;
}
