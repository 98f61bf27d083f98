/**
 * Agent state per chat (issue 13): working, waiting (for the user), idle, stalled, exited, closed.
 *
 * Where each state comes from:
 * - claude, codex, nex report it themselves: `bin/chatmux-hook` (claude hooks, codex notify) and
 *   nex write the chat session's user options `@chatmux-state` and `@chatmux-state-since`
 *   (epoch seconds) with one tmux call, which also renames the chat's window to its own name —
 *   the one notification every control client gets at once (subscriptions are checked by tmux
 *   only once a second).
 * - shell and cmd: tmux itself compares the pane's foreground command with the chat's
 *   `@chatmux-idle-command` (its shell, or its command); a watcher that sees the result differ
 *   from the stored state writes it, so the since-time is shared by every reader.
 * - stalled is never stored: a reader derives it (working, and no output for the stall time).
 * - exited: the pane is dead (remain-on-exit); closed: no session.
 *
 * Everything is read with ONE format, per session, used both by `list-sessions -F` (CLI) and,
 * looped over every session (`#{S:…}`), by a control-mode subscription (UI, events, wait).
 */
import type { TmuxRunner } from '../control/exec';
import { nudgeWindow, setOption } from '../control/commands';

/** The states a chat's agent can be in, as `chatmux chat list` and `chatmux wait` name them. */
export const AGENT_STATES = ['working', 'waiting', 'idle', 'stalled', 'exited', 'closed'] as const;
export type AgentStateWord = (typeof AGENT_STATES)[number];

/** What hooks, nex and watchers may store; the rest is derived. */
export const REPORTED_STATES = ['working', 'waiting', 'idle'] as const;
export type ReportedState = (typeof REPORTED_STATES)[number];

export const STATE_OPTION = '@chatmux-state';
export const SINCE_OPTION = '@chatmux-state-since';
/** How many turns ended (hooks count them in the server): a short working spell a reader missed still shows. */
export const TURNS_OPTION = '@chatmux-turns';
/** shell/cmd: the foreground command that means "nothing running" (basename). */
export const IDLE_COMMAND_OPTION = '@chatmux-idle-command';

export interface AgentState {
  state: AgentStateWord;
  /** Epoch ms the state was entered; null when nobody saw it start (e.g. a shell read by the CLI). */
  since: number | null;
  exitStatus: number | null;
  /** Turns ended so far (0 when nobody counts: shell, cmd). */
  turns: number;
}

/** One session's raw reading. */
export interface RawChatState {
  session: string;
  reported: ReportedState | null;
  /** Epoch seconds. */
  reportedSince: number | null;
  dead: boolean;
  deadStatus: number | null;
  /** shell/cmd: the foreground command is the idle one; null for agents (they report). */
  foregroundIdle: boolean | null;
  /** Epoch seconds of the window's last output, given only while it may be working. */
  activity: number | null;
  turns: number;
}

const DEFAULT_STALL_SECONDS = 300;

/** Working with no output this long is stalled: CHATMUX_STALL_SECONDS (tests shorten it). */
export function stallMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.CHATMUX_STALL_SECONDS);
  return (Number.isFinite(v) && v > 0 ? v : DEFAULT_STALL_SECONDS) * 1000;
}

const FG_IDLE = `#{?#{${IDLE_COMMAND_OPTION}},#{?#{==:#{pane_current_command},#{${IDLE_COMMAND_OPTION}}},1,0},-}`;
const MAY_WORK = `#{||:#{==:#{${STATE_OPTION}},working},#{==:${FG_IDLE},0}}`;

/**
 * One session as `name|state|since|dead|status|fg|activity|turns;` (our own values only: session
 * names, state words, digits — no user text). Activity only while it may be working, so a
 * chat printing while idle does not wake every subscriber each second.
 */
export const SESSION_STATE_FORMAT =
  `#{session_name}|#{${STATE_OPTION}}|#{${SINCE_OPTION}}|#{pane_dead}|#{pane_dead_status}|${FG_IDLE}|#{?${MAY_WORK},#{window_activity},}|#{${TURNS_OPTION}};`;

/** Every session's reading in one value (for a session subscription). */
export const ALL_STATES_FORMAT = `#{S:${SESSION_STATE_FORMAT}}`;

const num = (s: string | undefined): number | null => (s && /^\d+$/.test(s) ? Number(s) : null);

/** Parse `SESSION_STATE_FORMAT` records; malformed ones are dropped. */
export function parseStates(text: string): Map<string, RawChatState> {
  const out = new Map<string, RawChatState>();
  for (const rec of text.split(';')) {
    const f = rec.trim().split('|');
    if (f.length !== 8 || !f[0]) continue;
    const reported = (REPORTED_STATES as readonly string[]).includes(f[1]!) ? (f[1] as ReportedState) : null;
    out.set(f[0], {
      session: f[0],
      reported,
      reportedSince: reported ? num(f[2]) : null,
      dead: f[3] === '1',
      deadStatus: f[3] === '1' ? num(f[4]) : null,
      foregroundIdle: f[5] === '1' ? true : f[5] === '0' ? false : null,
      activity: num(f[6]),
      turns: num(f[7]) ?? 0,
    });
  }
  return out;
}

