/**
 * The blessed screen and every widget on it: the tree on the left, the tabs on top, the status
 * line, the welcome box, the "too small" notice, four pane views and the note under each. Built
 * once, in the order blessed paints them (notes after the views so they land on top); where each
 * goes is the geometry's job and what each says is the views' job. Clicks and draws are handed
 * back to the other parts through `Ui`.
 */
import blessed, { type Widgets } from 'blessed';
import { PaneView } from './pane-view';
import { PaintedScreen } from './painted-screen';
import { patchBlessedWidths } from './widths';
import type { Ui } from './ui-context';

/** How many chats the largest layout shows at once. */
const MAX_PANES = 4;

export class Chrome {
  readonly screen: Widgets.Screen;
  readonly tree: Widgets.BoxElement;
  readonly tabs: Widgets.BoxElement;
  readonly status: Widgets.BoxElement;
  readonly welcome: Widgets.BoxElement;
  readonly tooSmall: Widgets.BoxElement;
  readonly views: PaneView[] = [];
  readonly notes: Widgets.BoxElement[] = [];
  /** Pane content painted by our painter, and the real cursor. */
  readonly painted: PaintedScreen;

  constructor(ui: Ui) {
    const o = ui.o;
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
    this.painted = PaintedScreen.for(this.screen);
    this.painted.cursorAt = () => ui.grid.cursorAt();
    this.tree = blessed.box({ parent: this.screen, tags: true, mouse: true, wrap: false, style: { fg: 'white' } } as Widgets.BoxOptions);
    // SGR reports (1006) besides blessed's UTF-8 ones (1005): with 1005 alone, a column or row
    // past 95 arrives as two bytes, and the rest of a wheel report was typed into the chat.
    this.screen.program.setMouse({ sgrMouse: true }, true);
    this.tabs = blessed.box({ parent: this.screen, tags: true, height: 1, wrap: false } as Widgets.BoxOptions);
    this.status = blessed.box({ parent: this.screen, tags: true, height: 1, style: { bg: 'blue', fg: 'white' } });
    this.tooSmall = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: '100%', hidden: true, wrap: false });
    this.welcome = blessed.box({ parent: this.screen, tags: true, hidden: true, border: { type: 'line' }, padding: { left: 2, top: 1 } });
    for (let i = 0; i < MAX_PANES; i++) {
      const v = new PaneView(this.screen, { parent: this.screen, border: { type: 'line' }, tags: true, mouse: true, hidden: true, painter: true } as never);
      this.views.push(v);
      // Output redraws only this pane unless a dialog or its note is drawn over it.
      v.drawsAlone = () => !ui.state.dialog && this.notes[i]!.hidden && this.tooSmall.hidden;
      v.box.on('click', () => ui.nav.focusView(i));
      v.onBell = () => ui.alerts.chatBell();
      // As a terminal does for a program: the text goes to your clipboard (your terminal's own
      // OSC 52 setting decides; inside tmux, its set-clipboard).
      v.onClipboard = (sel, b64) => this.screen.program.write(`\x1b]52;${sel || 'c'};${b64}\x07`);
      v.onScrolledSwap = (offset) => ui.scroll.resumeAt(v, offset);
    }
    // Notes are drawn over the pane's last row; created after the views so they paint on top.
    for (let i = 0; i < MAX_PANES; i++) {
      this.notes.push(blessed.box({ parent: this.screen, tags: true, height: 1, hidden: true, style: { bg: 'red', fg: 'white' } }));
    }
    this.tree.on('click', (data: { y: number }) => ui.nav.clickTree(data.y));
  }
}
