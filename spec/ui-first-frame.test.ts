/** The first frame written before blessed loads (issue 15.4): what a terminal shows from it. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { firstFrame, LEAVE_FIRST_FRAME, registryRows } from '../lib/ui/first-frame';
import { PaneTerminal } from '../lib/terminal/pane-terminal';

async function shown(bytes: string, cols: number, rows: number): Promise<{ rows: string[]; term: PaneTerminal }> {
  const t = new PaneTerminal({ cols, rows, scrollback: 0 });
  t.write(bytes);
  await t.flush();
  return { rows: Array.from({ length: rows }, (_, i) => t.rowText(i).trimEnd()), term: t };
}

describe('first frame', () => {
  test('the registry\'s chats (not archived) in the tree column, in the alternate screen, cursor hidden', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatmux-frame-'));
    try {
      fs.writeFileSync(path.join(dir, 'chats.json'), JSON.stringify({
        chats: [
          { ref: 'chat-1', name: 'alpha', executor: 'claude', state: 'running' },
          { ref: 'chat-2', name: 'gone', executor: 'cmd', state: 'archived' },
          { ref: 'chat-3', name: 'a name far too long for the column\x1b[31m', executor: 'codex', state: 'closed' },
          { ref: 'chat-4', executor: 'nex', state: 'running' },
        ],
      }));
      const rows = registryRows(dir);
      expect(rows.map((r) => r.name)).toEqual(['alpha', 'a name far too long for the column\x1b[31m', 'chat-4']);
      const { rows: screen, term } = await shown(firstFrame(rows, { cols: 80, rows: 10 }, 20), 80, 10);
      expect(screen.slice(0, 5)).toEqual([' Chats (3)', ' alpha claude', ' a name far too long', ' chat-4 nex', '']);
      expect(term.alternateScreen).toBe(true);
      expect(term.cursorVisible).toBe(false);
      // A damaged registry: an empty tree, not an exception.
      fs.writeFileSync(path.join(dir, 'chats.json'), '{ not json');
      expect(registryRows(dir)).toEqual([]);
      term.write(LEAVE_FIRST_FRAME);
      await term.flush();
      expect(term.alternateScreen).toBe(false);
      expect(term.cursorVisible).toBe(true);
      term.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('more chats than rows: the frame stops at the screen\'s last row but one', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ name: `c${i + 1}`, executor: 'cmd' }));
    const { rows: screen, term } = await shown(firstFrame(rows, { cols: 40, rows: 8 }, 16), 40, 8);
    expect(screen).toEqual([' Chats (30)', ' c1 cmd', ' c2 cmd', ' c3 cmd', ' c4 cmd', ' c5 cmd', ' c6 cmd', '']);
    term.dispose();
  });
});
