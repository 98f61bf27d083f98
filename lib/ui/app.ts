/**
 * The chatmux terminal UI: a chat tree on the left, tabs on top, one or more live chat panes,
 * a status line. Keys go to the focused chat as bytes except the prefix (Ctrl+O by default),
 * Alt+←/→ and Alt+1…9. All tmux work goes through LiveChats (lib/chat); this file only
 * arranges widgets and routes input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import blessed, { type Widgets } from 'blessed';
import type { LiveChat, LiveChats } from '../chat/live';
import type { ChatContext } from '../chat/context';
import { EXECUTORS, RESUMES_CONVERSATION, type ExecutorName } from '../chat/executor-names';
import { endedText, endedWord, statusWord } from '../chat/status';
import { ConfirmDialog, Dialog, esc, ExitDialog, FormDialog, TextDialog, type ExitDecision } from './dialogs';
import { InputTokenizer, parsePrefix, wheelOf, type Token } from './input';
import { computeLayout, innerSize, LAYOUT_MODES, paneCount, tooSmallText, type LayoutMode, type Rect } from './layout';
import { noteText, type NoteState } from './notes';
import { helpText } from './help';
import { PaneView } from './pane-view';
import { RealCursor } from './real-cursor';
import { assignSlots } from './slots';
import { fitRow, treeWidth, type TreeRow } from './tree-rows';
import { alertOptions, nextAttention, StateAlerts, stateMark, waitingText } from './state-marks';
import { renderSchedulerFor } from './render-scheduler';
import { ScrollMode } from './scroll-mode';
import { patchBlessedWidths } from './widths';

/*
 * The chat layer (zod, xterm, the control client) is loaded only after the first frame is
 * on screen: the tree is painted from the raw registry file first, so the UI appears at once.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  live: () => require('../chat/live') as typeof import('../chat/live'),
  restore: () => require('../terminal/restore') as typeof import('../terminal/restore'),
  inspect: () => require('../chat/inspect') as typeof import('../chat/inspect'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface TuiOptions {
  ctx: ChatContext;
  /** Prefix key, e.g. `C-o` (default). */
  prefix?: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  env?: NodeJS.ProcessEnv;
  /** Bell and desktop notification when a chat off screen waits or finishes (default: on, see state-marks.ts). */
  alerts?: { bell?: boolean; notify?: boolean };
}

type Focus = 'tree' | 'pane';

/** How long a transient status message stays: notices, warnings. */
const NOTICE_MS = 3000;
const WARNING_MS = 6000;


/** True when our terminal has hung up (its fd answers EIO). */
function terminalGone(): boolean {
  try {
    // Harmless on a live terminal (bracketed paste off, as on exit); EIO on a dead one.
    fs.writeSync(1, '\x1b[?2004l');
    return false;
  } catch {
    return true;
  }
}

export async function runTui(o: TuiOptions): Promise<number> {
  const app = new ChatmuxApp(o);
  return app.run();
}

class ChatmuxApp {
  private readonly ctx: ChatContext;
  private readonly screen: Widgets.Screen;
  private readonly tree: Widgets.BoxElement;
  private readonly tabs: Widgets.BoxElement;
  private readonly status: Widgets.BoxElement;
  private readonly welcome: Widgets.BoxElement;
  private readonly tooSmall: Widgets.BoxElement;
  private readonly views: PaneView[] = [];
  private readonly notes: Widgets.BoxElement[] = [];
  private readonly tokenizer = new InputTokenizer();
  private readonly prefixByte: number;
  private readonly prefixName: string;
  private live: LiveChats | null = null;
  private readonly alerts: StateAlerts;
  private focusRef: string | null = null;
  private focus: Focus = 'pane';
  private layout: LayoutMode = 'single';
  private dialog: Dialog | null = null;
  private prefixPending = false;
  private readonly scroll = this.makeScrollMode();
  private readonly cursor: RealCursor;
  private lastCtrlC = 0;
  private inputTimer: NodeJS.Timeout | null = null;
  private progress = '';
  private message = '';
  private messageTimer: NodeJS.Timeout | null = null;
  private quitting = false;
  private finish!: (code: number) => void;
  private shownRefs: string[] = [];
  /** The pane the focused chat is in. */
  private focusSlot = 0;
  private navigating: Promise<void> = Promise.resolve();
  private readonly logFile: string;

