/**
 * What every part of the UI shares: the options it was started with, the mutable state of the
 * screen (which chat is focused, which chats are shown, the layout, the open dialog, the prefix),
 * and the parts themselves. app.ts builds one `Ui` and hands it to every part, so a key handler
 * can ask the geometry to relayout or the status line to say something without the parts
 * knowing how the others are built. Types and plain state only: no behaviour lives here.
 */
import type { MultiChats } from '../chat/multi-chats';
import type { SshHost } from '../control/ssh';
import type { ChatContext } from '../chat/context';
import type { Dialog } from './dialogs';
import type { LayoutMode } from './layout';
import type { ScrollMode } from './scroll-mode';
import type { StateAlerts } from './state-marks';
import type { Chrome } from './chrome';
import type { StatusLine } from './status-line';
import type { Geometry } from './geometry';
import type { PaneGrid } from './pane-grid';
import type { Navigation } from './navigation';
import type { ChatDialogs } from './chat-dialogs';
import type { AppExit } from './app-exit';
import type { UiLog } from './ui-log';

export interface TuiOptions {
  ctx: ChatContext;
  /** Prefix key, e.g. `C-o` (default). */
  prefix?: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  env?: NodeJS.ProcessEnv;
  /** Bell and desktop notification when a chat off screen waits or finishes (default: on, see state-marks.ts). */
  alerts?: { bell?: boolean; notify?: boolean };
  /** Other hosts whose chats are shown too, each over its own ssh control connection (issue 14.3). */
  hosts?: RemoteHost[];
  /** Only those hosts' chats, not this machine's (`chatmux --host DEST` without `tui`). */
  hideLocal?: boolean;
}

export interface RemoteHost {
  ssh: SshHost;
  /** The project folder there (null: the login folder or its git root). */
  project: string | null;
  /** Its state dir there (null: `<project>/.chatmux`). */
  stateDir?: string | null;
  /** Its chatmux tmux socket (null: this UI's). */
  socket: string | null;
}

export type Focus = 'tree' | 'pane';

/** The screen's state: read and changed by the parts, painted by the views. */
export class UiState {
  /** Every host's chats (this machine first). */
  live: MultiChats | null = null;
  focusRef: string | null = null;
  focus: Focus = 'pane';
  layout: LayoutMode = 'single';
  dialog: Dialog | null = null;
  prefixPending = false;
  quitting = false;
  shownRefs: string[] = [];
  /** The pane the focused chat is in. */
  focusSlot = 0;
}

/** The UI's parts, as every part sees them. */
export interface Ui {
  readonly o: TuiOptions;
  readonly ctx: ChatContext;
  readonly prefixName: string;
  readonly prefixByte: number;
  readonly state: UiState;
  readonly chrome: Chrome;
  readonly alerts: StateAlerts;
  readonly scroll: ScrollMode;
  readonly log: UiLog;
  readonly status: StatusLine;
  readonly geometry: Geometry;
  readonly grid: PaneGrid;
  readonly nav: Navigation;
  readonly dialogs: ChatDialogs;
  readonly exit: AppExit;
}
