/**
 * Hidden chats (issue 15.3/15.4), through the real UI in a PTY:
 * - UI CPU while a chat off screen floods (it is paused after its first output, so the flood
 *   stays in tmux), against the same UI idle;
 * - showing that chat: seconds from the key to its last line on screen (continue + capture);
 * - showing a chat that holds no emulator (50 chats × 2000 lines: the one before the first,
 *   which is not among the few restored ahead): seconds from the key to its screen.
 */
import { COLS, ROWS, RESTORING, env, floodFile, floodLoop, historyChats, spread } from './e2e';
import { chatPane, cpuSeconds, makeProject, now, runUi, screenHas, sleep, stopUi, tmux, type PtyRun } from './harness';
import type { Figure } from './report';

const ALT_RIGHT = '\x1b[1;3C';
const ALT_LEFT = '\x1b[1;3D';

/** CPU of `pid` in % of one core over `ms`. */
async function cpuOver(pid: number, ms: number): Promise<number> {
  const c0 = cpuSeconds(pid);
  const t0 = now();
  await sleep(ms);
  return ((cpuSeconds(pid) - c0) / ((now() - t0) / 1000)) * 100;
}

export async function hiddenFloodFigures(tmp: string, reps: number): Promise<Figure[]> {
  const mb = env('BENCH_HIDDEN_FLOOD_MB', 50);
  const file = floodFile(tmp, mb);
  const p = makeProject();
  let ui: PtyRun | null = null;
  const idle: number[] = [];
  const flooding: number[] = [];
  const floodS: number[] = [];
  const show: number[] = [];
  try {
    await p.newChat('quiet', ['cat']);
    await p.newChat('flood', floodLoop(file));
    const pane = chatPane(p, 'flood');
    ui = runUi(p, COLS, ROWS);
    await ui.until(screenHas('quiet • cmd • running'), 20000, 'quiet chat shown');
    await sleep(1500);
    for (let r = 1; r <= reps; r++) {
      idle.push(await cpuOver(ui.pid, 2000));
      // The flood starts in tmux, not through the UI: the chat stays off screen.
      const mark = `FLOOD-END-${r}.`;
      const c0 = cpuSeconds(ui.pid);
      const t0 = now();
      tmux(p.socket, 'send-keys', '-t', pane, 'Enter');
      while (!tmux(p.socket, 'capture-pane', '-p', '-t', pane).includes(mark)) await sleep(50);
      const s = (now() - t0) / 1000;
      floodS.push(s);
      flooding.push(((cpuSeconds(ui.pid) - c0) / s) * 100);
      // Shown: continued and re-captured; its end mark is on screen.
      const k0 = now();
      ui.write(ALT_RIGHT);
      await ui.until(screenHas(mark), 20000, `${mark} shown`);
      show.push((now() - k0) / 1000);
      ui.write(ALT_LEFT);
      await ui.until(screenHas(/quiet • cmd • running/), 20000, 'quiet shown again');
      await sleep(1000);
    }
  } finally {
    if (ui) await stopUi(ui);
    await p.dispose();
  }
  return [
    {
      name: `UI CPU while a chat off screen floods ${mb} MB`,
      ...spread(flooding), unit: '%',
      reference: `the same UI idle: ${spread(idle).value.toFixed(1)} %`,
      target: '≈ idle (< 2 %)',
      verdict: spread(flooding).value < 2 ? 'met' : `missed (${spread(flooding).value.toFixed(1)} %)`,
      note: `flood took ${spread(floodS).value.toFixed(2)} s in tmux; one core = 100 %`,
    },
    { name: 'show the flooded chat: key → its last line on screen', ...spread(show), unit: 's', target: '—' },
  ];
}

export async function coldShowFigures(reps: number): Promise<Figure[]> {
  const chats = env('BENCH_START_CHATS', 50);
  const lines = env('BENCH_HISTORY_LINES', 2000);
  const p = makeProject();
  const show: number[] = [];
  try {
    await historyChats(p, chats, lines);
    for (let r = 0; r < reps; r++) {
      const ui = runUi(p, COLS, ROWS);
      try {
        const last = new RegExp(`history line ${lines} of (c\\d+)`);
        await ui.until((s) => last.test(s.text()) && !RESTORING.test(s.text()), 60000, 'shown chats restored');
        const first = last.exec(ui.text())![1]!;
        await sleep(1000);
        const k0 = now();
        // The chat before the first one (wrapping): not among those restored ahead.
        ui.write(ALT_LEFT);
        await ui.until((s) => { const m = last.exec(s.text()); return !!m && m[1] !== first; }, 20000, 'another chat shown');
        show.push((now() - k0) / 1000);
      } finally {
        await stopUi(ui);
      }
    }
  } finally {
    await p.dispose();
  }
  return [{ name: `show a chat holding no emulator (${lines} lines): key → its screen`, ...spread(show), unit: 's', target: '—' }];
}

/** Both, for run.ts. */
export async function hiddenFigures(tmp: string, reps: number): Promise<Figure[]> {
  return [...(await hiddenFloodFigures(tmp, reps)), ...(await coldShowFigures(reps))];
}
