// tmux control mode alone, no chats: a session, its output as bytes, a command typed into it.
import { ControlClient, linkWindow, newSession, sendText } from 'chatmux/control';

async function main(): Promise<void> {
  const socket = process.env.TMUX_SOCKET ?? 'mine'; // a tmux -L socket of your own
  const client = await ControlClient.connect({ server: { socket }, target: { newSession: { name: 'view' } } });
  client.on('output', (paneId, bytes) => process.stdout.write(bytes)); // or feed a terminal emulator
  client.on('closed', (reason) => console.log('tmux went away:', reason)); // "server killed", "detached", …
  const work = await newSession(client, { name: 'work', command: ['sh'] });
  await linkWindow(client, work.windowId, client.sessionId!); // its output now reaches this client
  await sendText(client, work.paneId, 'echo "hi from $0"\r');
}

void main();
