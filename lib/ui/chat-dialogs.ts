/**
 * The dialogs over the panes and the one slot they share: at most one is open, it takes every
 * key, and closing it relayouts. New chat (a form whose answers become `LiveChats.newChat`),
 * rename, archive (a confirmation), help, the tmux inspector (kept fresh while open), and the
 * exit prompt (opened by app-exit.ts through `open`).
 */
import { EXECUTORS, type ExecutorName } from '../chat/executor-names';
import { ConfirmDialog, Dialog, esc, FormDialog, TextDialog } from './dialogs';
import { helpText } from './help';
import { lazy } from './lazy-chat';
import { chatLabel } from './chat-labels';
import type { Ui } from './ui-context';
import { shellWords } from './shell-words';

export class ChatDialogs {
  constructor(private readonly ui: Ui) {}

  open(d: Dialog): void {
    const state = this.ui.state;
    state.dialog?.destroy();
    state.dialog = d;
    d.box.setFront();
    this.ui.chrome.screen.render();
  }

  close(): void {
    const state = this.ui.state;
    state.dialog?.destroy();
    state.dialog = null;
    void this.ui.geometry.relayout();
  }

  newChat(): void {
    const { state, chrome, geometry, nav } = this.ui;
    const live = state.live;
    if (!live) return;
    const hosts = live.hosts.map((h) => h.name);
    const here = (state.focusRef ? live.get(state.focusRef)?.host : undefined) ?? hosts[0]!;
    const d = new FormDialog(
      chrome.screen,
      'New chat',
      [
        { label: 'executor', value: 'shell', choices: EXECUTORS, hint: 'shell, claude, codex, nex, cmd' },
        { label: 'name', value: '', hint: 'shown in the tree (optional)' },
        { label: 'role', value: '', hint: 'e.g. reviewer (optional)' },
        { label: 'model', value: '', hint: 'codex/claude/nex model (optional; nex needs one)' },
        { label: 'endpoint', value: '', hint: 'http(s)://host:port[/v1] for your own server (optional)' },
        { label: 'key env', value: '', hint: 'name of the env var holding the API key (optional)' },
        { label: 'command', value: '', hint: 'for cmd: the command line, quoted as in a shell' },
        // Where it runs: only asked when the UI shows more than one host (issue 14.3).
        ...(hosts.length > 1 ? [{ label: 'host', value: here, choices: hosts, hint: 'where the chat runs' }] : []),
      ],
      async ([executor, name, role, model, endpoint, keyEnv, command, host]) => {
        const size = geometry.singlePaneSize();
        let argv: string[];
        try {
          argv = shellWords(command ?? '');
        } catch (e) {
          return `command: ${(e as Error).message}`;
        }
        const ref = await live.newChat({
          executor: executor as ExecutorName,
          name: name || undefined,
          role: role || undefined,
          model: model || null,
          endpoint: endpoint || null,
          apiKeyEnv: keyEnv || null,
          argv,
          width: size.cols,
          height: size.rows,
        }, host);
        state.dialog?.destroy();
        state.dialog = null;
        await nav.focusChat(ref, 'pane');
        return null;
      },
    );
    this.open(d);
  }

  rename(ref: string): void {
    const state = this.ui.state;
    const c = state.live?.get(ref);
    if (!c) return;
    const d = new FormDialog(
      this.ui.chrome.screen,
      'Rename chat',
      [
        { label: 'name', value: c.record.name },
        { label: 'role', value: c.record.role },
      ],
      async ([name, role]) => {
        await state.live!.renameChat(ref, name!, role);
        this.close();
        return null;
      },
      'Enter save • Tab move • Esc cancel',
    );
    this.open(d);
  }

  archive(ref: string): void {
    const state = this.ui.state;
    const c = state.live?.get(ref);
    if (!c) return;
    this.open(new ConfirmDialog(this.ui.chrome.screen, 'Archive chat', `Archive "${chatLabel(c)}"? Its agent stops and it leaves the list.`, () => {
      void this.ui.status.act(() => state.live!.archiveChat(ref), 'archiving…');
    }));
  }

  help(): void {
    this.open(new TextDialog(this.ui.chrome.screen, 'Help', () => helpText(this.ui.prefixName)));
  }

  async inspector(): Promise<void> {
    const { state, chrome, ctx } = this.ui;
    const live = state.live;
    if (!live) return;
    let text = 'loading…';
    const d = new TextDialog(chrome.screen, `Inspector — tmux -L ${ctx.socket}`, () => esc(text));
    this.open(d);
    const update = async () => {
      const all = await live.inspectAll();
      const one = (x: (typeof all)[number]) => (x.inspection ? lazy.inspect().formatInspection(x.inspection, x.socket) : `not connected (${x.link})`);
      text = all.length === 1 ? one(all[0]!) : all.map((x) => `[${x.host}]\n${one(x)}`).join('\n\n');
      if (state.dialog === d) {
        d.refresh();
        chrome.screen.render();
      }
    };
    await update();
    const onChange = () => void update();
    live.on('inspector', onChange);
    d.box.once('destroy', () => live.off('inspector', onChange));
  }
}
