/**
 * Where each byte from the terminal goes. Raw input is cut into tokens (keys, pastes, mouse
 * reports); plain keys for a live focused chat are batched straight to it (the common case),
 * the wheel scrolls the pane under it, and everything else is routed by mode: the "too small"
 * notice, an open dialog, a pending prefix, the global chat switches (Alt+←/→, Alt+1…9), scroll
 * mode, then the tree or the pane (mode-keys.ts).
 */
import { InputTokenizer, wheelOf, type Token } from './input';
import { ModeKeys } from './mode-keys';
import { clickAt, mouseToChat } from './mouse';
import { wheelAt } from './scroll-wiring';
import type { Ui } from './ui-context';

export class KeyRouter {
  private readonly tokenizer = new InputTokenizer();
  private inputTimer: NodeJS.Timeout | null = null;
  private readonly keys: ModeKeys;

  constructor(private readonly ui: Ui) {
    this.keys = new ModeKeys(ui);
  }

  onData(d: Buffer, final = false): void {
    const state = this.ui.state;
    if (state.quitting) return;
    // Typed text for the focused chat (the common case: a read without ESC or the prefix, nothing
    // carried over): its bytes go as they came, without cutting them into tokens first.
    if (!final && this.tokenizer.idle && d.length && !d.includes(0x1b) && !d.includes(this.ui.prefixByte) && this.forwardsTyping()) {
      if (this.inputTimer) clearTimeout(this.inputTimer);
      this.inputTimer = null;
      void state.live!.sendKeys(state.focusRef!, d);
      return;
    }
    // A sequence cut between two reads (a burst of wheel reports) waits for its rest: a lone
    // ESC (the Escape key) or ESC [ (Alt+[) briefly, a longer start as long as tmux's escape-time.
    if (this.inputTimer) clearTimeout(this.inputTimer);
    this.inputTimer = null;
    const tokens = this.tokenizer.push(d, final);
    const wait = this.tokenizer.pendingBytes > 2 ? 500 : 25;
    if (this.tokenizer.pendingBytes) this.inputTimer = setTimeout(() => this.onData(Buffer.alloc(0), true), wait);
    let batch: Buffer[] = [];
    const flush = () => {
      if (batch.length && state.focusRef && state.live) void state.live.sendKeys(state.focusRef, Buffer.concat(batch));
      batch = [];
    };
    for (const t of tokens) {
      if (t.kind === 'mouse') {
        // The focused chat's application may want it; else a click focuses and the wheel
        // scrolls, read here (blessed misses reports that arrive together).
        flush(); // keys typed before it go first
        if (mouseToChat(this.ui, t.bytes)) continue;
        const w = wheelOf(t.bytes);
        if (w) wheelAt(this.ui, w.x, w.y, w.rows);
        else clickAt(this.ui, t.bytes);
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
    if (t.kind !== 'key') return false;
    if (t.bytes.length === 1 && t.bytes[0] === this.ui.prefixByte) return false;
    if (t.name === 'alt-left' || t.name === 'alt-right' || (t.alt && /^[1-9]$/.test(t.alt))) return false;
    return this.forwardsTyping();
  }

  /** Plain keys go to the focused chat: the pane has focus, no dialog, prefix or scroll mode, a live chat. */
  private forwardsTyping(): boolean {
    const { state, scroll, chrome } = this.ui;
    if (state.dialog || state.prefixPending || scroll.active || state.focus !== 'pane' || !chrome.tooSmall.hidden) return false;
    const c = state.focusRef ? state.live?.get(state.focusRef) : undefined;
    return !!c?.paneId && !c.dead;
  }

  private onToken(t: Token): void {
    const { state, scroll, chrome, prefixByte, nav } = this.ui;
    // Too small to show anything: only the prefix and q (quit) work.
    if (!chrome.tooSmall.hidden && !(t.kind === 'key' && ((t.bytes.length === 1 && t.bytes[0] === prefixByte) || (state.prefixPending && t.char === 'q')))) return;
    if (state.dialog) {
      if (state.dialog.key(t) === 'close') this.ui.dialogs.close();
      else chrome.screen.render();
      return;
    }
    if (t.kind === 'key' && state.prefixPending) {
      state.prefixPending = false;
      this.ui.status.paint();
      void this.keys.prefixCommand(t);
      return;
    }
    if (t.kind === 'key' && t.bytes.length === 1 && t.bytes[0] === prefixByte) {
      state.prefixPending = true;
      this.ui.status.paint();
      return;
    }
    if (t.kind === 'key' && (t.name === 'alt-left' || t.name === 'alt-right')) {
      void nav.navigate(t.name === 'alt-left' ? -1 : 1);
      return;
    }
    if (t.kind === 'key' && t.alt && /^[1-9]$/.test(t.alt)) {
      const c = state.live?.list()[Number(t.alt) - 1];
      if (c) void nav.focusChat(c.ref, state.focus);
      return;
    }
    if (scroll.active) return scroll.key(t);
    if (state.focus === 'tree' || !state.focusRef) return this.keys.treeKey(t);
    this.keys.paneKey(t);
  }
}
