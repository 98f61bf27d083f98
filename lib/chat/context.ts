/** What every lib/chat function needs to know about where it works. */
import * as path from 'node:path';
import { projectTag } from './naming';

export interface ChatContext {
  /** Absolute project directory. */
  project: string;
  /** Absolute state directory (`chats.json`, `chats/<ref>/…`). */
  stateDir: string;
  /** tmux socket name (`default` = the user's own server). */
  socket: string;
  /** Project tag used in session names (see naming.ts). */
  tag: string;
  /** Where warnings go (stderr in the CLI; the UI shows them in its own way). */
  warn: (message: string) => void;
}

export function makeChatContext(o: { project: string; stateDir: string; socket: string; warn?: (m: string) => void }): ChatContext {
  const project = path.resolve(o.project);
  return {
    project,
    stateDir: path.resolve(o.stateDir),
    socket: o.socket,
    tag: projectTag(project),
    warn: o.warn ?? ((m) => process.stderr.write(`chatmux: warning: ${m}\n`)),
  };
}

export function chatDir(ctx: ChatContext, ref: string): string {
  return path.join(ctx.stateDir, 'chats', ref);
}

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
