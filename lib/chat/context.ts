/** What every lib/chat function needs to know about where it works. */
import * as path from 'node:path';
import { escapeControls } from './errors';
import { instanceId, projectTag } from './naming';
import { checkPath, checkSocketName } from './validate';

export interface ChatContext {
  /** Absolute project directory. */
  project: string;
  /** Absolute state directory (`chats.json`, `chats/<ref>/…`). */
  stateDir: string;
  /** tmux socket name (`default` = the user's own server). */
  socket: string;
  /** Tag used in session names: folder slug + hash of project and state dir (naming.ts). */
  tag: string;
  /** This project + state dir's id, in every chat session's `@chatmux-owner` (identity.ts). */
  owner: string;
  /** Where warnings go (stderr in the CLI; the UI shows them in its own way). */
  warn: (message: string) => void;
}

/** The context every chat function takes: a project folder, its state dir and the tmux socket (paths made absolute). */
export function makeChatContext(o: { project: string; stateDir: string; socket: string; warn?: (m: string) => void }): ChatContext {
  // Checked here, not only by the CLI: a program embedding chatmux passes these straight in.
  const project = path.resolve(checkPath('the project folder', o.project));
  const stateDir = path.resolve(checkPath('the state dir', o.stateDir));
  return {
    project,
    stateDir,
    socket: checkSocketName(o.socket),
    tag: projectTag(project, stateDir),
    owner: instanceId(project, stateDir),
    warn: o.warn ?? ((m) => process.stderr.write(`chatmux: warning: ${escapeControls(m)}\n`)),
  };
}

/** A chat's own folder in the state dir (its logs and transcript). */
export function chatDir(ctx: ChatContext, ref: string): string {
  return path.join(ctx.stateDir, 'chats', ref);
}

/** The files of a chat: stderr and output logs, the nex transcript, the resume banner. */
export const chatFiles = (ctx: ChatContext, ref: string) => {
  const dir = chatDir(ctx, ref);
  return {
    dir,
    stderrLog: path.join(dir, 'stderr.log'),
    outputLog: path.join(dir, 'output.log'),
    transcript: path.join(dir, 'transcript.jsonl'),
    resumeBanner: path.join(dir, 'resume-banner.txt'),
  };
};
