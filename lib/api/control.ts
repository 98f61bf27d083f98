/**
 * `chatmux/control`: tmux control mode on its own — the client, its typed tmux commands, the
 * one quoting function, server options, version gates and ssh transports. It knows nothing of
 * chats and loads nothing of them (the CLI's `doctor` and an embedder's own tmux UI use just this).
 */
export { ControlClient, type ControlClientEvents, type ControlClientOptions, type ClosedReason } from '../control/client';
export { spawnTransport, type ControlTransport, type ConnectTarget } from '../control/transport';
export * from '../control/commands';
export { TmuxCli, execTmuxRaw, type TmuxRunner, type ExecResult } from '../control/exec';
export { serverArgs, tmuxEnv, type TmuxServerOptions } from '../control/server';
export { quoteArg, commandLine, exactTarget, TmuxArgumentError } from '../control/quote';
export { TmuxClosedError, TmuxCommandError, TmuxNotFoundError, isMissingTarget, isNoServer } from '../control/errors';
export type { Notification, NotificationType } from '../control/events';
export {
  parseTmuxVersion, versionProblem, versionAtLeast, featuresOf, MINIMUM_VERSION,
  type TmuxVersion, type TmuxFeatures,
} from '../control/version';
// Another machine's tmux over the user's ssh (one shared connection per host).
export { sshHostFrom, splitCommandLine, SshUsageError, SshError, type SshHost } from '../control/ssh';
export { connectOverSsh, sshTmuxCli, execSsh } from '../control/ssh-transport';
