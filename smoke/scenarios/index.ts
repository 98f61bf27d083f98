/** Every smoke scenario, in the order of issue 6. */
import type { Scenario } from '../harness';
import { AGENTS } from './agents';
import { CLEANUP } from './cleanup';
import { EXIT } from './exit';
import { PERSISTENCE } from './persistence';
import { TERMINALS } from './terminals';

const ORDER = [
  'chat_persists_across_tui_exit_claude',
  'chat_persists_across_tui_exit_codex',
  'chat_persists_mid_tool_call_codex',
  'chat_no_orphan_tmux_after_archive',
  'chat_orphan_tmux_swept_on_tui_start',
  'chat_falls_back_when_tmux_missing',
  'chat_attach_command_works',
  'chat_exit_prompt_leave_all',
  'chat_exit_prompt_close_all',
  'chat_exit_no_prompt_when_zero_chats',
  'nex_chat_in_tui_via_tmux',
  'chat_survives_sigkill_and_sighup',
  'chat_resumes_after_tmux_server_death',
  'per_chat_exit_prompt',
];

const all = [...PERSISTENCE, ...CLEANUP, ...TERMINALS, ...EXIT, ...AGENTS];

export const SCENARIOS: Scenario[] = ORDER.map((name) => {
  const s = all.find((x) => x.name === name);
  if (!s) throw new Error(`smoke scenario ${name} is missing`);
  return s;
});