/** What a shell/cmd chat is doing by its foreground command (null: an agent, which reports). */
export function derivedReport(raw: RawChatState): ReportedState | null {
  if (raw.foregroundIdle === null || raw.dead) return null;
  return raw.foregroundIdle ? 'idle' : 'working';
}

/** The state a reader shows at `now` (epoch ms). No session: closed. */
export function effectiveState(raw: RawChatState | undefined, now: number, stall: number): AgentState {
  if (!raw) return { state: 'closed', since: null, exitStatus: null, turns: 0 };
  const turns = raw.turns;
  if (raw.dead) return { state: 'exited', since: null, exitStatus: raw.deadStatus, turns };
  const derived = derivedReport(raw);
  const reported = raw.reported ?? 'idle';
  const state = derived ?? reported;
  const since = (derived === null || derived === raw.reported) && raw.reportedSince !== null ? raw.reportedSince * 1000 : null;
  const deadline = stallDeadline(raw, state, since, stall);
  if (deadline !== null && now >= deadline) return { state: 'stalled', since: deadline, exitStatus: null, turns };
  return { state, since, exitStatus: null, turns };
}

/** When a working chat turns stalled if nothing is printed (epoch ms), else null. */
function stallDeadline(raw: RawChatState, state: ReportedState, since: number | null, stall: number): number | null {
  if (state !== 'working') return null;
  const last = Math.max((raw.activity ?? 0) * 1000, since ?? 0);
  return last > 0 ? last + stall : null;
}

/** effectiveState with the stall time of this process (CHATMUX_STALL_SECONDS). */
export function stateAt(raw: RawChatState | undefined, now = Date.now()): AgentState {
  return effectiveState(raw, now, stallMs());
}

/** The next moment `stateAt` would answer differently without new input (a stall), or null. */
export function nextStallAt(raw: RawChatState, now = Date.now()): number | null {
  const s = stateAt(raw, now);
  if (s.state !== 'working') return null;
  return stallDeadline(raw, 'working', s.since, stallMs());
}

/** Every session's reading (one list-sessions). */
export async function readStates(r: TmuxRunner): Promise<Map<string, RawChatState>> {
  const lines = await r.run(['list-sessions', '-F', SESSION_STATE_FORMAT]);
  return parseStates(lines.join(''));
}

/** Store a state (since: epoch ms, stored in seconds) for a session (`$id` or `=name`), and tell every UI. */
export async function writeState(r: TmuxRunner, session: string, state: ReportedState, since = Date.now(), nudge = true): Promise<void> {
  // set-option's target is a pane: a bare `=name` is not taken for the session (and -q hides that).
  const target = session.startsWith('=') ? `${session}:` : session;
  await setOption(r, { session: target }, STATE_OPTION, state);
  await setOption(r, { session: target }, SINCE_OPTION, String(Math.floor(since / 1000)));
  if (nudge) await nudgeWindow(r, target);
}

/**
 * At session start: agents begin idle (at their prompt) until their first report; a shell gets
 * the command that means idle (the shell itself). A cmd chat is derived the same way only when
 * it runs an interactive shell (`bash`, `zsh -l`, not `sh -c …`): any other program may hand
 * the foreground to whatever it runs (`sh -c '…; exec cat'`), so it shows what it reports
 * (`chatmux-hook state`), else idle.
 */
export async function writeInitialState(r: TmuxRunner, session: string, executor: string, argv: readonly string[]): Promise<void> {
  const name = commandName(argv[0] ?? '');
  const interactiveShell = SHELLS.has(name) && !argv.slice(1).some((a) => a === '-c' || /^-[a-z]*c[a-z]*$/.test(a));
  if (executor === 'shell' || (executor === 'cmd' && interactiveShell)) await setOption(r, { session }, IDLE_COMMAND_OPTION, name);
  await writeState(r, session, 'idle', Date.now(), false);
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'ash', 'nu', 'elvish', 'xonsh']);

/** How tmux names a foreground command: the basename, without a login shell's '-'. */
export function commandName(argv0: string): string {
  return (argv0.split('/').pop() ?? argv0).replace(/^-/, '');
}

/** "working", "exited(1)", … as a word for tables. */
export function stateWord(s: Pick<AgentState, 'state' | 'exitStatus'>): string {
  return s.state === 'exited' && s.exitStatus !== null ? `exited(${s.exitStatus})` : s.state;
}

/**
 * The user submitted input to a chat (Enter through chatmux: the UI or `chat send`). codex
 * tells nobody that a turn started (its notify program only hears "turn complete"; its own
 * hooks need the user's trust), so for codex this is taken as working — inferred, not reported:
 * an Enter on an empty prompt looks the same, and Enter typed in a plain `tmux attach` is not seen.
 */
export async function inputSubmitted(r: TmuxRunner, chat: { executor: string; session: string }): Promise<void> {
  if (chat.executor === 'codex') await writeState(r, `=${chat.session}`, 'working');
}
