/**
 * What the user does to a chat from a UI — types or pastes into it (the window takes this UI's
 * size; Enter tells the agent-state hooks), new, close, archive, rename, open again, restart
 * after its agent died — on this machine through lifecycle.ts over the UI's own connection, or
 * on a remote host by that host's chatmux (remote-actions.ts). Each of those ends with a backfill so the list shows the result at once.
 */
import { pasteText, sendBytes } from '../control/commands';
import { inputSubmitted } from './agent-state';
import {
  archiveChat, closeChat, createChat, openChat, renameChat,
  type NewChatInput,
} from './lifecycle';
import { remoteAction } from './remote-actions';
import { restartChat } from './restart';
import type { LiveCore } from './live-core';

export class ChatActions {
  constructor(
    private readonly core: LiveCore,
    private readonly env: NodeJS.ProcessEnv,
    private readonly backfill: () => Promise<void>,
  ) {}

  /** Keys typed into the chat, byte-exact (`send-keys -H`). */
  async sendKeys(ref: string, bytes: Uint8Array): Promise<void> {
    const { core } = this;
    const chat = core.byRef.get(ref);
    if (!chat?.paneId || chat.dead || bytes.length === 0) return;
    core.screens.terminal(ref)?.userTyped();
    if (chat.windowId && !core.ownSizes.owns(chat.windowId)) void core.ownSizes.claim(chat.windowId).catch(() => {});
    await sendBytes(core.client, chat.paneId, bytes).catch((e) => core.events.emit('warning', `input lost: ${(e as Error).message}`));
    // A flooding chat is drawn from tmux's screen: draw it now, with the echo.
    core.screens.typed(ref);
    if (bytes.includes(0x0d)) void inputSubmitted(core.client, chat.record).catch(() => {});
  }

  /** Pasted text: bracketed if the application asked for it. */
  async paste(ref: string, text: string): Promise<void> {
    const { core } = this;
    const chat = core.byRef.get(ref);
    if (!chat?.paneId || chat.dead || text === '') return;
    if (chat.windowId && !core.ownSizes.owns(chat.windowId)) void core.ownSizes.claim(chat.windowId).catch(() => {});
    await pasteText(core.client, chat.paneId, text).catch((e) => core.events.emit('warning', `paste lost: ${(e as Error).message}`));
  }

  async newChat(input: NewChatInput): Promise<string> {
    const { core } = this;
    if (core.host.ssh) {
      const ref = await remoteAction(core.host, { kind: 'new', input }, this.env);
      await this.backfill();
      return ref;
    }
    const size = { width: input.width ?? 120, height: input.height ?? 40 };
    const chat = await createChat(core.client, core.ctx, { ...input, ...size }, this.env);
    await this.backfill();
    return chat.ref;
  }

  async closeChat(ref: string): Promise<void> {
    const { core } = this;
    core.dropTerminal(ref);
    if (core.host.ssh) await remoteAction(core.host, { kind: 'close', ref });
    else await closeChat(core.client, core.ctx, ref);
    await this.backfill();
  }

  async archiveChat(ref: string): Promise<void> {
    const { core } = this;
    core.dropTerminal(ref);
    if (core.host.ssh) await remoteAction(core.host, { kind: 'archive', ref });
    else await archiveChat(core.client, core.ctx, ref);
    await this.backfill();
  }

  async renameChat(ref: string, name: string, role?: string): Promise<void> {
    const { core } = this;
    if (core.host.ssh) await remoteAction(core.host, { kind: 'rename', ref, name, role });
    else await renameChat(core.client, core.ctx, ref, name, role);
    await this.backfill();
  }

  /** Start a closed chat again (fresh), or bring back a lost one. */
  async openChat(ref: string): Promise<void> {
    const { core } = this;
    if (core.host.ssh) return this.startThere(ref);
    const size = core.sizes.get(ref);
    await openChat(core.client, core.ctx, ref, { env: this.env, width: size?.cols, height: size?.rows });
    await this.backfill();
  }

  /** A remote chat started by the remote chatmux (`chat start`), with the chat's key from here. */
  private async startThere(ref: string): Promise<void> {
    const { core } = this;
    core.dropTerminal(ref);
    await remoteAction(core.host, { kind: 'start', ref, apiKeyEnv: core.byRef.get(ref)?.record.apiKeyEnv ?? null }, this.env);
    await this.backfill();
  }

  /** A dead agent: start it again in a new session with its executor's resume argv. */
  async restartChat(ref: string): Promise<void> {
    const { core } = this;
    if (core.host.ssh) return this.startThere(ref);
    core.dropTerminal(ref);
    const size = core.sizes.get(ref);
    await restartChat(core.client, core.ctx, ref, { env: this.env, width: size?.cols, height: size?.rows });
    await this.backfill();
  }

  /** Close a chat on the way out: a failure leaves it running; returns why (null: closed). */
  async closeQuietly(ref: string): Promise<string | null> {
    const { core } = this;
    return (core.host.ssh ? remoteAction(core.host, { kind: 'close', ref }) : closeChat(core.client, core.ctx, ref)).then(
      () => null,
      (e: unknown) => (e as Error).message,
    );
  }
}
