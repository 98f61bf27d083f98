/**
 * The one-line note over a chat pane that is not simply running (dead, closed, gone,
 * restoring), in the longest form that fits the pane: grid panes are narrow (issue 12.9). Pure.
 */
import { displayWidth } from './widths';

export type NoteState =
  | { kind: 'dead'; ended: string; endedShort: string; resumes: boolean }
  | { kind: 'closed' }
  | { kind: 'gone' }
  | { kind: 'restoring' }
  /** The chat's host is out of reach; `link` says how ("reconnecting (attempt 2)"). */
  | { kind: 'reconnecting'; host: string; link: string };

/** Longest first. */
function forms(s: NoteState, prefix: string): string[] {
  switch (s.kind) {
    case 'dead': {
      const restart = s.resumes ? 'R restart (resume)' : 'R restart';
      return [` ${s.ended} — ${restart} • X close`, ` ${s.endedShort}: R restart • X close`, ` ${s.endedShort}: R / X`];
    }
    case 'closed':
      return [` closed — press Enter (or ${prefix} o) to start it again`, ' closed — Enter starts it again', ' closed: Enter'];
    case 'gone':
      return [` no tmux session — ${prefix} o brings it back`, ` gone: ${prefix} o`];
    case 'restoring':
      return [' restoring…'];
    case 'reconnecting':
      return [` ${s.host}: ${s.link}… — the chat keeps running there`, ` ${s.host}: ${s.link}…`, ` ${s.link}…`];
  }
}

export function noteText(s: NoteState, width: number, prefix: string): string {
  const all = forms(s, prefix);
  return all.find((f) => displayWidth(f) <= width) ?? all[all.length - 1]!;
}
