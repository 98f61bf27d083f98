/**
 * Chat actions on a remote host's chats (issue 14.3): they write the remote registry, so the
 * remote's own chatmux does them (`chatmux chat close REF` there, over ssh); the UI then sees
 * the change in tmux. Only argv crosses (quoted for the remote shell by execSsh). An API key
 * (`--api-key-env VAR` of a new chat, or the one a chat started again uses) is read here and
 * sent as the first line of the ssh stdin (remote-chatmux.ts): never in any argv.
 */
import type { ChatHost, RemoteSecret } from './host';
import type { NewChatInput } from './lifecycle';
import { checkEnvVarName } from './validate';

export type RemoteAction =
  | { kind: 'new'; input: NewChatInput }
  | { kind: 'close' | 'archive'; ref: string }
  /** Make it run again: a closed or lost chat, or a dead agent (`chat start`); `apiKeyEnv`: the chat's. */
  | { kind: 'start'; ref: string; apiKeyEnv: string | null }
  | { kind: 'rename'; ref: string; name: string; role?: string };

/** The remote chatmux's argv for an action. */
export function remoteArgs(a: RemoteAction): string[] {
  switch (a.kind) {
    case 'close':
    case 'archive':
    case 'start':
      return ['chat', a.kind, a.ref];
    case 'rename':
      return ['chat', 'rename', a.ref, a.name, ...(a.role !== undefined ? ['--role', a.role] : [])];
    case 'new': {
      const i = a.input;
      const args = ['chat', 'new', '--json', '--executor', i.executor];
      if (i.name) args.push('--name', i.name);
      if (i.role) args.push('--role', i.role);
      if (i.parent) args.push('--parent', i.parent);
      if (i.model) args.push('-m', i.model);
      if (i.endpoint) args.push('-e', i.endpoint);
      // Only the variable's name: its value goes on stdin (remoteSecret).
      if (i.apiKeyEnv) args.push('--api-key-env', i.apiKeyEnv);
      if (i.cwd) args.push('--cwd', i.cwd);
      if (i.argv && i.argv.length > 0) args.push('--', ...i.argv);
      return args;
    }
  }
}

/**
 * The key an action needs there, read from `env` here; null when it needs none, or when the
 * variable is not set here (the remote chatmux then takes it from its own environment, or says
 * in one line that it is not set there either).
 */
export function remoteSecret(a: RemoteAction, env: NodeJS.ProcessEnv, dest: string): RemoteSecret | null {
  const name = a.kind === 'new' ? a.input.apiKeyEnv : a.kind === 'start' ? a.apiKeyEnv : null;
  if (!name) return null;
  checkEnvVarName('--api-key-env', name);
  const value = env[name];
  if (value === undefined || value === '') return null;
  if (/[\n\r\0]/.test(value)) throw new Error(`--api-key-env ${name}: the value holds a line break, which cannot be sent to ${dest}`);
  return { name, value };
}

/** Run the action there; for `new`, the new chat's ref. */
export async function remoteAction(host: ChatHost, a: RemoteAction, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const out = await host.chatmux(remoteArgs(a), remoteSecret(a, env, host.name));
  if (a.kind !== 'new') return '';
  const ref = (JSON.parse(out) as { ref?: unknown }).ref;
  if (typeof ref !== 'string') throw new Error(`${host.name}: chat new printed no ref`);
  return ref;
}
