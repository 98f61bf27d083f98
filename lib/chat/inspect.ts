/** `chatmux sessions`: everything tmux knows on the socket, with the chat each session belongs to. */
import type { TmuxRunner } from '../control/exec';
import { listClients, listPanes, listWindows } from '../control/commands';
import { isNoServer } from '../control/errors';
import { listSessionsWithMeta, metaOf } from './metadata';
import { endedText } from './status';

export interface InspectedPane {
  id: string;
  pid: number;
  command: string;
  width: number;
  height: number;
  dead: boolean;
  exitStatus: number | null;
  exitSignal: number | null;
}

export interface InspectedWindow {
  id: string;
  index: number;
  name: string;
  width: number;
  height: number;
  /** How many sessions this window is linked into (chat + UI views). */
  linkedSessions: number;
  panes: InspectedPane[];
}

export interface InspectedSession {
  id: string;
  name: string;
  created: string;
  lastActivity: string;
  clients: { name: string; pid: number; controlMode: boolean; width: number; height: number }[];
  chat: { ref: string; name: string; role: string; executor: string; project: string } | null;
  view: boolean;
  windows: InspectedWindow[];
}

export interface Inspection {
  serverRunning: boolean;
  sessions: InspectedSession[];
}

const iso = (t: number): string => (t > 0 ? new Date(t * 1000).toISOString() : '');

/** Every session on the server with its windows, panes, clients and the chat it belongs to. */
export async function inspectServer(r: TmuxRunner): Promise<Inspection> {
  let sessions;
  try {
    sessions = await listSessionsWithMeta(r);
  } catch (err) {
    if (isNoServer(err)) return { serverRunning: false, sessions: [] };
    throw err;
  }
  if (sessions.length === 0) return { serverRunning: true, sessions: [] };
  const [windows, panes, clients] = await Promise.all([listWindows(r), listPanes(r, { all: true }), listClients(r)]);
  return {
    serverRunning: true,
    sessions: sessions.map((s) => {
      const meta = metaOf(s);
      return {
        id: s.id,
        name: s.name,
        created: iso(s.created),
        lastActivity: iso(s.activity),
        clients: clients.filter((c) => c.sessionId === s.id).map((c) => ({ name: c.name, pid: c.pid, controlMode: c.controlMode, width: c.width, height: c.height })),
        chat: meta ? { ref: meta.ref, name: meta.name, role: meta.role, executor: meta.executor, project: meta.project } : null,
        view: s.options['@chatmux-view'] === '1',
        windows: windows
          .filter((w) => w.sessionId === s.id)
          .map((w) => ({
            id: w.id, index: w.index, name: w.name, width: w.width, height: w.height, linkedSessions: w.linkedSessions,
            panes: panes
              .filter((p) => p.sessionId === s.id && p.windowId === w.id)
              .map((p) => ({ id: p.id, pid: p.pid, command: p.currentCommand, width: p.width, height: p.height, dead: p.dead, exitStatus: p.dead ? p.deadStatus : null, exitSignal: p.dead ? p.deadSignal : null })),
          })),
      };
    }),
  };
}

/** An inspection as `chatmux sessions` prints it. */
export function formatInspection(x: Inspection, socket: string): string {
  if (!x.serverRunning) return `no tmux server on socket ${socket}`;
  if (x.sessions.length === 0) return `socket ${socket}: no sessions`;
  const lines: string[] = [];
  for (const s of x.sessions) {
    const who = s.chat ? `chat ${s.chat.ref} "${s.chat.name}" (${s.chat.executor})` : s.view ? 'UI view' : 'not a chat';
    lines.push(`${s.name}  ${s.id}  ${who}`);
    lines.push(`  created ${s.created}  last activity ${s.lastActivity}  clients: ${s.clients.length ? s.clients.map((c) => `${c.name} pid ${c.pid}${c.controlMode ? ' (control)' : ''} ${c.width}x${c.height}`).join(', ') : 'none'}`);
    for (const w of s.windows) {
      lines.push(`  window ${w.id} #${w.index} ${JSON.stringify(w.name)} ${w.width}x${w.height}${w.linkedSessions > 1 ? ` linked into ${w.linkedSessions} sessions` : ''}`);
      for (const p of w.panes) {
        lines.push(`    pane ${p.id} pid ${p.pid} ${p.dead ? `dead (${p.exitStatus !== null ? `exit status ${p.exitStatus}` : endedText(null, p.exitSignal)})` : `running ${JSON.stringify(p.command)}`} ${p.width}x${p.height}`);
      }
    }
  }
  return lines.join('\n');
}
