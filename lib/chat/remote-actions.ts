/**
 * Chat actions on a remote host's chats (issue 14.3): they write the remote registry, so the
 * remote's own chatmux does them (`chatmux chat close REF` there, over ssh); the UI then sees
 * the change in tmux. Only argv crosses (quoted for the remote shell by execSsh); an API key
 * never does (`--api-key-env` needs `chatmux --host DEST chat new`, which sends it on stdin).
 */
import type { ChatHost } from './host';
import type { NewChatInput } from './lifecycle';

export type RemoteAction =
  | { kind: 'new'; input: NewChatInput }
  | { kind: 'close' | 'archive'; ref: string }
  | { kind: 'rename'; ref: string; name: string; role?: string };

/** The remote chatmux's argv for an action. */
export function remoteArgs(a: RemoteAction, dest: string): string[] {
  switch (a.kind) {
    case 'close':
    case 'archive':
      return ['chat', a.kind, a.ref];
    case 'rename':
      return ['chat', 'rename', a.ref, a.name, ...(a.role !== undefined ? ['--role', a.role] : [])];
    case 'new': {
      const i = a.input;
      if (i.apiKeyEnv) throw new Error(`an API key for a chat on ${dest}: use chatmux --host ${dest} chat new --api-key-env ${i.apiKeyEnv} … (it sends the key inside the ssh connection)`);
      const args = ['chat', 'new', '--json', '--executor', i.executor];
      if (i.name) args.push('--name', i.name);
      if (i.role) args.push('--role', i.role);
      if (i.parent) args.push('--parent', i.parent);
      if (i.model) args.push('-m', i.model);
      if (i.endpoint) args.push('-e', i.endpoint);
      if (i.cwd) args.push('--cwd', i.cwd);
      if (i.argv && i.argv.length > 0) args.push('--', ...i.argv);
      return args;
    }
  }
}

/** Run the action there; for `new`, the new chat's ref. */
export async function remoteAction(host: ChatHost, a: RemoteAction): Promise<string> {
  const out = await host.chatmux(remoteArgs(a, host.name));
  if (a.kind !== 'new') return '';
  const ref = (JSON.parse(out) as { ref?: unknown }).ref;
  if (typeof ref !== 'string') throw new Error(`${host.name}: chat new printed no ref`);
  return ref;
}

/** What the remote chatmux cannot do from here yet: one line naming the command that can. */
export function notRemotely(host: ChatHost, what: string, ref: string): Error {
  return new Error(`${what} ${ref} on ${host.name} from this UI: not yet (close it with X, or use chatmux --host ${host.name} there)`);
}
