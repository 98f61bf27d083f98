/**
 * `npm run smoke [-- NAME…]`: run the smoke scenarios (all, or those whose name contains one
 * of the arguments), one at a time. Prints PASS/FAIL/SKIP per scenario, the total time, and a
 * final `N passed, N failed[, N skipped]` line; exits 1 when any failed.
 */
import { execFileSync } from 'node:child_process';
import { Harness, Skip, type Scenario } from './harness';
import { SCENARIOS } from './scenarios';

/** Per-scenario limit: a hung scenario fails instead of stalling the run. */
const SCENARIO_TIMEOUT_MS = 90_000;

async function runOne(s: Scenario): Promise<{ status: 'PASS' | 'FAIL' | 'SKIP'; detail: string; notes: string[]; seconds: number }> {
  const h = new Harness(s.name);
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      s.run(h),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`scenario took longer than ${SCENARIO_TIMEOUT_MS / 1000} s`)), SCENARIO_TIMEOUT_MS))),
    ]);
    return { status: 'PASS', detail: '', notes: h.notes, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    const status = e instanceof Skip ? 'SKIP' : 'FAIL';
    const detail = status === 'FAIL' ? `${(e as Error).message}${h.uiLogTail()}` : (e as Error).message;
    return { status, detail, notes: h.notes, seconds: (Date.now() - t0) / 1000 };
  } finally {
    clearTimeout(timer);
    h.cleanup();
    await h.removeFiles().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const chosen = filters.length ? SCENARIOS.filter((s) => filters.some((f) => s.name.includes(f))) : SCENARIOS;
  if (chosen.length === 0) {
    process.stderr.write(`no scenario matches ${filters.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    process.exit(2);
  }
  let noTmux = '';
  try {
    process.stdout.write(`smoke: ${chosen.length} scenarios, ${execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim()}, node ${process.version}\n`);
  } catch {
    noTmux = 'tmux is not installed: every scenario needs it for the outer terminal';
  }
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  const skipped: string[] = [];
  for (const s of chosen) {
    const r = noTmux ? { status: 'SKIP' as const, detail: noTmux, notes: [], seconds: 0 } : await runOne(s);
    if (r.status === 'PASS') {
      passed++;
      process.stdout.write(`PASS ${s.name} (${r.seconds.toFixed(1)}s)\n`);
    } else if (r.status === 'SKIP') {
      skipped.push(s.name);
      process.stdout.write(`SKIP ${s.name}: ${r.detail}\n`);
    } else {
      failed++;
      process.stdout.write(`FAIL ${s.name}: ${r.detail.replace(/\n/g, '\n    ')}\n`);
    }
    for (const n of r.notes) process.stdout.write(`    note: ${n}\n`);
  }
  process.stdout.write(`\nsmoke total time: ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
  if (skipped.length) process.stdout.write(`skipped: ${skipped.join(', ')}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
