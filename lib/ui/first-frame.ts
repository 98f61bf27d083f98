/**
 * The UI's very first frame, written before blessed and the rest of the UI load (that loading
 * alone takes ~100 ms; issue 15.4 asks for a first frame within 0.15 s): the chat tree as the
 * registry file lists it, in the alternate screen. blessed then takes the screen over and paints
 * the same tree (tree-view.ts). No blessed here, on purpose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RegistryRow {
  name: string;
  executor: string;
}

/** The chats the registry file lists (archived ones left out); none if it is missing or damaged. */
export function registryRows(stateDir: string): RegistryRow[] {
  try {
    const reg = JSON.parse(fs.readFileSync(path.join(stateDir, 'chats.json'), 'utf8')) as {
      chats?: Array<{ name?: string; ref?: string; executor?: string; state?: string }>;
    };
    return (reg.chats ?? []).filter((c) => c.state !== 'archived').map((c) => ({ name: String(c.name || c.ref || ''), executor: String(c.executor ?? '') }));
  } catch {
    return []; // no registry yet, or a damaged one: the chat layer will say
  }
}

const CSI = '\x1b[';

/** Control characters never reach the terminal (a name is user text). */
const printable = (s: string): string => s.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');

/** At most `width` characters (a wide glyph may still overhang by one: blessed redraws it soon). */
const clip = (s: string, width: number): string => [...s].slice(0, Math.max(0, width)).join('');

/**
 * Bytes that enter the alternate screen, clear it, hide the cursor and draw the tree's header
 * and rows in the left `treeWidth` columns, as blessed will (grey executor after each name).
 */
export function firstFrame(rows: readonly RegistryRow[], screen: { cols: number; rows: number }, treeWidth: number): string {
  const width = Math.max(1, Math.min(treeWidth, screen.cols));
  let out = `${CSI}?1049h${CSI}?25l${CSI}0m${CSI}H${CSI}2J`;
  out += `${CSI}1m${clip(' Chats', width)}${CSI}0m`;
  const count = ` (${rows.length})`;
  if (width > 6) out += `${CSI}90m${clip(count, width - 6)}${CSI}0m`;
  rows.slice(0, Math.max(0, screen.rows - 2)).forEach((r, i) => {
    const name = clip(' ' + printable(r.name), width);
    const rest = width - [...name].length;
    const exec = rest > 1 ? `${CSI}90m${clip(' ' + printable(r.executor), rest)}${CSI}0m` : '';
    out += `${CSI}${i + 2};1H${name}${exec}`;
  });
  return out;
}

/** Undo `firstFrame` when the UI stops before blessed took the screen over. */
export const LEAVE_FIRST_FRAME = `${CSI}0m${CSI}?25h${CSI}?1049l`;
