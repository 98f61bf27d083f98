/**
 * Showing a paused chat (issue 15.3/15.4): `continue` and the capture go to tmux together, not
 * one after the other's reply, and the emulator still ends up as tmux has the pane.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { ControlClient } from '../lib/control/client';
import { listPanes } from '../lib/control/commands';
import { PaneScreens } from '../lib/chat/pane-screens';
import { UNICODE11_RULES } from '../lib/terminal/tmux-widths';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

describe('PaneScreens', () => {
  test('a paused chat shown: continue and capture in one round trip; its screen comes back', async () => {
    const server = makeTestServer();
    const client = await ControlClient.connect({
      server: server.server,
      target: { newSession: { name: 'paused', command: ['sh', '-c', "read go; seq -f 'paused line %g' 1 300; exec cat"], width: 80, height: 24 } },
    });
    try {
      expect(client.flowControl).toBe(true);
      const [pane] = await listPanes(client, { session: '=paused' });
      const restoredRefs: string[] = [];
      const screens = new PaneScreens(client, {
        scrollback: 200, warm: 0, pauseHidden: true, widths: () => UNICODE11_RULES,
        restored: (ref) => restoredRefs.push(ref), failed: (_ref, e) => { throw e; },
      });
      client.on('output', (paneId, data) => { if (paneId === pane!.id) screens.output('c', pane!.id, data, client.outputSeq); });
      client.on('paused', (paneId) => { if (paneId === pane!.id) screens.paused('c', pane!.id); });
      // Hidden: its first output pauses it.
      screens.show([]);
      await client.command(['send-keys', '-t', pane!.id, 'Enter']);
      await waitFor(() => screens.isHeld('c'), 5000, 'paused');
      // What goes to tmux, in order, and when continue's reply comes.
      const events: string[] = [];
      const commandAt = client.commandAt.bind(client);
      client.commandAt = (args) => {
        events.push(`sent ${args[0]}${args.includes('-A') ? ' -A' : ''}`);
        const p = commandAt(args);
        if (args.includes('-A')) void p.then(() => events.push('continue replied'));
        return p;
      };
      screens.show([{ ref: 'c', paneId: pane!.id }]);
      await waitFor(() => restoredRefs.includes('c'), 5000, 'restored');
      const replied = events.indexOf('continue replied');
      expect(events.indexOf('sent refresh-client -A')).toBeGreaterThanOrEqual(0);
      expect(events.findIndex((e) => e === 'sent capture-pane')).toBeLessThan(replied);
      expect(screens.isHeld('c')).toBe(false);
      const t = screens.terminal('c')!;
      const buf = t.term.buffer.active;
      const rows = Array.from({ length: t.rows }, (_, y) => buf.getLine(buf.baseY + y)?.translateToString(true) ?? '');
      expect(rows.join('\n')).toContain('paused line 300');
      screens.dispose();
    } finally {
      await client.close();
    }
  }, 30_000);
});
