/**
 * How a chat is named on screen, the same in the tree, the tabs, the pane borders, dialogs and
 * alerts: its name (or "executor #N") with its role, and a one-word state ("running", "closed",
 * "exit 1", …).
 */
import type { LiveChat } from '../chat/live';
import { endedWord, statusWord } from '../chat/status';

export function chatLabel(c: LiveChat): string {
  const r = c.record;
  const num = /(\d+)$/.exec(r.ref)?.[1] ?? '';
  const name = r.name || `${r.executor} #${num}`;
  return r.role ? `${name} [${r.role}]` : name;
}

export function chatStateWord(c: LiveChat): string {
  if (c.dead) return endedWord('dead', c.exitStatus, c.exitSignal);
  return statusWord({ ...c.record, exited: false });
}
