/** A chat's states (a light module: the registry's quick check and its zod schema share it). */

/** `starting`: entry written, session being created (a sweep or resume must leave it alone). */
export const CHAT_STATES = ['starting', 'running', 'closed', 'archived'] as const;
export type ChatState = (typeof CHAT_STATES)[number];
