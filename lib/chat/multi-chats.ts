/**
 * Every host's chats as one list for the UI (issue 14.3): this machine's first (unless only
 * remote hosts are shown: then the first of them takes its place), then each remote host's, each host over its own control connection (HostChats), kept apart by key:
 * a local chat's key is its ref (`chat-2`), a remote one's `DEST:chat-2`. The UI calls the
 * same methods as on one LiveChats; each call goes to the chat's host. A host that is down
 * keeps its last list and screens, marked by its link state, and does not hold up the others.
 */
import { EventEmitter } from 'eventemitter3';
import type { AgentState } from './agent-state';
import { HostChats, type HostSource } from './host-chats';
import { LOCAL_HOST_NAME } from './host';
import type { Inspection } from './inspect';
import type { NewChatInput } from './lifecycle';
import type { LiveChat, LiveEvents, LiveOptions, NotClosed } from './live';
import { describeLink, linkReason, type BackoffOptions, type LinkState } from './reconnect';

export { describeLink };
import { UNICODE11_RULES, type TmuxWidthRules } from '../terminal/tmux-widths';
import type { PaneTerminal } from '../terminal/pane-terminal';
import { neighbour } from './tree';

/** A chat as the UI sees it: `ref` is the key (unique across hosts), `host` its host's name. */
export interface HostChat extends LiveChat {
  host: string;
}

export interface MultiEvents extends LiveEvents {
  /** A host's link went up or down. */
  link: (host: string, state: LinkState) => void;
}

export function chatKey(host: string, ref: string, index: number): string {
  return index === 0 ? ref : `${host}:${ref}`;
}

export class MultiChats extends EventEmitter<MultiEvents> {
  readonly hosts: HostChats[];

  private constructor(hosts: HostSource[], options: () => Omit<LiveOptions, 'host' | 'previousView'>, backoff: BackoffOptions) {
    super();
    this.hosts = hosts.map((h) => new HostChats(h, options, backoff));
    this.hosts.forEach((hc, i) => {
      const key = (ref: string) => chatKey(hc.name, ref, i);
      hc.on('changed', () => this.emit('changed'));
      hc.on('output', (ref) => this.emit('output', key(ref)));
      hc.on('progress', (done, total) => this.emit('progress', done, total));
      hc.on('warning', (m) => this.emit('warning', hc.name === LOCAL_HOST_NAME ? m : `${hc.name}: ${m}`));
      hc.on('states', (changes) => this.emit('states', changes.map((c) => ({ ...c, ref: key(c.ref) }))));
      hc.on('inspector', () => this.emit('inspector'));
      hc.on('link', (s) => this.emit('link', hc.name, s));
      hc.on('reconnected', () => this.emit('warning', `${hc.name === 'local' ? 'tmux' : hc.name}: reconnected after ${((Date.now() - hc.droppedAt) / 1000).toFixed(1)} s`));
    });
  }

  /**
   * Connect to this machine (the first host), which must succeed, or this rejects as a lone
   * LiveChats would. Remote hosts connect meanwhile and after, each on its own: a slow or
   * unreachable one never holds up the UI (it shows as connecting, then reconnecting).
   */
  static async start(hosts: HostSource[], options: () => Omit<LiveOptions, 'host' | 'previousView'>, backoff: BackoffOptions = {}): Promise<MultiChats> {
    const m = new MultiChats(hosts, options, backoff);
    for (const hc of m.hosts.slice(1)) {
      hc.start().then(
        () => {
          if (m.quitting) return void hc.live?.leaveAll();
          m.emit('changed');
          void hc.live?.restoreAll();
        },
        (e: Error) => {
          if (m.quitting) return;
          m.emit('warning', `${hc.name}: ${e.message}`);
          hc.retry(e.message);
        },
      );
    }
    try {
      await m.hosts[0]!.start();
    } catch (e) {
      m.detachNow();
      throw e;
    }
    return m;
  }

  private quitting = false;

  // ------------------------------------------------------------------ routing

  private locate(key: string): { hc: HostChats; ref: string; index: number } | null {
    const colon = key.lastIndexOf(':');
    if (colon < 0) return this.hosts[0] ? { hc: this.hosts[0], ref: key, index: 0 } : null;
    const name = key.slice(0, colon);
    const index = this.hosts.findIndex((h, i) => i > 0 && h.name === name);
    return index < 0 ? null : { hc: this.hosts[index]!, ref: key.slice(colon + 1), index };
  }

