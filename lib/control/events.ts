/** Typed control-mode messages (docs/tmux-control-mode.md §3). Ids keep their sigils: `$1`, `@2`, `%3`. */

export type Notification =
  | { type: 'output'; paneId: string; data: Buffer }
  | { type: 'extendedOutput'; paneId: string; age: number; data: Buffer }
  | { type: 'pause'; paneId: string }
  | { type: 'continue'; paneId: string }
  | { type: 'exit'; reason: string | null }
  | { type: 'sessionChanged'; sessionId: string; name: string }
  | { type: 'sessionsChanged' }
  | { type: 'sessionRenamed'; sessionId: string; name: string }
  | { type: 'sessionWindowChanged'; sessionId: string; windowId: string }
  | { type: 'clientSessionChanged'; client: string; sessionId: string; name: string }
  | { type: 'clientDetached'; client: string }
  | { type: 'windowAdd'; windowId: string }
  | { type: 'windowClose'; windowId: string }
  | { type: 'windowRenamed'; windowId: string; name: string }
  | { type: 'unlinkedWindowAdd'; windowId: string }
  | { type: 'unlinkedWindowClose'; windowId: string }
  | { type: 'unlinkedWindowRenamed'; windowId: string; name: string }
  | { type: 'windowPaneChanged'; windowId: string; paneId: string }
  | { type: 'layoutChange'; windowId: string; layout: string; visibleLayout: string; flags: string }
  | { type: 'paneModeChanged'; paneId: string }
  | {
      type: 'subscriptionChanged';
      name: string;
      sessionId: string;
      windowId: string | null;
      windowIndex: number | null;
      paneId: string | null;
      value: string;
    }
  | { type: 'message'; text: string }
  | { type: 'configError'; text: string }
  | { type: 'pasteBufferChanged'; name: string }
  | { type: 'pasteBufferDeleted'; name: string }
  /** A `%word` line this version does not know (newer tmux): never an exception. */
  | { type: 'unknown'; line: string };

export type NotificationType = Notification['type'];

/** A closed `%begin … %end|%error` block. */
export interface ReplyBlock {
  time: string;
  number: string;
  /** 1 = answer to a command this client wrote; 0 = anything else (argv command, hooks). */
  flags: number;
  error: boolean;
  lines: string[];
}

/** Everything the parser emits, in stream order. */
export type ParsedMessage =
  | { kind: 'notification'; event: Notification }
  | { kind: 'block'; block: ReplyBlock }
  /** A non-`%` line outside a block (should not happen over pipes). */
  | { kind: 'stray'; line: string };
