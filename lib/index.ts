/**
 * chatmux as a library (`import … from 'chatmux'`): the one public entry for programs that
 * embed chatmux (the `wg` TUI first). Three layers, each usable alone:
 * - the control-mode client and its tmux commands (knows nothing of chats),
 * - the chat store and lifecycle (registry, create/list/send/close/archive/rename),
 * - the live model `LiveChats`: every chat over one control connection, with events.
 * Anything not exported here is internal and may change without notice.
 */

// ---- control: tmux control mode
export { ControlClient, type ControlClientEvents, type ControlClientOptions, type ClosedReason } from './control/client';
export { spawnTransport, type ControlTransport, type ConnectTarget } from './control/transport';
export * from './control/commands';
export { TmuxCli, execTmuxRaw, type TmuxRunner, type ExecResult } from './control/exec';
export { serverArgs, tmuxEnv, type TmuxServerOptions } from './control/server';
export { quoteArg, commandLine, exactTarget, TmuxArgumentError } from './control/quote';
export { TmuxClosedError, TmuxCommandError, TmuxNotFoundError, isMissingTarget, isNoServer } from './control/errors';
export type { Notification, NotificationType } from './control/events';

// ---- chat: the store and lifecycle
export { makeChatContext, chatDir, chatFiles, type ChatContext } from './chat/context';
export {
  readRegistry, findChat, registryPath, CHAT_STATES,
  type ChatRecord, type ChatState, type Registry, type ExecutorName,
} from './chat/registry';
export { listChats, listChatsWithPanes, statusWord, type ChatView } from './chat/list';
export { createChat, closeChat, archiveChat, renameChat, openChat, type NewChatInput } from './chat/lifecycle';
export { getChat } from './chat/chat-record';
export { chatPane } from './chat/chat-session';
export { sendToChat } from './chat/chat-send';
export { resumeLost } from './chat/chat-resume';
export { chatServerOptions } from './chat/tmux-server';
export { watchRegistry } from './chat/registry-watch';
export { treeOrder, type TreeRow } from './chat/tree';
export { ChatInputError, ChatStateError } from './chat/errors';
export { AGENT_STATES, type AgentStateWord } from './chat/agent-state';
export { StateWatch, type StateChange, type StateWatchEvents } from './chat/state-watch';

// ---- live: every chat over one control connection
export { LiveChats, type LiveChat, type LiveEvents, type LiveOptions } from './chat/live';
export { PaneTerminal, type PaneTerminalOptions } from './terminal/pane-terminal';

// ---- painting a pane into your own terminal UI (only the cells that changed)
export { PanePainter, type PaintRegion } from './terminal/painter';
export { PaneDamage, type RowRange } from './terminal/damage';
