/**
 * chatmux as a library (`import … from 'chatmux'`): the one public entry for programs that
 * embed chatmux (the `wg` TUI first). Three layers, each also its own entry that loads only
 * what it needs:
 * - `chatmux/control`: the control-mode client and its tmux commands (knows nothing of chats),
 * - `chatmux/chats`: the chat store and lifecycle (registry, create/list/send/close/archive/rename),
 * - `chatmux/live`: the live model `LiveChats` (every chat over one control connection, with
 *   events), the pane terminal and the painter.
 * Anything not exported here is internal and may change without notice. The `chatmux` CLI
 * reaches chats and tmux only through these entries (spec/library-boundary.test.ts).
 */
export * from './api/control';
export * from './api/chats';
export * from './api/live';
