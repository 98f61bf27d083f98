import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ControlParser, parseNotification, unescapeOutput } from '../lib/control/parser';
import type { Notification, ParsedMessage } from '../lib/control/events';

const T = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'transcripts', `${name}.bin`));

function parseAll(chunks: Buffer[]): ParsedMessage[] {
  const out: ParsedMessage[] = [];
  const p = new ControlParser((m) => out.push(m));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

const notes = (ms: ParsedMessage[]): Notification[] => ms.flatMap((m) => (m.kind === 'notification' ? [m.event] : []));
const blocks = (ms: ParsedMessage[]) => ms.flatMap((m) => (m.kind === 'block' ? [m.block] : []));

/** Canonical form (Buffers → hex) so two parses can be compared. */
function canon(ms: ParsedMessage[]): unknown {
  // Output may be split differently by chunking only if lines were split; they never are.
  return JSON.parse(JSON.stringify(ms, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v)));
}

describe('recorded transcripts (tmux 3.3a)', () => {
  test('block bodies that look like notifications stay body', () => {
    const ms = parseAll([T('hostile-body')]);
    const capture = blocks(ms).find((b) => b.lines.includes('%exit'))!;
    expect(capture.flags).toBe(1);
    expect(capture.lines.slice(0, 4)).toEqual(['%end 0 0 1', '%exit', '%output %9 fake', '%begin 1 2 1']);
    const exits = notes(ms).filter((n) => n.type === 'exit');
    expect(exits).toEqual([{ type: 'exit', reason: null }]); // only the real one, at the end
    expect(notes(ms).at(-1)).toEqual({ type: 'exit', reason: null });
    expect(blocks(ms).at(-1)!.lines).toEqual(['done']);
  });

  test('UTF-8 split across %output lines decodes as one byte stream', () => {
    const ms = parseAll([T('utf8-split')]);
    const outs = notes(ms).filter((n): n is Extract<Notification, { type: 'output' }> => n.type === 'output');
    expect(outs.length).toBeGreaterThan(20);
    // Some lines start in the middle of a character: decoding per line would corrupt them.
    expect(outs.some((o) => (o.data[0]! & 0xc0) === 0x80)).toBe(true);
    const text = Buffer.concat(outs.map((o) => o.data)).toString('utf8');
    expect(text).not.toContain('\ufffd');
    expect(text).toContain('é漢😀 line 02499 ünïcödé 日本語テキスト 🚀✅\r\n');
    expect(text.match(/é漢😀 line \d{5}/g)!.length).toBe(2500);
    expect(text).toContain('END-OF-UTF8');
  });

  test('%pause/%continue inside a reply block are also notifications', () => {
    const ms = parseAll([T('pause-in-block')]);
    const pc = notes(ms).filter((n) => n.type === 'pause' || n.type === 'continue');
    expect(pc).toEqual([{ type: 'pause', paneId: '%0' }, { type: 'continue', paneId: '%0' }]);
    expect(blocks(ms).some((b) => b.lines.includes('%pause %0'))).toBe(true);
    expect(notes(ms).some((n) => n.type === 'extendedOutput')).toBe(true);
  });

  test('lifecycle notifications are typed', () => {
    const ms = parseAll([T('lifecycle')]);
    const ns = notes(ms).filter((n) => n.type !== 'output' && n.type !== 'extendedOutput');
    const types = new Set(ns.map((n) => n.type));
    for (const t of ['windowAdd', 'unlinkedWindowAdd', 'sessionsChanged', 'sessionChanged', 'windowRenamed', 'layoutChange',
      'subscriptionChanged', 'sessionRenamed', 'unlinkedWindowClose', 'exit'] as const) {
      expect(types.has(t)).toBe(true);
    }
    expect(ns).toContainEqual({ type: 'windowRenamed', windowId: '@2', name: 'renamed win' });
    expect(ns).toContainEqual({ type: 'sessionRenamed', sessionId: '$1', name: 'other two' });
    const sub = ns.find((n) => n.type === 'subscriptionChanged')!;
    expect(sub).toMatchObject({ name: 'cur', sessionId: '$0', windowId: '@0', windowIndex: 0 });
    expect((sub as { value: string }).value).toMatch(/^%\d+ : \d+$/); // value keeps its own " : "
    expect(ns.some((n) => n.type === 'unknown')).toBe(false);
    const errors = blocks(ms).filter((b) => b.error).map((b) => b.lines.join(' '));
    expect(errors).toEqual(["can't find session: nosuch", 'parse error: unknown command: bogus-command']);
    expect(blocks(ms).find((b) => b.lines.includes('other two'))!.lines).toEqual(['L', 'other two']);
    expect(blocks(ms)[0]!.flags).toBe(0);
  });

  test.each(['hostile-body', 'pause-in-block', 'lifecycle'])('%s: a chunk boundary at every byte gives the same messages', (name) => {
    const data = T(name);
    const whole = canon(parseAll([data]));
    for (let i = 1; i < data.length; i++) {
      expect(canon(parseAll([data.subarray(0, i), data.subarray(i)]))).toEqual(whole);
    }
    // and one byte at a time
    expect(canon(parseAll(Array.from(data, (b) => Buffer.from([b]))))).toEqual(whole);
  });

  test('utf8-split: boundaries at every byte of the first 6 KB and random chunkings of the whole', () => {
    const data = T('utf8-split');
    const whole = canon(parseAll([data]));
    const head = data.subarray(0, data.lastIndexOf(0x0a, 6144) + 1);
    const headWhole = canon(parseAll([head]));
    for (let i = 1; i < head.length; i += 1) {
      expect(canon(parseAll([head.subarray(0, i), head.subarray(i)]))).toEqual(headWhole);
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: data.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(data.subarray(prev, p));
          prev = p;
        }
        chunks.push(data.subarray(prev));
        expect(canon(parseAll(chunks))).toEqual(whole);
      }),
      { numRuns: 30 },
    );
  });
});

