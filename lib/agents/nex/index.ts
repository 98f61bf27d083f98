/** The built-in `nex` agent: an interactive chat for OpenAI-compatible endpoints, plus one-shot asks. */
export { askOnce, type AskOptions } from './ask';
export { runRepl, type ReplOptions, type Repl } from './repl';
export { normaliseEndpoint, EndpointError, type Endpoint } from './endpoint';
export { NexError, type NexErrorKind } from './errors';
export { streamChat, type ChatMessage, type ChatReply, DEFAULT_TIMEOUT_MS } from './client';
export { readTranscript, appendTurn, type Turn } from './transcript';
export { keyFromEnv, KeyEnvError, type NexKey } from './key';
export { logError } from './log';
