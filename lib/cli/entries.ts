/**
 * The public entries, loaded when first used, for the modules on the UI's way to its first
 * frame (main.ts, context.ts, doctor.ts, tui.ts): an entry loads all of its layer, and the
 * first frame must not wait for that (issue 15.4). They need it only for bad input, errors and
 * the commands that are not the UI. The other command modules import the entries directly.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const chats = (): typeof import('../api/chats') => require('../api/chats') as typeof import('../api/chats');
export const control = (): typeof import('../api/control') => require('../api/control') as typeof import('../api/control');
/* eslint-enable @typescript-eslint/no-require-imports */
