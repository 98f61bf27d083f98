/** Errors of the chat domain that the CLI maps to exit codes. */
export { ChatInputError } from './validate';

/** The chat exists but cannot do what was asked in its current state (exit 1). */
export class ChatStateError extends Error {
  override name = 'ChatStateError';
}
