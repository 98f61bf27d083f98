/**
 * The chatmux terminal UI: a chat tree on the left, tabs on top, one or more live chat panes,
 * a status line. Keys go to the focused chat as bytes except the prefix (Ctrl+O by default),
 * Alt+←/→ and Alt+1…9. All tmux work goes through LiveChats (lib/chat). This file is the
 * composition root: it builds the parts (widgets, views, geometry, input routing, dialogs, the
 * LiveChats wiring, exit paths; see ui-context.ts for what they share) and runs the start-up
 * sequence — first frame from the registry file, then the chat layer, then every chat restored.
 */
import type { ChatContext } from '../chat/context';
import { parsePrefix } from './input';
import { StateAlerts, alertOptions } from './state-marks';
import { Chrome } from './chrome';
import { UiLog } from './ui-log';
import { StatusLine } from './status-line';
import { Geometry } from './geometry';
import { PaneGrid } from './pane-grid';
import { Navigation } from './navigation';
import { ChatDialogs } from './chat-dialogs';
import { AppExit } from './app-exit';
import { KeyRouter } from './key-router';
import { LiveWiring } from './live-wiring';
import { makeScrollMode } from './scroll-wiring';
import { paintRegistryTree } from './tree-view';
import { UiState, type TuiOptions, type Ui } from './ui-context';

export type { TuiOptions } from './ui-context';

export async function runTui(o: TuiOptions): Promise<number> {
  const app = new ChatmuxApp(o);
  return app.run();
}

class ChatmuxApp implements Ui {
  readonly ctx: ChatContext;
  readonly prefixName: string;
  readonly prefixByte: number;
  readonly state = new UiState();
  readonly log: UiLog;
  readonly alerts: StateAlerts;
  readonly scroll = makeScrollMode(this);
  readonly chrome: Chrome;
  readonly status = new StatusLine(this);
  readonly geometry = new Geometry(this);
  readonly grid = new PaneGrid(this);
  readonly nav = new Navigation(this);
  readonly dialogs = new ChatDialogs(this);
  readonly exit = new AppExit(this);
  private readonly input = new KeyRouter(this);
  private readonly wiring = new LiveWiring(this);

  constructor(readonly o: TuiOptions) {
    // lib/chat warnings (e.g. a chat that could not be resumed) go to the status line and ui.log:
    // written to stderr they would land on top of the screen.
    this.ctx = { ...o.ctx, warn: (m) => this.status.warn(m) };
    this.prefixName = o.prefix ?? 'C-o';
    this.prefixByte = parsePrefix(this.prefixName);
    this.log = new UiLog(this.ctx.stateDir);
    this.alerts = new StateAlerts(alertOptions(o.alerts ?? {}, process.env), (b) => this.chrome.screen.program.write(b));
    this.chrome = new Chrome(this);
  }

  async run(): Promise<number> {
    const { state, chrome, status, geometry } = this;
    this.exit.installSafety();
    // A key binding puts the tty into raw mode; we read raw bytes ourselves.
    chrome.screen.key(['C-o'], () => {});
    // A read without ESC (typed text; never a mouse report) is routed before blessed parses it into
    // keypress events nothing here uses: the key reaches tmux ~0.1 ms sooner. A read with ESC
    // keeps blessed first, as before (a click it handles, then the keys after it in that read).
    const input = chrome.screen.program.input;
    input.prependListener('data', (d: Buffer) => void (d.includes(0x1b) || this.input.onData(d)));
    input.on('data', (d: Buffer) => void (d.includes(0x1b) && this.input.onData(d)));
    chrome.screen.program.write('\x1b[?2004h'); // bracketed paste from the outer terminal
    chrome.screen.enableMouse();
    chrome.screen.on('resize', () => void geometry.relayout());
    status.set('starting…');
    // First frame at once: the tree as the registry knows it, before tmux answers.
    paintRegistryTree(this);
    geometry.applyGeometry();
    if (!this.grid.paintTooSmall()) chrome.screen.render();
    // blessed buffers its output until the next tick: send the frame before loading the rest.
    (chrome.screen.program as unknown as { flush(): void }).flush();
    await new Promise((r) => setImmediate(r));
    try {
      state.live = await this.wiring.connect();
    } catch (e) {
      this.exit.teardown();
      process.stderr.write(`chatmux: ${(e as Error).message}\n`);
      return 1;
    }
    const live = state.live;
    this.wiring.wire(live);
    state.focusRef = live.list().find((c) => c.paneId)?.ref ?? live.list()[0]?.ref ?? null;
    if (!state.focusRef) state.focus = 'tree';
    await geometry.relayout();
    status.set('');
    void live.restoreAll().then(() => {
      status.progress = '';
      status.paint();
    });
    return this.exit.done;
  }
}
