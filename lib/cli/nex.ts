/** `chatmux nex`: the built-in chat agent for OpenAI-compatible endpoints (what a nex chat runs). */
import type { Command } from '@commander-js/extra-typings';
import * as path from 'node:path';
import type { CliContext } from './context';
import { UsageError } from './context';
import { EndpointError, normaliseEndpoint } from '../agents/nex/endpoint';
import { runRepl } from '../agents/nex/repl';
import { DEFAULT_TIMEOUT_MS } from '../agents/nex/client';
import { keyFromEnv, KeyEnvError } from '../agents/nex/key';
import { chatStateReporter } from '../api/chats';

function checkModel(model: string): string {
  if (!model.trim()) throw new UsageError('-m MODEL is empty');
  if (/[\u0000-\u001f\u007f]/.test(model)) throw new UsageError('-m MODEL contains control characters');
  return model;
}

function parseTimeout(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout ${JSON.stringify(v)}: give a number of seconds > 0`);
  return Math.round(n * 1000);
}

function parseBytes(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1024) throw new UsageError(`--log-max-bytes ${JSON.stringify(v)}: give a whole number of bytes >= 1024`);
  return n;
}

export function register(program: Command, _context: () => CliContext): void {
  program
    .command('nex')
    .description('chat with a model on an OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp, Ollama, OpenAI …)')
    .requiredOption('-m, --model <model>', 'model name as the server knows it')
    .requiredOption('-e, --endpoint <url>', 'server URL, with or without /v1 (e.g. http://gpu-box:8000)')
    .option('--resume', 'reload the transcript, show the last turns and continue that conversation')
    .option('--continue', 'continue the transcript as it is (no clearing; earlier turns shown only if there are any)')
    .option('--transcript <file>', 'append every completed turn to this JSONL file')
    .option('--system <text>', 'system prompt')
    .option('--api-key-env <var>', 'environment variable holding the API key (default: none; no other variable is ever read)')
    .option('--log <file>', 'also append error lines to this file')
    .option('--log-max-bytes <n>', 'rotate the --log file at this size, keeping one old generation (default 4 MiB)')
    .option('--timeout <seconds>', `give up when the reply makes no progress for this long: no text before it starts or between pieces; keep-alive comments do not count (default ${DEFAULT_TIMEOUT_MS / 1000})`)
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  export MY_KEY=…   # only if the server needs a key',
        '  chatmux nex -m qwen3-coder -e http://gpu-box:8000/v1 --api-key-env MY_KEY --transcript chat.jsonl',
        '',
        'In the chat: a line ending in \\ continues the message; /clear, /exit, /help; Ctrl+C cancels a reply.',
      ].join('\n'),
    )
    .action(async (opts) => {
      let endpoint;
      try {
        endpoint = normaliseEndpoint(opts.endpoint);
      } catch (e) {
        if (e instanceof EndpointError) throw new UsageError(`-e: ${e.message}`);
        throw e;
      }
      const model = checkModel(opts.model);
      if (opts.resume && !opts.transcript) throw new UsageError('--resume needs --transcript FILE (the conversation to continue)');
      if (opts.continue && !opts.transcript) throw new UsageError('--continue needs --transcript FILE');
      const logMaxBytes = opts.logMaxBytes !== undefined ? parseBytes(opts.logMaxBytes) : undefined;
      const timeoutMs = opts.timeout !== undefined ? parseTimeout(opts.timeout) : undefined;
      let key;
      try {
        key = keyFromEnv(opts.apiKeyEnv);
      } catch (e) {
        if (e instanceof KeyEnvError) throw new UsageError(e.message);
        throw e;
      }
      if (key.warning) process.stderr.write(`warning: ${key.warning}\n`);

      const repl = runRepl({
        endpoint,
        model,
        apiKey: key.apiKey,
        keyVar: key.keyVar,
        transcriptPath: opts.transcript ? path.resolve(opts.transcript) : undefined,
        system: opts.system,
        resume: opts.resume === true,
        continueTranscript: opts.continue === true,
        logFile: opts.log ? path.resolve(opts.log) : undefined,
        logMaxBytes,
        timeoutMs,
        onState: chatStateReporter(process.env) ?? undefined,
      });
      // Without a terminal (pipes, `kill -INT`) Ctrl+C arrives as a signal, not a key.
      const onSigint = (): void => repl.interrupt();
      process.on('SIGINT', onSigint);
      try {
        await repl.done;
      } finally {
        process.off('SIGINT', onSigint);
        // /exit with the input still open (a pane, a pipe): let go of it so the process can end.
        process.stdin.destroy();
      }
    });
}
