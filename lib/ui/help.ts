/** The help dialog's text: one row per key, the descriptions in one column whatever the prefix. */
import { esc } from './dialogs';
import { displayWidth } from './widths';

const KEYS: Array<[string, string]> = [
  ['Alt+← / Alt+→', 'previous / next chat in tree order (wraps); with several\npanes the focus moves, a chat not shown takes its pane'],
  ['Alt+1 … Alt+9', 'jump to chat 1 … 9'],
  ['P n', 'new chat (executor, name, role, model, endpoint)'],
  ['P r', 'rename the focused chat'],
  ['P x', 'close the focused chat (stops it; it starts fresh next time)'],
  ['P a', 'archive the focused chat (asks first)'],
  ['P o', 'open a closed chat again'],
  ['P R', 'restart a dead agent (claude, codex, nex resume)'],
  ['P l', 'cycle layouts: one chat / two side by side / grid of four'],
  ['P i', 'inspector: the tmux state of the socket'],
  ['P w', 'next chat waiting for you (then idle ones), oldest first'],
  ['P s / P [', "scroll mode over all of tmux's history: PgUp/PgDn ↑↓,\ng top, G bottom, q or Esc back to live; the wheel scrolls too"],
  ['P t / P Tab', 'move focus between the tree and the chat\n(a bare Tab goes to the chat)'],
  ['P P', 'send the prefix key itself to the chat'],
  ['P ?', 'this help'],
  ['P q', 'quit (asks whether to leave chats running)'],
];

export function helpText(prefix: string): string {
  const rows = KEYS.map(([k, d]) => [k.replace(/\bP\b/g, prefix), d] as const);
  const col = Math.max(...rows.map(([k]) => displayWidth(k))) + 3;
  const lines = rows.map(([k, d]) => `  ${esc(k)}${' '.repeat(col - displayWidth(k))}${esc(d).replace(/\n/g, `\n${' '.repeat(col + 2)}`)}`);
  return [
    `{bold}Keys{/bold} (prefix = {bold}${esc(prefix)}{/bold}; every other key goes to the focused chat)`,
    '',
    ...lines,
    '',
    'In the tree: ↑↓ select, Enter focus the chat, n new chat, q quit, Ctrl+C twice quit.',
    'A dead agent\'s pane offers R (restart) and X (close).',
    'The mouse: a click focuses a chat; over a program that takes the mouse (claude,',
    'vim with mouse=a) clicks and the wheel go to it, else the wheel scrolls.',
    'Chats keep running in tmux when chatmux quits; the next start brings them back.',
  ].join('\n');
}