  /** The chat's host (null for an unknown key). */
  hostOf(key: string): HostChats | null {
    return this.locate(key)?.hc ?? null;
  }

  /** The chat's host while its link is down, with the link state (null when up). */
  linkDown(key: string): LinkState | null {
    const hc = this.hostOf(key);
    return hc && !hc.up ? hc.link : null;
  }

  private live(key: string) {
    const at = this.locate(key);
    return at?.hc.live ? { live: at.hc.live, ref: at.ref, up: at.hc.up, hc: at.hc } : null;
  }

  /** The host's connection for an action: a host that is down says so. */
  private needUp(key: string) {
    const at = this.live(key);
    if (!at) throw new Error(`unknown chat '${key}'`);
    if (!at.up) throw new Error(`${at.hc.name}: not connected (${describeLink(at.hc.link)})`);
    return at;
  }

  // ------------------------------------------------------------------ reading

  list(): HostChat[] {
    const out: HostChat[] = [];
    this.hosts.forEach((hc, i) => {
      for (const c of hc.live?.list() ?? []) out.push({ ...c, ref: chatKey(hc.name, c.ref, i), host: hc.name });
    });
    return out;
  }

  get(key: string): HostChat | undefined {
    const at = this.live(key);
    const c = at?.live.get(at.ref);
    return c && at ? { ...c, ref: key, host: at.hc.name } : undefined;
  }

  terminal(key: string): PaneTerminal | null {
    const at = this.live(key);
    return at ? at.live.terminal(at.ref) : null;
  }

  async neighbour(key: string | null, step: number): Promise<string | null> {
    return neighbour(this.list().map((c) => c.ref), key, step);
  }

  /** Agent states by key. */
  get states(): { of(key: string): AgentState } | null {
    const first = this.hosts[0]?.live?.states;
    if (!first) return null;
    return {
      of: (key) => {
        const at = this.live(key);
        return (at?.live.states ?? first).of(at?.ref ?? key);
      },
    };
  }

  /** This machine's tmux width rules (remote panes are measured alike; tmux ≥ 3.4 agree). */
  get widths(): TmuxWidthRules {
    return this.hosts[0]?.live?.widths ?? UNICODE11_RULES;
  }

  // ------------------------------------------------------------------ visibility and size

  async show(panes: Array<{ ref: string; cols: number; rows: number }>): Promise<void> {
    await Promise.all(
      this.hosts.map((hc, i) => {
        if (!hc.live || !hc.up) return Promise.resolve();
        const mine = panes.map((p) => ({ ...p, at: this.locate(p.ref) })).filter((p) => p.at?.index === i);
        return hc.live.show(mine.map((p) => ({ ref: p.at!.ref, cols: p.cols, rows: p.rows }))).catch(() => {});
      }),
    );
  }

  async focus(key: string): Promise<void> {
    const at = this.live(key);
    if (at?.up) await at.live.focus(at.ref);
  }

  async setClientSize(width: number, height: number): Promise<void> {
    await Promise.all(this.hosts.map((hc) => (hc.up ? hc.live?.setClientSize(width, height) : undefined)));
  }

  async restoreAll(): Promise<void> {
    await Promise.all(this.hosts.map((hc) => (hc.up ? hc.live?.restoreAll() : undefined)));
  }

  async historySize(key: string): Promise<number> {
    const at = this.live(key);
    return at?.up ? at.live.historySize(at.ref) : 0;
  }

  async olderHistory(key: string, fromLine: number, count: number): Promise<string[]> {
    const at = this.live(key);
    return at?.up ? at.live.olderHistory(at.ref, fromLine, count) : [];
  }

  // ------------------------------------------------------------------ input and actions

  async sendKeys(key: string, bytes: Uint8Array): Promise<void> {
    const at = this.live(key);
    // Keys typed while the host is away are dropped (not queued for a screen nobody sees), and said so.
    if (at?.up) await at.live.sendKeys(at.ref, bytes);
    else if (at) this.emit('warning', `${at.hc.name}: ${describeLink(at.hc.link)} — keys not sent`);
  }

  async paste(key: string, text: string): Promise<void> {
    const at = this.live(key);
    if (at?.up) await at.live.paste(at.ref, text);
  }

