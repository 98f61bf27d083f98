// List this project's chats, then print each chat's output as it arrives (Ctrl+C leaves them running).
import * as path from 'node:path';
import { LiveChats, makeChatContext } from 'chatmux';

async function main(): Promise<void> {
  const project = process.cwd();
  const stateDir = process.env.CHATMUX_STATE_DIR ?? path.join(project, '.chatmux');
  const ctx = makeChatContext({ project, stateDir, socket: process.env.CHATMUX_SOCKET ?? 'chatmux' });
  const live = await LiveChats.start(ctx, { width: 120, height: 40 });
  for (const c of live.list()) console.log(`${c.ref}\t${c.record.name}\t${c.record.executor}\t${c.record.state}`);
  // One control-mode connection carries every chat's pane output, as raw bytes.
  live.client.on('output', (paneId, bytes) => {
    const chat = live.list().find((c) => c.paneId === paneId);
    if (chat) process.stdout.write(`[${chat.record.name}] ${bytes.toString('utf8')}`);
  });
  // Remove only this program's view session; every chat keeps running in tmux.
  process.once('SIGINT', () => void live.leaveAll().then(() => process.exit(0)));
}

void main();
