/**
 * An agent inside a chat reporting its own state (nex): the chat is known from the variables
 * every chat gets (CHATMUX_CHAT_REF, CHATMUX_PROJECT, CHATMUX_STATE_DIR, CHATMUX_SOCKET), and the report goes
 * through the same program as claude's and codex's (bin/chatmux-hook), so it is written the
 * same way (one tmux call, with the window nudge that wakes UIs at once).
 */
import { spawn } from 'node:child_process';
import { hookProgram } from './agent-report';
import { chatSessionName, isChatRef, projectTag } from './naming';

/** A function that reports states in order (one hook at a time), or null outside a chat. */
export function chatStateReporter(env: NodeJS.ProcessEnv): ((state: 'working' | 'waiting' | 'idle') => void) | null {
  const ref = env.CHATMUX_CHAT_REF ?? '';
  const project = env.CHATMUX_PROJECT ?? '';
  const stateDir = env.CHATMUX_STATE_DIR ?? '';
  const socket = env.CHATMUX_SOCKET ?? '';
  if (!isChatRef(ref) || !project.startsWith('/') || !stateDir.startsWith('/') || !socket || env.CHATMUX_NO_TMUX) return null;
  const session = chatSessionName(projectTag(project, stateDir), ref);
  let last: Promise<void> = Promise.resolve();
  return (state) => {
    // Serialised: a quick turn's idle must not land before its working.
    last = last.then(
      () =>
        new Promise<void>((resolve) => {
          const child = spawn(hookProgram(), ['state', state, socket, session], { stdio: 'ignore' });
          child.on('error', () => resolve());
          child.on('close', () => resolve());
        }),
    );
  };
}
