/**
 * nex: chatmux's built-in agent (`chatmux nex`), run with the same node and the same
 * bin/chatmux this process came from. Its conversation lives in the chat's own
 * transcript, so resume = the same command with `--resume`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chatFiles } from '../context';
import { logFileMaxBytes } from '../logs';
import type { Executor, LaunchInput, LaunchSpec } from './types';
import { keyEnv } from './types';
import { appendClear, readTranscript } from '../../agents/nex/transcript';

/** Start the conversation again: earlier turns stay in the file for the record, behind a clear line. */
function clearTranscript(file: string): void {
  if (readTranscript(file).turns.length > 0) appendClear(file);
}

/** The chatmux package root (works from lib/ under jest and from dist/lib/ when built). */
export function packageRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'bin', 'chatmux'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the chatmux package above ${from}`);
    dir = up;
  }
}

export function chatmuxCommand(): string[] {
  return [process.execPath, path.join(packageRoot(), 'bin', 'chatmux')];
}

function spec(input: LaunchInput, resume: boolean): LaunchSpec {
  const { chat, ctx } = input;
  const files = chatFiles(ctx, chat.ref);
  const argv = [...chatmuxCommand(), 'nex'];
  if (chat.model) argv.push('-m', chat.model);
  if (chat.endpoint) argv.push('-e', chat.endpoint);
  argv.push('--transcript', files.transcript, '--log', files.stderrLog, '--log-max-bytes', String(logFileMaxBytes()));
  if (chat.apiKeyEnv) argv.push('--api-key-env', chat.apiKeyEnv);
  // A fresh start clears the transcript here, before the pane exists, and the pane's nex only
  // continues it: clearing in nex itself raced a `chatmux ask` made before nex had started.
  argv.push(resume ? '--resume' : '--continue');
  argv.push(...chat.argv);
  // nex keeps the pane's terminal on stdin, stdout and stderr; it appends its error lines here itself.
  const prepare = resume ? undefined : () => clearTranscript(files.transcript);
  return { argv, env: keyEnv(input), teeStderr: false, prepare, logNote: 'error lines of chatmux nex (it writes them itself via --log; its terminal is the pane\'s)' };
}

export const nex: Executor = {
  name: 'nex',
  fresh(input) {
    input.chat.resumeId = null;
    return spec(input, false);
  },
  resume(input) {
    return spec(input, true);
  },
};
