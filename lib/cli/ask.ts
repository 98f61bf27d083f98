/** `chatmux ask REF MESSAGE`: one headless turn in a codex or nex chat; the reply goes to stdout. */
import type { Command } from '@commander-js/extra-typings';
import { askChat, getChat, isChatRef, makeChatContext } from '../api/chats';
import type { CliContext } from './context';
import { UsageError } from './context';
import { chatRuntime, mapInputErrors, resumeLostChats } from './chat-runtime';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    process.stdin.on('data', (b: Buffer) => parts.push(b));
    process.stdin.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/**
 * Lost chats come back after the turn, not before: a resumed codex pane would hold the chat's
 * session (codex lets one process write it) and fail the turn, and a resumed pane (codex or nex)
 * loads the conversation when it starts, so it shows the turn just asked. ask itself needs no
 * tmux: without a usable one there is nothing to bring back.
 */
async function resumeLostAfterAsk(cli: CliContext): Promise<void> {
  let rt: ReturnType<typeof chatRuntime>;
  try {
    rt = chatRuntime(cli);
  } catch {
    return;
  }
  await resumeLostChats(rt);
}

export function register(program: Command, context: () => CliContext): void {
  program
    .command('ask')
    .description("one headless turn in a codex or nex chat's own conversation: prints the reply (no tmux needed)")
    .argument('<ref>', 'the chat, e.g. chat-3')
    .argument('[message...]', 'the message (words are joined with spaces); without it, stdin is read')
    .addHelpText(
      'after',
      [
        '',
        'codex chats run `codex exec resume <the chat\'s session>` with the chat\'s model, endpoint and key;',
        'nex chats send one request with the chat\'s transcript as history. The turn is recorded in the',
        'chat\'s transcript; a failure prints one line on stderr (exit 1) and goes to its stderr log.',
        '',
        'Example:',
        '  export MY_KEY=…',
        '  ref=$(chatmux chat new --executor codex -m qwen3-coder -e http://gpu-box:30000 --api-key-env MY_KEY)',
        '  chatmux ask "$ref" "list the TODOs in src/"',
        '  git diff | chatmux ask "$ref"',
      ].join('\n'),
    )
    .action(async (ref, words) => {
      if (!isChatRef(ref)) throw new UsageError(`'${ref}' is not a chat ref (they look like chat-3; see chatmux chat list)`);
      const message = words.length > 0 ? words.join(' ') : await readStdin();
      const cli = context();
      const ctx = makeChatContext(cli);
      await mapInputErrors(() => getChat(ctx, ref));
      try {
        const reply = await mapInputErrors(() => askChat(ctx, ref, { message }));
        process.stdout.write(reply.endsWith('\n') ? reply : reply + '\n');
      } finally {
        await resumeLostAfterAsk(cli);
      }
    });
}
