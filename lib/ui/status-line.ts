/**
 * The status line at the bottom: the keys that work in the current mode on the left (scroll,
 * prefix pending, tree, pane), and on the right restore progress, the current message and the
 * chats waiting for the user. Messages are transient (notices, warnings) or stay until the next
 * one ("starting…"); warnings also go to ui.log. `act` runs a chat action with its "…ing"
 * message and turns a failure into a warning.
 */
import { esc } from './dialogs';
import { renderSchedulerFor } from './render-scheduler';
import { waitingText } from './state-marks';
import type { Ui } from './ui-context';

/** How long a transient status message stays: notices, warnings. */
export const NOTICE_MS = 3000;
const WARNING_MS = 6000;

export class StatusLine {
  /** "restoring N/M" while chats are restored. */
  progress = '';
  private message = '';
  private messageTimer: NodeJS.Timeout | null = null;

  constructor(private readonly ui: Ui) {}

  paint(): void {
    const { state, scroll, prefixName, chrome } = this.ui;
    let left: string;
    if (scroll.active) left = '{inverse} SCROLL {/inverse} PgUp/PgDn ↑↓ • g top • G bottom • q/Esc back to live';
    else if (state.prefixPending) left = `{inverse} ${esc(prefixName)} {/inverse} n new • r rename • x close • a archive • l layout • i inspector • s scroll • ? help • q quit`;
    else if (state.focus === 'tree') left = ' tree: ↑↓ select • Enter focus • n new • q quit';
    else left = ` ${esc(prefixName)} ? help • Alt+←/→ switch chat • ${esc(prefixName)} q quit`;
    const right = [this.progress, this.message].filter(Boolean).join(' • ');
    const waiting = waitingText(state.live);
    chrome.status.setContent(`${left}${right || waiting ? `{|}${esc(right)}${waiting} ` : ''}`);
    renderSchedulerFor(chrome.screen).schedule();
  }

  /**
   * A status message: `ms` > 0 makes it transient (it goes after that long), 0 keeps it until
   * the next one (for "…ing" states that a later message ends).
   */
  set(m: string, ms = 0): void {
    this.message = m;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = null;
    if (m && ms > 0) {
      this.messageTimer = setTimeout(() => {
        this.messageTimer = null;
        this.message = '';
        this.paint();
      }, ms);
    }
    this.paint();
  }

  warn(m: string): void {
    this.ui.log.write(`warning: ${m}`);
    this.set(m, WARNING_MS);
  }

  async act(fn: () => Promise<void>, doing: string): Promise<void> {
    this.set(doing);
    try {
      await fn();
      this.set('');
    } catch (e) {
      this.warn((e as Error).message);
    }
  }
}
