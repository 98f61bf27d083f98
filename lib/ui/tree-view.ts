/**
 * The chat tree on the left and the tabs on top. The tree is painted twice over: first from the
 * raw registry file (the first frame, before the chat layer is even loaded), then from LiveChats
 * with each chat's depth, state mark, executor and state, the focused one highlighted. Its width
 * follows the names. The tabs list the same chats in the same order, numbered for Alt+1…9.
 */
import { esc } from './dialogs';
import { registryRows } from './first-frame';
import { firstTab, fitRow, treeWidth, windowTop, type TreeRow } from './tree-rows';
import { displayWidth } from './widths';
import { stateMark } from './state-marks';
import { chatLabel, chatStateWord } from './chat-labels';
import type { Ui } from './ui-context';
import type { HostChat } from '../chat/multi-chats';
import { describeLink, type LinkState } from '../chat/reconnect';

/** The tree as the registry file says, before the chat layer is even loaded (first frame). */
export function paintRegistryTree(ui: Ui): void {
  const rows = (ui.o.hideLocal ? [] : registryRows(ui.ctx.stateDir)).map((c) => ` ${esc(c.name)} {gray-fg}${esc(c.executor)}{/gray-fg}`);
  ui.chrome.tree.setContent([`{bold} Chats{/bold} {gray-fg}(${rows.length}){/gray-fg}`, ...rows].join('\n'));
}

/** A tree row: a chat, or (with more than one host) a host's heading above its chats. */
export type TreeLine = { chat: HostChat } | { host: string; link: LinkState; count: number };

/**
 * The tree's rows in order: grouped by host when there is more than one, or the one is remote
 * (its heading says whether it is connected) (issue 14.3).
 */
export function treeLines(ui: Ui): TreeLine[] {
  const live = ui.state.live;
  if (!live) return [];
  const chats = live.list();
  if (live.hosts.length < 2 && !ui.o.hideLocal) return chats.map((chat) => ({ chat }));
  const out: TreeLine[] = [];
  for (const hc of live.hosts) {
    const mine = chats.filter((c) => c.host === hc.name);
    out.push({ host: hc.name, link: hc.link, count: mine.length }, ...mine.map((chat) => ({ chat })));
  }
  return out;
}

function rowOf(line: TreeLine): TreeRow {
  if ('host' in line) return { depth: 0, label: line.host, meta: line.link.kind === 'up' ? `(${line.count})` : describeLink(line.link) };
  const c = line.chat;
  return { depth: c.depth, label: chatLabel(c), meta: `${c.record.executor} ${chatStateWord(c)}` };
}

function treeRows(ui: Ui): TreeRow[] {
  return treeLines(ui).map(rowOf);
}

/** Sized to the names (before the chat layer is loaded: the default). */
export function treeWidthFor(ui: Ui): number | undefined {
  return ui.state.live ? treeWidth(treeRows(ui), ui.geometry.cols()) : undefined;
}

export function paintTree(ui: Ui): void {
  const { state, alerts } = ui;
  const live = state.live!;
  const width = ui.chrome.tree.width as number;
  const lines = treeLines(ui);
  const plain = lines.map(rowOf);
  const rows = lines.map((line, i) => {
    if ('host' in line) {
      const fit = fitRow(plain[i]!, width);
      const meta = line.link.kind === 'up' ? `{gray-fg}${esc(fit.meta)}{/gray-fg}` : `{yellow-fg}${esc(fit.meta)}{/yellow-fg}`;
      return `{bold}▾${esc(fit.label)}{/bold} ${meta}`;
    }
    const c = line.chat;
    const sel = c.ref === state.focusRef;
    const dim = c.dead || c.record.state !== 'running' || !c.paneId;
    const mark = live.states ? stateMark(live.states.of(c.ref).state, alerts.has(c.ref)) : c.activity ? '{yellow-fg}●{/yellow-fg}' : ' ';
    const fit = fitRow(plain[i]!, width);
    let text = `${'  '.repeat(c.depth)}${esc(fit.label)}`;
    const meta = fit.meta ? ` {gray-fg}${esc(fit.meta)}{/gray-fg}` : '';
    if (dim) text = `{gray-fg}${text}{/gray-fg}`;
    // Printed while off screen (a flood there is paused in tmux, issue 15.3): yellow like its tab.
    else if (c.activity && !sel) text = `{yellow-fg}${text}{/yellow-fg}`;
    if (sel) text = state.focus === 'tree' ? `{inverse}${text}{/inverse}` : `{bold}${text}{/bold}`;
    return `${mark}${text}${meta}`;
  });
  // More rows than fit: show the window holding the focused chat.
  const area = (ui.chrome.tree.height as number) - 1;
  const sel = lines.findIndex((l) => 'chat' in l && l.chat.ref === state.focusRef);
  const top = windowTop(treeTops.get(ui) ?? 0, sel, rows.length, area);
  treeTops.set(ui, top);
  const more = top > 0 ? ' ↑' : '';
  const head = `{bold} Chats{/bold} {gray-fg}(${live.list().length})${more}{/gray-fg}`;
  ui.chrome.tree.setContent([head, ...rows.slice(top, top + Math.max(1, area))].join('\n'));
}

/** The tree's first shown row, per UI (see windowTop). */
const treeTops = new WeakMap<Ui, number>();

/** The tree line at the tree's content row `row` (0 = the first row under the heading). */
export function treeLineAt(ui: Ui, row: number): TreeLine | undefined {
  return row < 0 ? undefined : treeLines(ui)[row + (treeTops.get(ui) ?? 0)];
}

export function paintTabs(ui: Ui): void {
  const { state, alerts } = ui;
  const live = state.live!;
  const chats = live.list();
  const parts = chats.map((c, i) => {
    const t = ` ${live.states ? stateMark(live.states.of(c.ref).state, alerts.has(c.ref)) : ''}${i + 1}:${esc(chatLabel(c))} `;
    return c.ref === state.focusRef ? `{inverse}${t}{/inverse}` : c.activity ? `{yellow-fg}${t}{/yellow-fg}` : t;
  });
  // The focused tab is always on the bar: tabs before it give way on the left ("‹").
  const widths = chats.map((c, i) => displayWidth(` ${live.states ? '○' : ''}${i + 1}:${chatLabel(c)} `));
  const start = firstTab(widths, chats.findIndex((c) => c.ref === state.focusRef), ui.chrome.tabs.width as number);
  ui.chrome.tabs.setContent((start > 0 ? '‹' : '') + parts.slice(start).join('│'));
}
