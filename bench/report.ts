/** Shared output for benchmarks: a readable table on stdout and JSON in bench/results/. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Spread over repetitions, when measured several times. */
  min?: number;
  max?: number;
  reference?: string;
  target?: string;
  /** met / missed and by how much (filled in by the run). */
  verdict?: string;
  note?: string;
}

export const RESULTS_DIR = path.join(__dirname, '..', '..', 'bench', 'results');

export function machine(): Record<string, unknown> {
  return { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), platform: process.platform };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export function printTable(title: string, figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.min !== undefined ? `${fmt(f.min)}–${fmt(f.max!)}` : '',
    f.reference ?? '',
    f.target ?? '',
    f.verdict ?? '',
  ]);
  const head = ['figure', 'median', 'min–max', 'reference', 'target', 'verdict'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  process.stdout.write(`\n${title}\n${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Merge this benchmark's figures into bench/results/latest.json (and its own file). */
export function writeResults(group: string, figures: Figure[], extra: Record<string, unknown> = {}, echo = true): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const latest = path.join(RESULTS_DIR, 'latest.json');
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(latest, 'utf8'));
  } catch {
    /* first run */
  }
  const entry = { at: new Date().toISOString(), machine: machine(), figures, ...extra };
  all[group] = entry;
  fs.writeFileSync(latest, JSON.stringify(all, null, 2) + '\n');
  fs.writeFileSync(path.join(RESULTS_DIR, `${group}.json`), JSON.stringify(entry, null, 2) + '\n');
  if (echo) process.stdout.write(JSON.stringify({ [group]: entry }) + '\n');
  return latest;
}