  /** A new chat on the host named `host` (default: this machine); returns its key. */
  async newChat(input: NewChatInput, host?: string): Promise<string> {
    const index = host ? this.hosts.findIndex((h) => h.name === host) : 0;
    const hc = this.hosts[index];
    if (!hc) throw new Error(`unknown host '${host}'`);
    if (!hc.live || !hc.up) throw new Error(`${hc.name}: not connected (${describeLink(hc.link)})`);
    return chatKey(hc.name, await hc.live.newChat(input), index);
  }

  async closeChat(key: string): Promise<void> {
    const at = this.needUp(key);
    await at.live.closeChat(at.ref);
  }

  async archiveChat(key: string): Promise<void> {
    const at = this.needUp(key);
    await at.live.archiveChat(at.ref);
  }

  async renameChat(key: string, name: string, role?: string): Promise<void> {
    const at = this.needUp(key);
    await at.live.renameChat(at.ref, name, role);
  }

  async openChat(key: string): Promise<void> {
    const at = this.needUp(key);
    await at.live.openChat(at.ref);
  }

  async restartChat(key: string): Promise<void> {
    const at = this.needUp(key);
    await at.live.restartChat(at.ref);
  }

  async backfill(): Promise<void> {
    await Promise.all(this.hosts.map((hc) => (hc.up ? hc.live?.backfill() : undefined)));
  }

  /** tmux state of the chat's host (this machine's for null). */
  async inspector(key: string | null = null): Promise<Inspection> {
    const at = key ? this.live(key) : null;
    const live = at?.live ?? this.hosts[0]?.live;
    if (!live) return { serverRunning: false, sessions: [] };
    return live.inspector();
  }

  /** Every host's tmux state (null while its link is down), for the inspector. */
  async inspectAll(): Promise<Array<{ host: string; socket: string; link: string; inspection: Inspection | null }>> {
    return Promise.all(
      this.hosts.map(async (hc) => ({
        host: hc.name,
        socket: hc.live?.ctx.socket ?? '',
        link: describeLink(hc.link),
        inspection: hc.up && hc.live ? await hc.live.inspector().catch(() => null) : null,
      })),
    );
  }

  // ------------------------------------------------------------------ quitting

  /**
   * Each host that is up does `each`; one whose link is down is left as it is (its chats run
   * on there) and its `refs` — those it was asked to close — are reported as not closed.
   */
  private async quit(each: (hc: HostChats, refs: string[]) => Promise<NotClosed[] | void>, refsOf: (hc: HostChats, index: number) => string[] = () => []): Promise<NotClosed[]> {
    this.quitting = true;
    const up = this.hosts.map((hc) => hc.up);
    const links = this.hosts.map((hc) => hc.link);
    for (const hc of this.hosts) hc.stop();
    const results = await Promise.all(
      this.hosts.map(async (hc, i): Promise<NotClosed[]> => {
        const refs = refsOf(hc, i);
        const label = (ref: string) => hc.live?.get(ref)?.record.name || ref;
        if (!up[i]) {
          hc.live?.dispose();
          const link = links[i]!;
          return refs.map((ref) => ({ name: label(ref), why: `not connected${link.kind === 'reconnecting' ? `: ${linkReason(hc.name, link.reason)}` : ''}` }));
        }
        return (await each(hc, refs).catch(() => [])) ?? [];
      }),
    );
    // Named with its host, where several are shown.
    return results.flatMap((r, i) => r.map((n) => ({ ...n, name: i > 0 ? `${n.name} on ${this.hosts[i]!.name}` : n.name })));
  }

  async leaveAll(): Promise<void> {
    await this.quit((hc) => hc.live!.leaveAll());
  }

  /** Quit closing every running chat; returns those that could not be closed (a host down, a failed close), with why. */
  async closeAll(): Promise<NotClosed[]> {
    return this.quit((hc, refs) => hc.live!.closeSome(refs), (hc) => (hc.live?.list() ?? []).filter((c) => c.record.state === 'running').map((c) => c.ref));
  }

  /** Close the chats with these keys (on any host), leave the others, quit; returns those not closed. */
  async closeSome(keys: readonly string[]): Promise<NotClosed[]> {
    return this.quit((hc, refs) => hc.live!.closeSome(refs), (_hc, i) => keys.map((k) => this.locate(k)).filter((at) => at?.index === i).map((at) => at!.ref));
  }

  detachNow(): void {
    this.quitting = true;
    for (const hc of this.hosts) {
      hc.stop();
      hc.live?.detachNow();
    }
  }
}
