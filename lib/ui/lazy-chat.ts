/**
 * The chat layer (zod, xterm, the control client) is loaded only after the first frame is
 * on screen: the tree is painted from the raw registry file first, so the UI appears at once.
 * Every part of the UI that needs those modules at run time asks here instead of importing them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const lazy = {
  multi: () => require('../chat/multi-chats') as typeof import('../chat/multi-chats'),
  host: () => require('../chat/host') as typeof import('../chat/host'),
  restore: () => require('../terminal/restore') as typeof import('../terminal/restore'),
  inspect: () => require('../chat/inspect') as typeof import('../chat/inspect'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
