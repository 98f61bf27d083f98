/** `chatmux sweep [--dry-run]`: the orphan sweep on demand. */
import type { Command } from '@commander-js/extra-typings';
import { sweep, type SweepReport } from '../api/chats';
import type { CliContext } from './context';
import { chatRuntime, requireTmux } from './chat-runtime';

function formatReport(r: SweepReport): string {
  const verb = r.dryRun ? 'would ' : '';
  const lines = [
    ...r.killed.map((a) => `${verb}kill   ${a.session}  (${a.reason})`),
    ...r.adopted.map((a) => `${verb}adopt  ${a.session} as ${a.ref}  (${a.reason})`),
    ...r.unknown.map((a) => `report ${a.session}  (${a.reason})`),
  ];
  return lines.length ? lines.join('\n') : 'nothing to sweep';
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('sweep')
    .description("kill this project's archived chats' sessions and stale UI view sessions; adopt chat sessions missing from the registry")
    .option('--dry-run', 'only say what would be done')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  chatmux sweep --dry-run')
    .action(async (opts) => {
      const rt = chatRuntime(context());
      const report = await sweep(requireTmux(rt, 'chatmux sweep'), rt.ctx, { dryRun: opts.dryRun });
      process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
    });
}
