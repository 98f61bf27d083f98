/**
 * `chatmux/chats`: the chat store and lifecycle — a project's chats as tmux sessions on
 * chatmux's socket, their registry, and every change to them (create, start, send, close,
 * archive, rename, ask, attach, sweep, resume) — without the live model or a terminal
 * emulator (`chatmux/live`), so a command that only changes chats starts fast. The `chatmux`
 * CLI's commands use only this, `chatmux/control` and their own modules.
 */

// ---- where a project's chats live
export { makeChatContext, chatDir, chatFiles, type ChatContext } from '../chat/context';
export { chatServerOptions, DETACH_KEY_LABEL } from '../chat/tmux-server';
// tmux session names: `wg-chat-<project tag>-<ref>` (see DESIGN.md, Topology).
export { isChatRef, chatSessionName, refFromSessionName, projectSessionPrefix } from '../chat/naming';

// ---- the registry (what outlives the tmux server)
export {
  readRegistry, findChat, registryPath, CHAT_STATES, EXECUTORS,
  type ChatRecord, type ChatState, type Registry, type ExecutorName,
} from '../chat/registry';
export { watchRegistry } from '../chat/registry-watch';

// ---- listing
export { listChats, listChatsWithPanes, statusWord, type ChatView } from '../chat/list';
export { treeOrder, type TreeRow } from '../chat/tree';
export { findChatSession } from '../chat/identity';

// ---- the lifecycle
export { createChat, checkNewChat, closeChat, archiveChat, renameChat, openChat, type NewChatInput } from '../chat/lifecycle';
export { getChat } from '../chat/chat-record';
export { chatPane } from '../chat/chat-session';
export { sendToChat } from '../chat/chat-send';
export { DEFAULT_SIZE } from '../chat/chat-start';
export { resumeLost, captureResumeIds, type ResumeReport } from '../chat/chat-resume';
export { startChat, restartChat, type StartSize } from '../chat/restart';
export { askChat, AskError, ASK_EXECUTORS, type AskInput } from '../chat/ask';
export { prepareAttach, ownTty } from '../chat/attach';
export { sweep, type SweepReport, type SweepAction } from '../chat/sweep';
export { inspectServer, formatInspection, type Inspection } from '../chat/inspect';
// Without tmux: one chat as a child process in the foreground (it stops with the caller).
export { runChatInForeground, warnNoTmuxOnce, type ForegroundIo, type ForegroundResult } from '../chat/fallback';

// ---- agent state (`working`, `waiting`, `idle`, … kept in tmux session options)
export {
  AGENT_STATES, readStates, stateAt, stateWord,
  type AgentState, type AgentStateWord, type RawChatState,
} from '../chat/agent-state';
export { StateWatch, type StateChange, type StateWatchEvents, type StateWatchOptions } from '../chat/state-watch';
export { openStateConnection, type StateConnection } from '../chat/state-connection';
// For an agent running inside a chat: report its own state (what `chatmux nex` does).
export { chatStateReporter } from '../chat/state-report';

// ---- a chatmux command on another machine (over the user's ssh; what `chatmux --host` does)
export { runRemoteChatmux, remoteProgram, isNexCommand, type RemoteChatmux, type RemoteIo, type RemoteResult } from '../chat/remote-chatmux';

// ---- errors and text from users or chats, safe to print
export { ChatInputError, ChatStateError, escapeControls, quoteValue, escapeBytes } from '../chat/errors';
export { checkPath } from '../chat/validate';
// The text a pane showed, from its raw output (cursor movement applied): `chatmux chat log`.
export { ScreenText, screenText } from '../chat/screen-text';