describe('parser units', () => {
  test('block closes only on the same time/number/flags', () => {
    const ms = parseAll([Buffer.from('%begin 1 2 1\n%end 1 2 0\n%end 1 3 1\n%error 9 2 1\nbody\n%end 1 2 1\n')]);
    expect(ms).toHaveLength(1);
    expect(blocks(ms)[0]).toMatchObject({ flags: 1, error: false, lines: ['%end 1 2 0', '%end 1 3 1', '%error 9 2 1', 'body'] });
  });

  test('empty body and empty last line', () => {
    const ms = parseAll([Buffer.from('%begin 1 2 1\n%end 1 2 1\n%begin 1 3 1\n\n%end 1 3 1\n')]);
    expect(blocks(ms).map((b) => b.lines)).toEqual([[], ['']]);
  });

  test('%output unescaping: octal, backslash, raw high bytes, malformed escapes', () => {
    const line = Buffer.concat([Buffer.from('%output %12 a\\033[1m\\134\\015\\012'), Buffer.from([0xe6, 0xbc]), Buffer.from('\\9x\\01')]);
    const [m] = parseAll([line, Buffer.from('\n')]);
    expect(m).toEqual({ kind: 'notification', event: { type: 'output', paneId: '%12', data: expect.any(Buffer) } });
    const data = (m as { event: { data: Buffer } }).event.data;
    expect([...data]).toEqual([0x61, 0x1b, 0x5b, 0x31, 0x6d, 0x5c, 0x0d, 0x0a, 0xe6, 0xbc, 0x5c, 0x39, 0x78, 0x5c, 0x30, 0x31]);
  });

  test('%extended-output skips unknown fields before " : "', () => {
    const ms = parseAll([Buffer.from('%extended-output %3 120 future-field : hi\\012\n')]);
    expect(notes(ms)[0]).toEqual({ type: 'extendedOutput', paneId: '%3', age: 120, data: Buffer.from('hi\n') });
  });

  test('every notification type', () => {
    const cases: Array<[string, Notification]> = [
      ['%exit', { type: 'exit', reason: null }],
      ['%exit too far behind', { type: 'exit', reason: 'too far behind' }],
      ['%session-changed $1 my name', { type: 'sessionChanged', sessionId: '$1', name: 'my name' }],
      ['%client-session-changed client-42 $2 x y', { type: 'clientSessionChanged', client: 'client-42', sessionId: '$2', name: 'x y' }],
      ['%client-detached client-42', { type: 'clientDetached', client: 'client-42' }],
      ['%session-window-changed $1 @4', { type: 'sessionWindowChanged', sessionId: '$1', windowId: '@4' }],
      ['%window-close @4', { type: 'windowClose', windowId: '@4' }],
      ['%unlinked-window-renamed @4 a b', { type: 'unlinkedWindowRenamed', windowId: '@4', name: 'a b' }],
      ['%window-pane-changed @4 %7', { type: 'windowPaneChanged', windowId: '@4', paneId: '%7' }],
      ['%pane-mode-changed %7', { type: 'paneModeChanged', paneId: '%7' }],
      ['%subscription-changed s $1 - - - : a : b', { type: 'subscriptionChanged', name: 's', sessionId: '$1', windowId: null, windowIndex: null, paneId: null, value: 'a : b' }],
      ['%message hello there', { type: 'message', text: 'hello there' }],
      ['%config-error /x:1: bad', { type: 'configError', text: '/x:1: bad' }],
      ['%paste-buffer-changed buffer0', { type: 'pasteBufferChanged', name: 'buffer0' }],
      ['%paste-buffer-deleted buffer0', { type: 'pasteBufferDeleted', name: 'buffer0' }],
      ['%future-thing 1 2', { type: 'unknown', line: '%future-thing 1 2' }],
      ['%window-add notanid', { type: 'unknown', line: '%window-add notanid' }],
      ['%layout-change @1', { type: 'unknown', line: '%layout-change @1' }],
    ];
    for (const [line, ev] of cases) expect(parseNotification(line)).toEqual(ev);
  });

  test('unescapeOutput with no escapes copies', () => {
    const b = Buffer.from('xxabcxx');
    expect(unescapeOutput(b, 2, 5).toString()).toBe('abc');
  });
});

describe('fuzz', () => {
  const corpus = ['hostile-body', 'pause-in-block', 'lifecycle'].map(T);
  test('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        parseAll(chunks.map((c) => Buffer.from(c)));
      }),
      { numRuns: 2000 },
    );
  });
  test('mutated transcripts never throw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        fc.nat(),
        (which, edits, cut) => {
          const data = Buffer.from(corpus[which]!);
          for (const [pos, byte] of edits) data[pos % data.length] = byte;
          const c = cut % data.length;
          parseAll([data.subarray(0, c), data.subarray(c)]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