  constructor(private readonly o: TuiOptions) {
    // lib/chat warnings (e.g. a chat that could not be resumed) go to the status line and ui.log:
    // written to stderr they would land on top of the screen.
    this.ctx = { ...o.ctx, warn: (m) => this.warn(m) };
    this.prefixName = o.prefix ?? 'C-o';
    this.prefixByte = parsePrefix(this.prefixName);
    this.logFile = path.join(this.ctx.stateDir, 'ui.log');
    this.alerts = new StateAlerts(alertOptions(o.alerts ?? {}, process.env), (b) => this.screen.program.write(b));
    const term = process.env.TERM ?? '';
    patchBlessedWidths();
    this.screen = blessed.screen({
      input: o.input as never,
      output: o.output as never,
      smartCSR: true,
      fullUnicode: true,
      // blessed cannot read Debian's tmux/screen terminfo and falls back to 8 colours.
      terminal: /^(tmux|screen)/.test(term) ? 'xterm-256color' : undefined,
      title: 'chatmux',
      warnings: false,
      autoPadding: false,
      forceUnicode: true,
    } as Widgets.IScreenOptions);
    this.cursor = new RealCursor(this.screen);
    this.tree = blessed.box({ parent: this.screen, tags: true, mouse: true, wrap: false, style: { fg: 'white' } } as Widgets.BoxOptions);
    this.tabs = blessed.box({ parent: this.screen, tags: true, height: 1, wrap: false } as Widgets.BoxOptions);
    this.status = blessed.box({ parent: this.screen, tags: true, height: 1, style: { bg: 'blue', fg: 'white' } });
    this.tooSmall = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: '100%', hidden: true, wrap: false });
    this.welcome = blessed.box({ parent: this.screen, tags: true, hidden: true, border: { type: 'line' }, padding: { left: 2, top: 1 } });
    for (let i = 0; i < 4; i++) {
      const v = new PaneView(this.screen, { parent: this.screen, border: { type: 'line' }, tags: true, mouse: true, hidden: true, realCursor: true } as never);
      this.views.push(v);
      v.afterDraw = () => this.placeCursor();
      // Output redraws only this pane unless a dialog or its note is drawn over it.
      v.drawsAlone = () => !this.dialog && this.notes[i]!.hidden && this.tooSmall.hidden;
      v.box.on('click', () => this.focusView(i));
    }
    // Notes are drawn over the pane's last row; created after the views so they paint on top.
    for (let i = 0; i < 4; i++) {
      this.notes.push(blessed.box({ parent: this.screen, tags: true, height: 1, hidden: true, style: { bg: 'red', fg: 'white' } }));
    }
    this.tree.on('click', (data: { y: number }) => this.clickTree(data.y));
    this.screen.on('render', () => this.placeCursor());
  }

  async run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    this.installSafety();
    // A key binding puts the tty into raw mode; we read raw bytes ourselves.
    this.screen.key(['C-o'], () => {});
    this.screen.program.input.on('data', (d: Buffer) => this.onData(d));
    this.screen.program.write('\x1b[?2004h'); // bracketed paste from the outer terminal
    this.screen.enableMouse();
    this.screen.on('resize', () => void this.relayout());
    this.setStatus('starting…');
    // First frame at once: the tree as the registry knows it, before tmux answers.
    this.paintRegistryTree();
    this.applyGeometry();
    this.paintTooSmall();
    // blessed buffers its output until the next tick: send the frame before loading the rest.
    (this.screen.program as unknown as { flush(): void }).flush();
    await new Promise((r) => setImmediate(r));
    try {
      this.live = await lazy.live().LiveChats.start(this.ctx, { width: this.cols(), height: this.rows(), env: this.o.env });
    } catch (e) {
      this.teardown();
      process.stderr.write(`chatmux: ${(e as Error).message}\n`);
      return 1;
    }
    this.wireLive(this.live);
    this.focusRef = this.live.list().find((c) => c.paneId)?.ref ?? this.live.list()[0]?.ref ?? null;
    if (!this.focusRef) this.focus = 'tree';
    await this.relayout();
    this.setStatus('');
    void this.live.restoreAll().then(() => {
      this.progress = '';
      this.paintStatus();
    });
    return done;
  }

  // ------------------------------------------------------------------ wiring

  private wireLive(live: LiveChats): void {
    live.on('changed', () => {
      if (this.focusRef && !live.get(this.focusRef)) this.focusRef = live.list()[0]?.ref ?? null;
      if (!this.focusRef) this.focus = 'tree';
      void this.relayout();
    });
    live.on('output', (ref) => {
      const i = this.shownRefs.indexOf(ref);
      if (i >= 0) {
        const v = this.views[i]!;
        if (v.terminal !== live.terminal(ref)) {
          v.setTerminal(live.terminal(ref));
          this.paintNotes();
        }
        v.scheduleRender();
      }
    });
    live.on('progress', (done, total) => {
      this.progress = done < total ? `restoring ${done}/${total}` : '';
      this.paintStatus();
    });
    live.on('warning', (m) => this.warn(m));
    live.on('states', (changes) => {
      this.alerts.take(changes, this.shownRefs, (ref) => { const c = live.get(ref); return c ? this.label(c) : ref; });
      void this.relayout();
    });
    live.on('inspector', () => {
      if (this.dialog instanceof TextDialog) {
        this.dialog.refresh();
        this.screen.render();
      }
    });
    live.on('closed', (reason) => {
      if (this.quitting || this.live !== live) return;
      void this.reconnect(reason);
    });
  }

  /**
   * The control connection ended under us (server killed, view session killed): connect
   * again — the start sweeps, resumes chats a dead server lost, and backfills the tree.
   */
  private async reconnect(reason: string): Promise<void> {
    this.live = null;
    for (let attempt = 1; attempt <= 3 && !this.quitting; attempt++) {
      this.setStatus(`tmux connection closed (${reason}); reconnecting (${attempt}/3)…`);
      this.log(`connection closed (${reason}); reconnect attempt ${attempt}`);
      await new Promise((r) => setTimeout(r, 300 * attempt));
      try {
        const live = await lazy.live().LiveChats.start(this.ctx, { width: this.cols(), height: this.rows(), env: this.o.env });
        if (this.quitting) return void live.leaveAll();
        this.live = live;
        this.wireLive(live);
        if (this.focusRef && !live.get(this.focusRef)) this.focusRef = live.list()[0]?.ref ?? null;
        this.setStatus('reconnected', NOTICE_MS);
        await this.relayout();
        void live.restoreAll();
        return;
      } catch (e) {
        reason = (e as Error).message;
      }
    }
    if (this.quitting) return;
    this.quitting = true;
    this.teardown();
    process.stderr.write(`chatmux: lost the tmux connection (${reason}) and could not reconnect.\nYour chats keep running where tmux still runs; start chatmux again.\n`);
    this.finish(1);
  }

  /** Uncaught errors and signals: restore the terminal, leave every chat running. */
  private installSafety(): void {
    const leave = (signal: string) => {
      // A second signal, or one during quitting: stop now (chats live on in tmux).
      if (this.quitting) process.exit(0);
      this.quitting = true;
      this.log(`received ${signal}: leaving every chat running`);
      this.live?.detachNow();
      if (terminalGone()) {
        // The terminal hung up (SSH drop): node would abort restoring it at exit. Chats are in tmux.
        process.kill(process.pid, 'SIGKILL');
        return;
      }
      this.teardown();
      this.finish(0);
    };
    process.on('SIGHUP', () => leave('SIGHUP'));
    process.on('SIGTERM', () => leave('SIGTERM'));
    let crashed = false;
    const crash = (e: unknown) => {
      this.log(`fatal: ${(e as Error)?.stack ?? String(e)}`);
      // Once: a terminal that went away makes every later write fail too (EIO).
      if (crashed) return;
      crashed = true;
      const wasQuitting = this.quitting;
      this.quitting = true;
      this.live?.detachNow();
      this.teardown();
      if (!wasQuitting) {
        try {
          process.stderr.write(`chatmux: internal error: ${(e as Error)?.message ?? String(e)}\nDetails are in ${this.logFile}. Every chat is still running; start chatmux again.\n`);
        } catch {
          /* no terminal left */
        }
      }
      this.finish(wasQuitting ? 0 : 1);
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }

  /** The real cursor goes to the focused chat's cursor (hidden in the tree, dialogs, scroll mode). */
  private placeCursor(): void {
    if (this.tornDown) return;
    const v = this.focus === 'pane' && !this.dialog && !this.scroll.active ? this.focusedView() : null;
    this.cursor.place(v?.cursorOnScreen() ?? null);
  }

  private tornDown = false;

  private teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    try {
      this.screen.program.write('\x1b[?2004l');
      this.cursor.reset();
      this.screen.destroy();
    } catch {
      /* already gone */
    }
  }

  private log(line: string): void {
    try {
      fs.mkdirSync(this.ctx.stateDir, { recursive: true, mode: 0o700 });
      // Size-capped: keep one previous file.
      if ((fs.statSync(this.logFile, { throwIfNoEntry: false })?.size ?? 0) > 1024 * 1024) fs.renameSync(this.logFile, `${this.logFile}.1`);
      fs.appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
    } catch {
      /* nowhere to log */
    }
  }

  // ------------------------------------------------------------------ geometry

  private cols(): number {
    return (this.screen.width as number) || 80;
  }

  private rows(): number {
    return (this.screen.height as number) || 24;
  }

  private visibleRefs(): string[] {
    const live = this.live;
    if (!live || !this.focusRef) return [];
    const order = live.list().map((c) => c.ref);
    const { refs, slot } = assignSlots(this.shownRefs, this.focusSlot, order, this.focusRef, paneCount(this.layout));
    this.focusSlot = slot;
    return refs;
  }

  private place(el: Widgets.BoxElement, r: Rect): void {
    el.left = r.left;
    el.top = r.top;
    el.width = r.width;
    el.height = r.height;
  }

  private applyGeometry(): { refs: string[]; rects: Rect[] } {
    const refs = this.visibleRefs();
    const g = computeLayout(this.cols(), this.rows(), this.layout, Math.max(1, refs.length), this.treeWidth());
    this.place(this.tree, g.tree);
    this.place(this.tabs, g.tabs);
    this.place(this.status, g.status);
    const empty = !!this.live && this.live.list().length === 0;
    if (empty) this.welcome.show();
    else this.welcome.hide();
    if (empty) {
      this.place(this.welcome, g.panes[0]!);
      this.welcome.setContent(
        `{bold}Welcome to chatmux{/bold}\n\nNo chats in this project yet.\n\n` +
        `  Press {bold}n{/bold} then {bold}Enter{/bold} to start a shell chat\n` +
        `  (the dialog also offers claude, codex, nex and any command).\n\n` +
        `  Chats run in tmux and keep running when chatmux quits.\n` +
        `  ${esc(this.prefixName)} ? lists every key • q quits`,
      );
    }
    this.views.forEach((v, i) => {
      const ref = refs[i];
      if (!ref || empty) {
        this.notes[i]!.hide();
        v.box.hide();
        v.setTerminal(null);
        return;
      }
      v.box.show();
      const r = g.panes[i]!;
      this.place(v.box, r);
      this.place(this.notes[i]!, { left: r.left + 1, top: r.top + r.height - 2, width: Math.max(1, r.width - 2), height: 1 });
    });
    this.shownRefs = empty ? [] : refs;
    this.alerts.seen(this.shownRefs);
    return { refs: this.shownRefs, rects: g.panes };
  }

  private async relayout(): Promise<void> {
    if (!this.live || this.quitting) return;
    if (this.paintTooSmall()) return;
    const before = this.shownRefs.join(',');
    const { refs, rects } = this.applyGeometry();
    this.dialog?.fit();
    if (before !== refs.join(',') && this.scroll.active) this.scroll.leave();
    refs.forEach((ref, i) => this.views[i]!.setTerminal(this.live!.terminal(ref)));
    this.paintTree();
    this.paintTabs();
    this.paintNotes();
    this.paintFocus();
    this.paintStatus();
    this.screen.render();
    await this.live.setClientSize(this.cols(), this.rows());
    await this.live.show(refs.map((ref, i) => ({ ref, ...innerSize(rects[i]!) })));
  }

  // ------------------------------------------------------------------ painting

  /** Below the minimum size one line says so instead of a broken layout (12.6); true while it shows. */
  private paintTooSmall(): boolean {
    const small = tooSmallText(this.cols(), this.rows());
    if (small) {
      this.tooSmall.setContent(esc(small));
      this.tooSmall.show();
      this.tooSmall.setFront();
    } else this.tooSmall.hide();
    this.screen.render();
    return !!small;
  }

  private label(c: LiveChat): string {
    const r = c.record;
    const num = /(\d+)$/.exec(r.ref)?.[1] ?? '';
    const name = r.name || `${r.executor} #${num}`;
    return r.role ? `${name} [${r.role}]` : name;
  }

  private stateOf(c: LiveChat): string {
    if (c.dead) return endedWord('dead', c.exitStatus, c.exitSignal);
    return statusWord({ ...c.record, exited: false });
  }

  /** The tree as the registry file says, before the chat layer is even loaded (first frame). */
  private paintRegistryTree(): void {
    let rows: string[] = [];
    try {
      const reg = JSON.parse(fs.readFileSync(path.join(this.ctx.stateDir, 'chats.json'), 'utf8')) as { chats?: Array<{ name?: string; ref?: string; executor?: string; state?: string }> };
      rows = (reg.chats ?? []).filter((c) => c.state !== 'archived').map((c) => ` ${esc(String(c.name || c.ref || ''))} {gray-fg}${esc(String(c.executor ?? ''))}{/gray-fg}`);
    } catch {
      /* no registry yet, or a damaged one: the chat layer will say */
    }
    this.tree.setContent([`{bold} Chats{/bold} {gray-fg}(${rows.length}){/gray-fg}`, ...rows].join('\n'));
  }

  private treeRows(): TreeRow[] {
    return (this.live?.list() ?? []).map((c) => ({ depth: c.depth, label: this.label(c), meta: `${c.record.executor} ${this.stateOf(c)}` }));
  }

  /** Sized to the names (before the chat layer is loaded: the default). */
  private treeWidth(): number | undefined {
    return this.live ? treeWidth(this.treeRows(), this.cols()) : undefined;
  }

  private paintTree(): void {
    const live = this.live!;
    const width = this.tree.width as number;
    const plain = this.treeRows();
    const rows = live.list().map((c, i) => {
      const sel = c.ref === this.focusRef;
      const dim = c.dead || c.record.state !== 'running' || !c.paneId;
      const mark = live.states ? stateMark(live.states.of(c.ref).state, this.alerts.has(c.ref)) : c.activity ? '{yellow-fg}●{/yellow-fg}' : ' ';
      const fit = fitRow(plain[i]!, width);
      let text = `${'  '.repeat(c.depth)}${esc(fit.label)}`;
      const meta = fit.meta ? ` {gray-fg}${esc(fit.meta)}{/gray-fg}` : '';
      if (dim) text = `{gray-fg}${text}{/gray-fg}`;
      if (sel) text = this.focus === 'tree' ? `{inverse}${text}{/inverse}` : `{bold}${text}{/bold}`;
      return `${mark}${text}${meta}`;
    });
    const head = `{bold} Chats{/bold} {gray-fg}(${live.list().length}){/gray-fg}`;
    this.tree.setContent([head, ...rows].join('\n'));
  }

  private paintTabs(): void {
    const live = this.live!;
    const parts = live.list().map((c, i) => {
      const t = ` ${live.states ? stateMark(live.states.of(c.ref).state, this.alerts.has(c.ref)) : ''}${i + 1}:${esc(this.label(c))} `;
      return c.ref === this.focusRef ? `{inverse}${t}{/inverse}` : c.activity ? `{yellow-fg}${t}{/yellow-fg}` : t;
    });
    this.tabs.setContent(parts.join('│'));
  }

  private paintNotes(): void {
    const live = this.live;
    this.views.forEach((v, i) => {
      const note = this.notes[i]!;
      const ref = this.shownRefs[i];
      const c = ref && live ? live.get(ref) : undefined;
      v.box.setLabel(c ? ` ${esc(this.label(c))} • ${c.record.executor} • ${this.stateOf(c)} ` : '');
      if (!c) {
        note.hide();
        return;
      }
      let state: NoteState | null = null;
      if (c.dead) {
        const resumes = RESUMES_CONVERSATION[c.record.executor as ExecutorName] ?? false;
        state = { kind: 'dead', ended: endedText(c.exitStatus, c.exitSignal), endedShort: endedWord('exit', c.exitStatus, c.exitSignal), resumes };
      } else if (!c.paneId && c.record.state === 'closed') state = { kind: 'closed' };
      else if (!c.paneId) state = { kind: 'gone' };
      else if (!live!.terminal(c.ref)) state = { kind: 'restoring' };
      if (state) {
        note.setContent(esc(noteText(state, note.width as number, this.prefixName)));
        note.show();
      } else note.hide();
    });
  }

  private paintFocus(): void {
    this.views.forEach((v, i) => {
      const focused = this.shownRefs[i] === this.focusRef && this.focus === 'pane';
      (v.box.style as { border: { fg: string } }).border = { fg: focused ? 'cyan' : 'gray' };
      if (focused && !this.dialog) v.box.focus();
    });
    if (this.focus === 'tree' && !this.dialog) this.tree.focus();
  }

  private paintStatus(): void {
    let left: string;
    if (this.scroll.active) left = '{inverse} SCROLL {/inverse} PgUp/PgDn ↑↓ • g top • G bottom • q/Esc back to live';
    else if (this.prefixPending) left = `{inverse} ${esc(this.prefixName)} {/inverse} n new • r rename • x close • a archive • l layout • i inspector • s scroll • ? help • q quit`;
    else if (this.focus === 'tree') left = ' tree: ↑↓ select • Enter focus • n new • q quit';
    else left = ` ${esc(this.prefixName)} ? help • Alt+←/→ switch chat • ${esc(this.prefixName)} q quit`;
    const right = [this.progress, this.message].filter(Boolean).join(' • ');
    const waiting = waitingText(this.live);
    this.status.setContent(`${left}${right || waiting ? `{|}${esc(right)}${waiting} ` : ''}`);
    renderSchedulerFor(this.screen).schedule();
  }

  /**
   * A status message: `ms` > 0 makes it transient (it goes after that long), 0 keeps it until
   * the next one (for "…ing" states that a later message ends).
   */
  private setStatus(m: string, ms = 0): void {
    this.message = m;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = null;
    if (m && ms > 0) {
      this.messageTimer = setTimeout(() => {
        this.messageTimer = null;
        this.message = '';
        this.paintStatus();
      }, ms);
    }
    this.paintStatus();
  }

  private warn(m: string): void {
    this.log(`warning: ${m}`);
    this.setStatus(m, WARNING_MS);
  }

  // ------------------------------------------------------------------ focus and navigation

  private async focusChat(ref: string | null, focus: Focus = 'pane'): Promise<void> {
    if (!ref) return;
    if (this.scroll.active) this.scroll.leave();
    this.focusRef = ref;
    this.focus = focus;
    await this.relayout();
    // Chosen here: the chat takes this UI's size (another UI or terminal may have had it).
    await this.live?.focus(ref);
  }

  private focusView(i: number): void {
    const ref = this.shownRefs[i];
    if (ref && !this.dialog) void this.focusChat(ref);
  }

  private clickTree(y: number): void {
    if (!this.live || this.dialog) return;
    const row = y - (this.tree.atop as number) - 1;
    const c = this.live.list()[row];
    if (c) void this.focusChat(c.ref);
  }

  /** One step after the other: keys that arrive together (Alt+→ ×3) must not all start from the same chat. */
  private navigate(step: number): Promise<void> {
    this.navigating = this.navigating.then(async () => {
      if (!this.live) return;
      const next = await this.live.neighbour(this.focusRef, step);
      if (next) void this.focusChat(next, this.focus);
    }).catch(() => undefined);
    return this.navigating;
  }

  // ------------------------------------------------------------------ input

  private onData(d: Buffer, final = false): void {
    if (this.quitting) return;
    // A sequence cut between two reads (a burst of wheel reports) waits for its rest: a lone
    // ESC (the Escape key) or ESC [ (Alt+[) briefly, a longer start as long as tmux's escape-time.
    if (this.inputTimer) clearTimeout(this.inputTimer);
    this.inputTimer = null;
    const tokens = this.tokenizer.push(d, final);
    const wait = this.tokenizer.pendingBytes > 2 ? 500 : 25;
    if (this.tokenizer.pendingBytes) this.inputTimer = setTimeout(() => this.onData(Buffer.alloc(0), true), wait);
    let batch: Buffer[] = [];
    const flush = () => {
      if (batch.length && this.focusRef && this.live) void this.live.sendKeys(this.focusRef, Buffer.concat(batch));
      batch = [];
    };
    for (const t of tokens) {
      if (t.kind === 'mouse') {
        // blessed handles clicks; the wheel is ours (blessed misses reports that arrive together).
        const w = wheelOf(t.bytes);
        if (w) this.wheelAt(w.x, w.y, w.rows);
        continue;
      }
      if (this.isPlainForward(t)) {
        batch.push((t as { bytes: Buffer }).bytes);
        continue;
      }
      flush();
      this.onToken(t);
    }
    flush();
  }

  /** A key that simply goes to the focused chat (the common case, batched). */
  private isPlainForward(t: Token): boolean {
    if (t.kind !== 'key' || this.dialog || this.prefixPending || this.scroll.active || this.focus !== 'pane' || !this.tooSmall.hidden) return false;
    if (t.bytes.length === 1 && t.bytes[0] === this.prefixByte) return false;
    if (t.name === 'alt-left' || t.name === 'alt-right' || (t.alt && /^[1-9]$/.test(t.alt))) return false;
    const c = this.focusRef ? this.live?.get(this.focusRef) : undefined;
    return !!c?.paneId && !c.dead;
  }

  private onToken(t: Token): void {
    // Too small to show anything: only the prefix and q (quit) work.
    if (!this.tooSmall.hidden && !(t.kind === 'key' && ((t.bytes.length === 1 && t.bytes[0] === this.prefixByte) || (this.prefixPending && t.char === 'q')))) return;
    if (this.dialog) {
      if (this.dialog.key(t) === 'close') this.closeDialog();
      else this.screen.render();
      return;
    }
    if (t.kind === 'key' && this.prefixPending) {
      this.prefixPending = false;
      this.paintStatus();
      void this.prefixCommand(t);
      return;
    }
    if (t.kind === 'key' && t.bytes.length === 1 && t.bytes[0] === this.prefixByte) {
      this.prefixPending = true;
      this.paintStatus();
      return;
    }
    if (t.kind === 'key' && (t.name === 'alt-left' || t.name === 'alt-right')) {
      void this.navigate(t.name === 'alt-left' ? -1 : 1);
      return;
    }
    if (t.kind === 'key' && t.alt && /^[1-9]$/.test(t.alt)) {
      const c = this.live?.list()[Number(t.alt) - 1];
      if (c) void this.focusChat(c.ref, this.focus);
      return;
    }
    if (this.scroll.active) return this.scroll.key(t);
    if (this.focus === 'tree' || !this.focusRef) return this.treeKey(t);
    this.paneKey(t);
  }

  private paneKey(t: Token): void {
    const c = this.focusRef ? this.live?.get(this.focusRef) : undefined;
    if (!c || !this.live) return;
    if (t.kind === 'paste') {
      if (c.paneId && !c.dead) void this.live.paste(c.ref, t.text);
      return;
    }
    if (t.kind !== 'key') return;
    if (c.dead) {
      if (t.char === 'R' || t.char === 'r') void this.act(() => this.live!.restartChat(c.ref), 'restarting…');
      else if (t.char === 'X' || t.char === 'x') void this.act(() => this.live!.closeChat(c.ref), 'closing…');
      return;
    }
    if (!c.paneId && t.name === 'enter') void this.act(() => this.live!.openChat(c.ref), 'starting…');
  }

  private treeKey(t: Token): void {
    if (t.kind !== 'key' || !this.live) return;
    const list = this.live.list();
    const i = list.findIndex((c) => c.ref === this.focusRef);
    if (t.name === 'up' || t.name === 'down') {
      const next = list[Math.max(0, Math.min(list.length - 1, i + (t.name === 'up' ? -1 : 1)))];
      if (next) void this.focusChat(next.ref, 'tree');
    } else if (t.name === 'enter' && this.focusRef) {
      const c = this.live.get(this.focusRef);
      if (c && !c.paneId && c.record.state === 'closed') void this.act(() => this.live!.openChat(c.ref), 'starting…');
      void this.focusChat(this.focusRef, 'pane');
    } else if (t.char === 'n') this.newChatDialog();
    else if (t.char === 'q') this.quit();
    else if (t.char === '?') this.helpDialog();
    else if (t.name === 'ctrl-c') {
      const now = Date.now();
      if (now - this.lastCtrlC < 1000) this.quit();
      else {
        this.lastCtrlC = now;
        this.setStatus('press Ctrl+C again to quit', NOTICE_MS);
      }
    }
  }

  private async prefixCommand(t: Token): Promise<void> {
    if (t.kind !== 'key' || !this.live) return;
    const ref = this.focusRef;
    if (t.bytes.length === 1 && t.bytes[0] === this.prefixByte) {
      if (ref) await this.live.sendKeys(ref, t.bytes);
      return;
    }
    if (t.name === 'left' || t.name === 'right') return this.navigate(t.name === 'left' ? -1 : 1);
    if (t.name === 'tab' || t.char === 't') {
      // Without a chat there is nothing but the tree to focus.
      this.focus = ref && this.focus === 'tree' ? 'pane' : 'tree';
      return this.relayout();
    }
    switch (t.char) {
      case 'n':
        return this.newChatDialog();
      case 'r':
        if (ref) this.renameDialog(ref);
        return;
      case 'x':
        if (ref) await this.act(() => this.live!.closeChat(ref), 'closing…');
        return;
      case 'a':
        if (ref) this.archiveDialog(ref);
        return;
      case 'o':
        if (ref) await this.act(() => this.live!.openChat(ref), 'starting…');
        return;
      case 'R':
        if (ref) await this.act(() => this.live!.restartChat(ref), 'restarting…');
        return;
      case 'l':
        this.layout = LAYOUT_MODES[(LAYOUT_MODES.indexOf(this.layout) + 1) % LAYOUT_MODES.length]!;
        return this.relayout();
      case 'i':
        return this.inspectorDialog();
      case 'w':
        return this.jumpToAttention();
      case 's':
      case '[':
        return this.scroll.enter();
      case '?':
        return this.helpDialog();
      case 'q':
        return this.quit();
    }
  }

  /** `C-o w`: the next chat waiting for the user (then idle ones), oldest first. */
  private jumpToAttention(): Promise<void> | void {
    const live = this.live!;
    const states = live.states;
    if (!states) return;
    const next = nextAttention(live.list().map((c) => ({ ref: c.ref, state: states.of(c.ref) })), this.focusRef);
    if (!next) return this.setStatus('no chat is waiting or idle', 3000);
    return this.focusChat(next, 'pane');
  }

  private async act(fn: () => Promise<void>, doing: string): Promise<void> {
    this.setStatus(doing);
    try {
      await fn();
      this.setStatus('');
    } catch (e) {
      this.warn((e as Error).message);
    }
  }

  // ------------------------------------------------------------------ scroll mode

  private focusedView(): PaneView | null {
    const i = this.shownRefs.indexOf(this.focusRef ?? '');
    return i >= 0 ? this.views[i]! : null;
  }

  private wheelAt(x: number, y: number, rows: number): void {
    const i = this.views.findIndex((v) => {
      const b = v.box as unknown as { visible: boolean; aleft: number; atop: number; width: number; height: number };
      return b.visible && x >= b.aleft && x < b.aleft + b.width && y >= b.atop && y < b.atop + b.height;
    });
    if (i < 0 || this.dialog) return;
    const ref = this.shownRefs[i];
    if (!ref) return;
    if (ref !== this.focusRef) return void this.focusChat(ref);
    this.scroll.wheel(this.views[i]!, rows);
  }

  private makeScrollMode(): ScrollMode {
    return new ScrollMode({
      view: () => this.focusedView(),
      history: () => {
        const live = this.live;
        const ref = this.focusRef;
        if (!live || !ref) return null;
        return { size: () => live.historySize(ref), lines: (start, count) => live.olderHistory(ref, start, count) };
      },
      render: (lines, cols) => lazy.restore().historyTerminal(lines, cols, this.live?.widths),
      changed: () => this.paintStatus(),
      warn: (m) => this.warn(m),
    });
  }

  // ------------------------------------------------------------------ dialogs

  private openDialog(d: Dialog): void {
    this.dialog?.destroy();
    this.dialog = d;
    d.box.setFront();
    this.screen.render();
  }

  private closeDialog(): void {
    this.dialog?.destroy();
    this.dialog = null;
    void this.relayout();
  }

  private newChatDialog(): void {
    const live = this.live;
    if (!live) return;
    const d = new FormDialog(
      this.screen,
      'New chat',
      [
        { label: 'executor', value: 'shell', choices: EXECUTORS, hint: 'shell, claude, codex, nex, cmd' },
        { label: 'name', value: '', hint: 'shown in the tree (optional)' },
        { label: 'role', value: '', hint: 'e.g. reviewer (optional)' },
        { label: 'model', value: '', hint: 'codex/claude/nex model (optional; nex needs one)' },
        { label: 'endpoint', value: '', hint: 'http(s)://host:port[/v1] for your own server (optional)' },
        { label: 'key env', value: '', hint: 'name of the env var holding the API key (optional)' },
        { label: 'command', value: '', hint: 'for cmd: the command line, split on spaces' },
      ],
      async ([executor, name, role, model, endpoint, keyEnv, command]) => {
        const size = innerSize(computeLayout(this.cols(), this.rows(), this.layout, 1, this.treeWidth()).panes[0]!);
        const argv = command ? command.trim().split(/\s+/).filter(Boolean) : [];
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
        });
        this.dialog?.destroy();
        this.dialog = null;
        await this.focusChat(ref, 'pane');
        return null;
      },
    );
    this.openDialog(d);
  }

  private renameDialog(ref: string): void {
    const c = this.live?.get(ref);
    if (!c) return;
    const d = new FormDialog(
      this.screen,
      'Rename chat',
      [
        { label: 'name', value: c.record.name },
        { label: 'role', value: c.record.role },
      ],
      async ([name, role]) => {
        await this.live!.renameChat(ref, name!, role);
        this.closeDialog();
        return null;
      },
      'Enter save • Tab move • Esc cancel',
    );
    this.openDialog(d);
  }

  private archiveDialog(ref: string): void {
    const c = this.live?.get(ref);
    if (!c) return;
    this.openDialog(new ConfirmDialog(this.screen, 'Archive chat', `Archive "${this.label(c)}"? Its agent stops and it leaves the list.`, () => {
      void this.act(() => this.live!.archiveChat(ref), 'archiving…');
    }));
  }

  private helpDialog(): void {
    this.openDialog(new TextDialog(this.screen, 'Help', () => helpText(this.prefixName)));
  }

  private async inspectorDialog(): Promise<void> {
    const live = this.live;
    if (!live) return;
    let text = 'loading…';
    const d = new TextDialog(this.screen, `Inspector — tmux -L ${this.ctx.socket}`, () => esc(text));
    this.openDialog(d);
    const update = async () => {
      text = lazy.inspect().formatInspection(await live.inspector(), this.ctx.socket);
      if (this.dialog === d) {
        d.refresh();
        this.screen.render();
      }
    };
    await update();
    const onChange = () => void update();
    live.on('inspector', onChange);
    d.box.once('destroy', () => live.off('inspector', onChange));
  }

  // ------------------------------------------------------------------ quitting

  private quit(): void {
    const live = this.live;
    if (!live) return this.exit({ kind: 'leave-all' });
    // Ask tmux once more first: a chat started elsewhere a moment ago may still read `starting`
    // here, and the prompt must offer to close it too.
    void live.backfill().catch(() => undefined).then(() => {
      if (this.live !== live || this.quitting || this.dialog) return;
      const running = live.list().filter((c) => c.paneId && c.record.state === 'running');
      if (running.length === 0) return this.exit({ kind: 'leave-all' });
      this.openDialog(new ExitDialog(this.screen, running.map((c) => ({ ref: c.ref, label: this.label(c), choice: 'leave' })), (d) => this.exit(d)));
    });
  }

  private exit(d: ExitDecision): void {
    if (this.quitting) return;
    this.quitting = true;
    void (async () => {
      const live = this.live;
      try {
        if (live) {
          if (d.kind === 'close-all') await live.closeAll();
          else if (d.kind === 'per-chat') await live.closeSome(d.close);
          else await live.leaveAll();
        }
      } catch (e) {
        this.log(`exit: ${(e as Error).message}`);
      }
      this.teardown();
      this.finish(0);
    })();
  }
}
