/**
 * Agent state figures (issue 13): hook → UI latency (from the moment the hook program starts
 * until the UI's screen, as the user's terminal draws it, shows the change) and what one hook
 * call costs the agent. The idle-CPU figure (`idle` group) runs with the state machinery on:
 * every UI subscribes to the states.
 *   BENCH_ONLY=state  BENCH_STATE_CHATS=20  BENCH_REPS=3 (each rep: 5 waiting/idle round trips)
 */
import { spawnSync } from 'node:child_process';
import { hookProgram } from '../lib/chat/agent-report';
import { median } from './report';
import type { Figure } from './report';
import { makeProject, newChats, now, runUi, screenHas, sleep, stopUi, tmux, type PtyRun } from './harness';

const env = (name: string, dflt: number): number => (process.env[name] ? Number(process.env[name]) : dflt);

export async function stateFigures(cols: number, rows: number, reps: number): Promise<Figure[]> {
  const chats = env('BENCH_STATE_CHATS', 20);
  const p = makeProject();
  let ui: PtyRun | null = null;
  const latency: number[] = [];
  const hookMs: number[] = [];
  try {
    const names = Array.from({ length: chats }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
    await newChats(p, names.map((n) => ({ name: n, argv: ['sh', '-c', 'exec cat'] })));
    ui = runUi(p, cols, rows);
    await ui.until((s) => new RegExp(`Chats \\(${chats}\\)`).test(s.text()) && !/restoring \d+\/\d+/.test(s.text()), 60000, 'every chat shown');
    await sleep(1000);
    // A chat the UI does not show (the tree's first is on screen): its session by name.
    const row = tmux(p.socket, 'list-sessions', '-F', '#{session_name}\t#{@chatmux-name}').trim().split('\n').map((l) => l.split('\t')).find(([, n]) => n === names.at(-1));
    if (!row) throw new Error('no session for the last chat');
    const session = row[0]!;
    const hook = (word: string): number => {
      const t0 = now();
      const r = spawnSync(hookProgram(), ['state', word, p.socket, session], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`hook exited ${r.status}`);
      hookMs.push(now() - t0);
      return t0;
    };
    for (let i = 0; i < reps * 5; i++) {
      const t0 = hook('waiting');
      const shown = await ui.until(screenHas(/1 waiting/), 5000, 'waiting count shown');
      latency.push(shown - t0);
      hook('idle');
      await ui.until((s) => !/1 waiting/.test(s.text()), 5000, 'waiting count gone');
      await sleep(200);
    }
  } finally {
    if (ui) await stopUi(ui);
    await p.dispose();
  }
  const spread = (xs: number[]): { value: number; min: number; max: number } => ({ value: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
  const ok = (v: number, bound: number): string => (v < bound ? `met (${Math.round((1 - v / bound) * 100)} % under)` : `missed (by ${Math.round((v / bound - 1) * 100)} %)`);
  return [
    { name: `hook → UI shows the state (${chats} chats, chat off screen)`, ...spread(latency), unit: 'ms', target: '< 300 ms', verdict: ok(median(latency), 300), note: `${latency.length} round trips; from the hook's start to the outer terminal's screen` },
    { name: 'one hook call (sh + date + one tmux call)', ...spread(hookMs), unit: 'ms', target: '< 50 ms', verdict: ok(median(hookMs), 50) },
  ];
}
