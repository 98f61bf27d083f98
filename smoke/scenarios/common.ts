/** Steps several scenarios share, written as what a person does in the UI. */
import { check, sleep, until, type Harness } from '../harness';

export interface UiChat {
  executor: 'shell' | 'claude' | 'codex' | 'nex';
  name: string;
  model?: string;
  endpoint?: string;
  /** Name of the variable holding the API key. */
  keyEnv?: string;
}

/** Open the new-chat dialog (prefix n, or plain n on the welcome screen / tree), fill it, Enter. */
export async function newChatInUi(h: Harness, c: UiChat, viaWelcome = false): Promise<void> {
  if (viaWelcome) h.keys('n');
  else h.keys('C-o', 'n');
  await h.waitScreen('New chat');
  // The executor field takes the first letter of a choice; codex is the next after claude.
  if (c.executor === 'codex') {
    h.type('c');
    h.keys('Right');
  } else h.type(c.executor[0]!);
  h.keys('Tab');
  h.type(c.name);
  h.keys('Tab', 'Tab'); // role stays empty
  if (c.model) h.type(c.model);
  h.keys('Tab');
  if (c.endpoint) h.type(c.endpoint);
  h.keys('Tab');
  if (c.keyEnv) h.type(c.keyEnv);
  h.keys('Enter');
  await h.waitScreenGone('New chat', 10000);
  await h.waitScreen(new RegExp(`${c.name} • ${c.executor} • running`), 10000);
}

/**
 * Type a line into the focused chat, and once it shows, press Enter after a short pause, as a
 * person would (codex reads a burst of keys as a paste and an Enter inside it as a newline).
 */
export async function say(h: Harness, text: string): Promise<void> {
  h.type(text);
  await h.waitScreen(text, 10000);
  await sleep(300);
  h.keys('Enter');
}

/** Prefix q; expect the exit prompt for `n` chats (or none when n = 0); answer `key`. */
export async function quitUi(h: Harness, n: number, key: string): Promise<void> {
  h.keys('C-o', 'q');
  if (n > 0) {
    await h.waitScreen(`You have ${n} active chat${n === 1 ? '' : 's'}.`);
    h.keys(key);
  }
  const code = await h.waitExit(10000);
  check(code === 0, `chatmux exited with ${code} after quitting`);
}

/** The session of chat `ref` from `chatmux chat list`. */
export function sessionOf(h: Harness, ref: string): string {
  return h.chat(ref).session;
}

/** Wait for a text to appear in a chat's tmux pane (no UI involved). */
export async function waitPane(h: Harness, session: string, re: RegExp, timeoutMs = 10000): Promise<string> {
  let last = '';
  try {
    return await until(() => {
      last = h.capture(session);
      return re.test(last) ? last : null;
    }, timeoutMs, `${session} to show ${re}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- pane ---\n${last.split('\n').slice(-15).join('\n')}\n---`);
  }
}

/** The message count the echo stub put in its reply to `text` (it counts what the agent sent). */
export async function echoCount(h: Harness, text: string, timeoutMs = 30000): Promise<number> {
  // Real claude puts a system reminder before the text in the same message: match the text's end.
  const re = new RegExp(`${text} \\(messages: (\\d+)\\)`);
  const screen = await h.waitScreen(re, timeoutMs);
  return Number(re.exec(screen)![1]);
}

/** The last user message of a recorded model request (Messages or Responses body). */
export function lastUserText(body: unknown): string {
  const b = body as { messages?: unknown[]; input?: unknown[] };
  const list = (b.messages ?? b.input ?? []) as Array<{ role?: string; content?: unknown }>;
  const users = list.filter((m) => m.role === 'user');
  const c = users[users.length - 1]?.content;
  if (typeof c === 'string') return c;
  return Array.isArray(c) ? c.map((p: { text?: string }) => p.text ?? '').join('') : '';
}

/**
 * True when a request carries the user's turn `q` itself: its last user message is `q` (real
 * claude may put a system reminder first), not an agent's side request quoting it (codex asks
 * for a title with "…User prompt:\n<q>").
 */
export function isTurn(body: unknown, q: string): boolean {
  const t = lastUserText(body).trim();
  if (t === q) return true;
  return t.endsWith(q) && /<\/system-reminder>\s*$/.test(t.slice(0, t.length - q.length));
}
