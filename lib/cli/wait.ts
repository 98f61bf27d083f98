/** `chatmux wait REF… --until idle|waiting|exited|any [--timeout S]`: block until every named chat is there. */
import { Command, Option } from '@commander-js/extra-typings';
import { chatSessionName, isChatRef, openStateConnection, readRegistry, type AgentStateWord } from '../api/chats';
import type { CliContext } from './context';
import { UsageError } from './context';
import { chatRuntime, requireTmux } from './chat-runtime';

export const UNTIL = ['idle', 'waiting', 'exited', 'any'] as const;
export type Until = (typeof UNTIL)[number];

/** Whether a chat in `state` satisfies `--until` (exited: a closed chat is gone too; any: anything but working). */
export function reached(until: Until, state: AgentStateWord): boolean {
  switch (until) {
    case 'idle':
      return state === 'idle';
    case 'waiting':
      return state === 'waiting';
    case 'exited':
      return state === 'exited' || state === 'closed';
    case 'any':
      return state !== 'working';
  }
}

function parseTimeout(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--timeout ${JSON.stringify(v)}: give a number of seconds ≥ 0`);
  return n * 1000;
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('wait')
    .description('wait until every named chat reaches a state (exit 0), or the timeout passes (exit 1)')
    .argument('<refs...>', 'the chats, e.g. chat-3 chat-4')
    .addOption(new Option('--until <state>', 'idle, waiting (for you), exited, or any (anything but working)').choices(UNTIL).makeOptionMandatory())
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1)')
    .addHelpText('after', '\nExample:\n  chatmux chat send chat-3 "run the tests" && chatmux wait chat-3 --until idle --timeout 600')
    .action(async (refs, opts) => {
      for (const ref of refs) if (!isChatRef(ref)) throw new UsageError(`'${ref}' is not a chat ref (they look like chat-3; see chatmux chat list)`);
      const timeoutMs = opts.timeout === undefined ? null : parseTimeout(opts.timeout);
      const rt = chatRuntime(context());
      requireTmux(rt, 'chatmux wait');
      const known = new Set((await readRegistry(rt.ctx)).chats.map((c) => c.ref));
      const missing = refs.filter((r) => !known.has(r));
      if (missing.length > 0) throw new UsageError(`no such chat: ${missing.join(', ')} (see chatmux chat list)`);
      const until = opts.until as Until;
      const sessions = refs.map((ref) => chatSessionName(rt.ctx.tag, ref));
      const conn = await openStateConnection(rt.ctx);
      try {
        const outcome = await new Promise<'reached' | 'timeout' | string>((resolve) => {
          const check = (): void => {
            if (sessions.every((s) => reached(until, conn.watch.state(s).state))) resolve('reached');
          };
          conn.watch.on('changed', check);
          void conn.client.closed.then((reason) => resolve(`the tmux connection ended (${reason})`));
          if (timeoutMs !== null) setTimeout(() => resolve('timeout'), timeoutMs).unref();
          check();
        });
        if (outcome !== 'reached') {
          const now = sessions.map((s, i) => `${refs[i]} ${conn.watch.state(s).state}`).join(', ');
          process.stderr.write(outcome === 'timeout' ? `chatmux: timed out waiting for ${until} (${now})\n` : `chatmux: ${outcome}\n`);
          process.exitCode = 1;
        }
      } finally {
        await conn.close();
      }
    });
}
