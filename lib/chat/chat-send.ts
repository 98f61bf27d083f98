/**
 * Typing into a chat from outside it (`chatmux chat send`): text, a paste or exact bytes,
 * then Enter.
 */
import type { TmuxRunner } from '../control/exec';
import { cancelMode, pasteText, sendBytes, sendKeyNames, sendText } from '../control/commands';
import { inputSubmitted } from './agent-state';
import { getChat } from './chat-record';
import { chatPane } from './chat-session';
import type { ChatContext } from './context';
import { ChatStateError } from './errors';
import { endedText } from './status';
import { ChatInputError, checkText } from './validate';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Delay between the text and its Enter: Ink apps read a CR arriving with the text as a newline. */
export const ENTER_DELAY_MS = 100;

function isValidUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Type text into the chat, then Enter. Single-line text is typed literally (`send-keys -l`);
 * multi-line text is pasted (bracketed when the app asked for it) so newlines do not submit;
 * bytes that are not UTF-8 are sent exactly (`send-keys -H`).
 */
export async function sendToChat(r: TmuxRunner, ctx: ChatContext, ref: string, input: string | Buffer, o: { enter?: boolean } = {}): Promise<void> {
  // Refused before anything is typed: a library caller may pass anything, and tmux takes no NUL in text.
  if (!Buffer.isBuffer(input)) checkText('the text to send', input);
  if (typeof input === 'string' && input.includes('\0')) throw new ChatInputError('the text to send contains a NUL byte; pass a Buffer to send exact bytes');
  const chat = await getChat(ctx, ref, r);
  if (chat.state !== 'running') throw new ChatStateError(`${ref} is ${chat.state}; start it with: chatmux chat attach ${ref}`);
  const pane = await chatPane(r, ctx, chat);
  if (!pane) throw new ChatStateError(`${ref} has no tmux session (the server was stopped?); run chatmux chat list to bring it back`);
  if (pane.dead) throw new ChatStateError(`${ref}'s program ended (${endedText(pane.deadStatus, pane.deadSignal)}); chatmux chat close ${ref} and open it again`);
  // In copy mode the keys would be copy-mode commands, not text for the agent.
  if (pane.inMode) await cancelMode(r, pane.id);
  // A NUL cannot be typed as text either: bytes holding one are sent exactly too.
  if (Buffer.isBuffer(input) && (!isValidUtf8(input) || input.includes(0))) {
    let bytes = input;
    if (bytes[bytes.length - 1] === 0x0a) bytes = bytes.subarray(0, bytes.length - 1);
    await sendBytes(r, pane.id, bytes);
  } else {
    const text = (Buffer.isBuffer(input) ? input.toString('utf8') : input).replace(/\r?\n$/, '');
    if (text.includes('\n')) await pasteText(r, pane.id, text);
    else if (text !== '') await sendText(r, pane.id, text);
  }
  if (o.enter !== false) {
    await sleep(ENTER_DELAY_MS);
    await sendKeyNames(r, pane.id, ['Enter']);
    await inputSubmitted(r, chat).catch(() => undefined);
  }
}
