/**
 * Restoring a pane while it is producing output, over a real control-mode connection: the
 * emulator ends up identical to tmux (nothing lost, nothing applied twice).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { ControlClient } from '../lib/control/client';
import { capturePane, listPanes } from '../lib/control/commands';
import { OutputGate } from '../lib/terminal/output-gate';
import { PaneTerminal } from '../lib/terminal/pane-terminal';
import { killAllTestServers, makeTestServer, waitFor } from './support/tmux';

afterAll(() => killAllTestServers());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const TICKS = 1500;
const PROGRAM = `i=0; while [ $i -lt ${TICKS} ]; do i=$((i+1)); printf '\\033[3%dmtick %d\\033[0m %s\\r\\n' $((i%8)) $i abcdefghijklmnopqrstuvwxyz; ` +
  `[ $((i%5)) -eq 0 ] && sleep 0.002; done; printf 'DONE'; exec sleep 300`;

describe('OutputGate', () => {
  test('restore in the middle of streaming output: no lost or repeated rows', async () => {
    const server = makeTestServer();
    const client = await ControlClient.connect({
      server: server.server, target: { newSession: { name: 'stream', command: ['sh', '-c', 'read go; ' + PROGRAM], width: 80, height: 24 } },
      pauseAfter: null,
    });
    try {
      const [pane] = await listPanes(client, { session: '=stream' });
      // Scrollback (and tmux's history-limit, 2000) hold every tick, so a lost or repeated one shows.
      const term = new PaneTerminal({ cols: pane!.width, rows: pane!.height, scrollback: 3000 });
      const gate = new OutputGate(term);
      let outputs = 0;
      const heldSeqs: number[] = [];
      client.on('output', (paneId, data) => {
        if (paneId !== pane!.id) return;
        outputs++;
        if (gate.restoring) heldSeqs.push(client.outputSeq);
        gate.write(data, client.outputSeq);
      });
      // Start the stream, wait until it is under way, then restore while it keeps going.
      await client.run(['send-keys', '-t', pane!.id, 'Enter']);
      await waitFor(() => outputs > 3, 5000, 'first output');
      // Widen both windows: output before the captures run (already in them: must be dropped)
      // and output after their replies (not in them: must be applied).
      const slow = {
        run: (a: readonly string[]) => slow.commandAt(a).then((r) => r.lines),
        commandAt: async (a: readonly string[]) => {
          await sleep(40);
          const r = await client.commandAt(a);
          await sleep(40);
          return r;
        },
      };
      const res = await gate.restore(slow, pane!.id, 3000);
      expect(res.outputSeq).not.toBeNull();
      // The stream really was running on both sides of the capture (else this proves nothing).
      expect(heldSeqs.filter((q) => q <= res.outputSeq!).length).toBeGreaterThan(0);
      expect(heldSeqs.filter((q) => q > res.outputSeq!).length).toBeGreaterThan(0);
      await waitFor(async () => (await capturePane(client, pane!.id)).join('\n').includes('DONE'), 10000, 'stream end');
      await waitFor(() => term.rowText(term.rows - 1).includes('DONE') || Array.from({ length: term.rows }, (_, y) => term.rowText(y)).some((r) => r.includes('DONE')), 5000, 'DONE in emulator');
      await term.flush();

      const shown = (await capturePane(client, pane!.id)).map((l) => l.trimEnd());
      const rows = Array.from({ length: term.rows }, (_, y) => term.rowText(y).trimEnd());
      expect(rows).toEqual(shown);
      // History too: every tick exactly once, in order.
      const all: string[] = [];
      for (let i = 0; i < term.buffer.length; i++) all.push(term.buffer.getLine(i)!.translateToString(true));
      const ticks = all.map((l) => /^tick (\d+) /.exec(l)?.[1]).filter((n): n is string => !!n).map(Number);
      expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, k) => ticks[0]! + k));
      expect([ticks[0], ticks.at(-1)]).toEqual([1, TICKS]);
      term.dispose();
    } finally {
      await client.close();
      server.kill();
    }
  });

  test('held output older than the capture is dropped, newer output is applied', async () => {
    const term = new PaneTerminal({ cols: 10, rows: 3 });
    const gate = new OutputGate(term);
    gate.hold();
    gate.write(Buffer.from('old\r\n'), 4);
    gate.write(Buffer.from('new'), 5);
    expect(gate.restoring).toBe(true);
    gate.release(4);
    await term.flush();
    expect([term.rowText(0), gate.restoring]).toEqual(['new', false]);
    gate.write(Buffer.from('!'), 6);
    await term.flush();
    expect(term.rowText(0)).toBe('new!');
    term.dispose();
  });
});
