/**
 * Every benchmark in one run: parser and painting (their own scripts, as child processes),
 * then the end-to-end figures through a PTY (e2e.ts). Prints one table with verdicts and
 * writes bench/results/latest.json.
 *   npm run bench
 * Knobs (env): BENCH_ONLY=parser,paint,flood,echo,start,idle,state,ssh,hidden  BENCH_REPS=3  BENCH_FLOOD_MB=50
 *   BENCH_KEYS=200  BENCH_START_CHATS=50  BENCH_HISTORY_LINES=2000  BENCH_IDLE_CHATS=20
 *   BENCH_IDLE_SECONDS=30  BENCH_STATE_CHATS=20  BENCH_HIDDEN_FLOOD_MB=50  FUZZ_INPUTS=1000000
 *   CHATMUX_BENCH_UI_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the UI;
 *   CHATMUX_BENCH_BIN=/path/to/bin/chatmux measures another build.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COLS, REPS, ROWS, echoFigures, floodFigures, idleCpuFigures, startFigures, verdictAbove } from './e2e';
import { killAllServers } from './harness';
import { stateFigures } from './state';
import { sshFigures } from './ssh';
import { hiddenFigures } from './hidden';
import { RESULTS_DIR, printTable, writeResults, type Figure } from './report';

const GROUPS = ['parser', 'paint', 'flood', 'echo', 'start', 'idle', 'state', 'ssh', 'hidden'] as const;
type Group = (typeof GROUPS)[number];

function selected(): Group[] {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  return only ? GROUPS.filter((g) => only.includes(g)) : [...GROUPS];
}

const log = (msg: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** A benchmark script of its own (it writes its group into latest.json); we read its figures back. */
function childBench(script: string, group: string): Figure[] {
  const r = spawnSync(process.execPath, [path.join(__dirname, script)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}`);
  const all = JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8')) as Record<string, { figures: Figure[] }>;
  return all[group]!.figures;
}

/** Parser figures carry their targets as text; judge them here. */
function judgeParser(figures: Figure[]): Figure[] {
  return figures.map((f) => {
    if (f.unit === 'MB/s') return { ...f, verdict: verdictAbove(f.value, 200) };
    if (f.unit === 'escapes') return { ...f, verdict: f.value === 0 ? 'met' : 'missed' };
    return f;
  });
}

const RUNNERS: Record<Group, (tmp: string) => Promise<Figure[]>> = {
  parser: async () => judgeParser(childBench('parser.js', 'parser')),
  paint: async () => childBench('paint.js', 'paint'),
  flood: (tmp) => floodFigures(tmp),
  echo: () => echoFigures(),
  start: () => startFigures(),
  idle: () => idleCpuFigures(),
  state: () => stateFigures(COLS, ROWS, REPS),
  ssh: (tmp) => sshFigures(tmp),
  hidden: (tmp) => hiddenFigures(tmp, REPS),
};

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-bench-data-'));
  const t0 = Date.now();
  const all: Figure[] = [];
  let failed = 0;
  try {
    for (const g of selected()) {
      log(`${g}…`);
      try {
        const figures = await RUNNERS[g](tmp);
        if (g !== 'parser' && g !== 'paint') writeResults(g, figures, { cols: COLS, rows: ROWS, reps: REPS }, false);
        else writeResults(g, figures, {}, false);
        all.push(...figures);
      } catch (e) {
        failed++;
        log(`${g} failed: ${(e as Error).stack ?? e}`);
        all.push({ name: `${g}: failed (${(e as Error).message.split('\n')[0]})`, value: NaN, unit: '' });
      }
    }
  } finally {
    killAllServers();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  printTable(`chatmux benchmarks — ${os.cpus().length} cores, ${process.version}, PTY ${COLS}×${ROWS}, ${REPS} reps, ${((Date.now() - t0) / 1000).toFixed(0)} s`, all);
  for (const f of all) if (f.note) process.stdout.write(`  ${f.name}: ${f.note}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))}\n`);
  return failed ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAllServers();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    killAllServers();
    process.exit(1);
  },
);
