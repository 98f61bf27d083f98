/** The executors a chat can run (a light module: the UI needs it before loading the registry). */
export const EXECUTORS = ['claude', 'codex', 'nex', 'shell', 'cmd'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

/** Executors whose restart continues the conversation (cmd and shell just run again). */
export const RESUMES_CONVERSATION: Readonly<Record<ExecutorName, boolean>> = { claude: true, codex: true, nex: true, shell: false, cmd: false };
