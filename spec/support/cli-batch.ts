/**
 * Many chatmux command lines in one Node process (fixtures/hostile-corpus-run.ts runs them
 * through the CLI's own `main()`): for corpora of hundreds of cases. Needs a build.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Step, StepResult } from '../../fixtures/hostile-corpus-run';
import { cleanEnv, ROOT, runProcess } from './chatmux-cli';

export type { Step, StepResult };

const RUNNER = path.join(ROOT, 'dist', 'fixtures', 'hostile-corpus-run.js');

export async function runBatch(steps: readonly Step[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<StepResult[]> {
  const r = await runProcess(process.execPath, [RUNNER], { input: JSON.stringify(steps), cwd: o.cwd, env: o.env ?? cleanEnv(), timeoutMs: o.timeoutMs ?? 120000 });
  if (r.code !== 0) throw new Error(`batch runner exited ${r.code}: ${r.stderr}`);
  const results = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as StepResult);
  if (results.length !== steps.length) throw new Error(`batch runner gave ${results.length} results for ${steps.length} steps: ${r.stderr}`);
  return results;
}

/** Every file named `canary` under `root`, or in the places a stray command's cwd could be. */
export function findCanaries(root: string, canary: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === canary) found.push(path.join(d, e.name));
      else if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(root);
  for (const d of [process.cwd(), os.homedir(), os.tmpdir(), '/']) for (const n of fs.readdirSync(d)) if (n === canary) found.push(path.join(d, n));
  return found;
}
