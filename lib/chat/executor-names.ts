/** The executors a chat can run (a light module: the UI needs it before loading the registry). */
export const EXECUTORS = ['claude', 'codex', 'nex', 'shell', 'cmd'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];
