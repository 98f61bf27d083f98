/**
 * `chatmux chat start REF` (what a UI on another machine runs there to start or restart a
 * chat, issue 14): a closed chat starts fresh, one whose program ended starts again in a new
 * session, a running one is left as is, an archived one is refused; nothing attaches.
 */
import { afterAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cleanEnv, globalArgs, runChatmux, tempProject } from './support/chatmux-cli';
import { killTestServer, testSocketName, waitFor } from './support/tmux';

const socket = testSocketName();
const p = tempProject();
afterAll(() => {
  killTestServer(socket);
  p.cleanup();
});

const cli = (...args: string[]) => runChatmux([...globalArgs(socket, p), ...args], { env: cleanEnv({ CHATMUX_START_KEY: 'k3y' }) });
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: cleanEnv() });
/** The chat's pane: its pid, whether it is dead, and its screen. */
function pane(ref: string): { id: string; pid: string; dead: boolean; screen: string } | null {
  let panes: string;
  try {
    panes = tmux('list-panes', '-a', '-F', '#{session_name}\t#{pane_pid}\t#{pane_dead}\t#{pane_id}');
  } catch {
    return null; // no server: its last session went
  }
  const line = panes.split('\n').find((l) => l.split('\t')[0]!.endsWith(`-${ref}`));
  if (!line) return null;
  const [, pid, dead, id] = line.split('\t');
  return { id: id!, pid: pid!, dead: dead === '1', screen: tmux('capture-pane', '-p', '-t', id!) };
}

test('chat start: closed → fresh, ended → started again, running → left, archived → refused', async () => {
  const made = await cli('chat', 'new', '--api-key-env', 'CHATMUX_START_KEY', '--', 'sh', '-c', 'echo "len=${#CHATMUX_START_KEY}"; read x; exit 4');
  expect([made.code, made.stderr]).toEqual([0, '']);
  const ref = made.stdout.trim();
  const first = await waitFor(() => (pane(ref)?.screen.includes('len=3') ? pane(ref) : null), 10000, 'running');

  // Running: left as is (same process).
  expect((await cli('chat', 'start', ref)).code).toBe(0);
  expect(pane(ref)!.pid).toBe(first!.pid);

  // Its program ended: started again, in a new process, with its key.
  tmux('send-keys', '-t', first!.id, 'Enter');
  await waitFor(() => (pane(ref)?.dead ? true : null), 10000, 'ended');
  const restarted = await cli('chat', 'start', ref);
  expect([restarted.code, restarted.stderr, restarted.stdout]).toEqual([0, '', '']);
  const again = await waitFor(() => {
    const x = pane(ref);
    return x && !x.dead && x.pid !== first!.pid && x.screen.includes('len=3') ? x : null;
  }, 10000, 'restarted');

  // Closed: started fresh.
  expect((await cli('chat', 'close', ref)).code).toBe(0);
  expect(pane(ref)).toBeNull();
  expect((await cli('chat', 'start', ref)).code).toBe(0);
  await waitFor(() => (pane(ref) && pane(ref)!.pid !== again.pid && pane(ref)!.screen.includes('len=3') ? true : null), 10000, 'started fresh');
  const listed = await cli('chat', 'list', '--json');
  expect((JSON.parse(listed.stdout) as Array<{ lifecycle: string }>)[0]!.lifecycle).toBe('running');

  // Archived: refused, one line, nothing started.
  expect((await cli('chat', 'archive', ref)).code).toBe(0);
  const refused = await cli('chat', 'start', ref);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/^chatmux: .*archived[^\n]*\n$/);
  expect(pane(ref)).toBeNull();
}, 60000);
