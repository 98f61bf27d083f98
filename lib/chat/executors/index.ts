/** The executor modules by name. */
import type { ExecutorName } from '../registry';
import { claude } from './claude';
import { codex } from './codex';
import { nex } from './nex';
import { shell } from './shell';
import { cmd } from './cmd';
import type { Executor } from './types';

export type { Executor, LaunchSpec, LaunchInput } from './types';

const EXECUTOR_MODULES: Record<ExecutorName, Executor> = { claude, codex, nex, shell, cmd };

export function executorFor(name: ExecutorName): Executor {
  return EXECUTOR_MODULES[name];
}
