/**
 * Parser benchmark: MB/s of parsing a large recorded %output stream, plus a 1,000,000-input
 * fuzz run that counts exceptions escaping the parser (must be 0).
 *   npm run bench:parser
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ControlParser } from '../lib/control/parser';
import { median, printTable, writeResults, type Figure } from './report';

const TRANSCRIPTS = path.join(__dirname, '..', '..', 'fixtures', 'transcripts');

/** Only the %output lines of a recording, repeated to about `bytes`. */
function outputStream(name: string, bytes: number): Buffer {
  const lines = fs.readFileSync(path.join(TRANSCRIPTS, name)).toString('latin1').split('\n').filter((l) => l.startsWith('%output '));
  const one = Buffer.from(lines.join('\n') + '\n', 'latin1');
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / one.length) }, () => one));
}

/** A stream shaped like a busy agent: short SGR-heavy ASCII lines with escapes. */
function asciiStream(bytes: number): Buffer {
  // tmux batches a pane's writes into %output lines of up to 2730 raw bytes (§4).
  const lines: string[] = [];
  let total = 0;
  for (let i = 0; total < 200_000; i++) {
    let payload = '';
    for (let j = 0; payload.length < 1400; j++) payload += `\\033[32m+\\033[0m line ${i}.${j} of the agent's reply: const x = foo(bar, baz);\\015\\012`;
    const line = `%output %${i % 7} ${payload}`;
    lines.push(line);
    total += line.length + 1;
  }
  const one = Buffer.from(lines.join('\n') + '\n', 'latin1');
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / one.length) }, () => one));
}

function throughput(data: Buffer, chunk = 65536, reps = 7): { mbps: number[]; bytesOut: number } {
  const mbps: number[] = [];
  let bytesOut = 0;
  for (let r = 0; r < reps; r++) {
    let out = 0;
    const p = new ControlParser((m) => {
      if (m.kind === 'notification' && m.event.type === 'output') out += m.event.data.length;
    });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk));
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    mbps.push(data.length / 1e6 / s);
    bytesOut = out;
  }
  return { mbps, bytesOut };
}

function fuzz(n: number): { inputs: number; escapes: number; seconds: number } {
  const corpus = fs.readdirSync(TRANSCRIPTS).filter((f) => f.endsWith('.bin') && !f.startsWith('utf8')).map((f) => fs.readFileSync(path.join(TRANSCRIPTS, f)));
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let escapes = 0;
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    let input: Buffer;
    if (i % 2 === 0) {
      input = Buffer.allocUnsafe(Math.floor(rnd() * 64));
      for (let j = 0; j < input.length; j++) input[j] = rnd() < 0.3 ? [0x25, 0x0a, 0x5c, 0x20][Math.floor(rnd() * 4)]! : Math.floor(rnd() * 256);
    } else {
      const base = corpus[i % corpus.length]!;
      const start = Math.floor(rnd() * base.length);
      input = Buffer.from(base.subarray(start, start + Math.floor(rnd() * 200)));
      for (let k = 0; k < 3 && input.length; k++) input[Math.floor(rnd() * input.length)] = Math.floor(rnd() * 256);
    }
    try {
      const p = new ControlParser(() => {});
      const cut = Math.floor(rnd() * (input.length + 1));
      p.push(input.subarray(0, cut));
      p.push(input.subarray(cut));
      p.end();
    } catch {
      escapes++;
    }
  }
  return { inputs: n, escapes, seconds: (Date.now() - t0) / 1000 };
}

function main(): void {
  const size = 64 * 1024 * 1024;
  const utf8 = outputStream('utf8-split.bin', size);
  const ascii = asciiStream(size);
  const u = throughput(utf8);
  const a = throughput(ascii);
  const f = fuzz(Number(process.env.FUZZ_INPUTS ?? 1_000_000));
  const figures: Figure[] = [
    { name: 'parse recorded UTF-8 %output stream', value: median(u.mbps), min: Math.min(...u.mbps), max: Math.max(...u.mbps), unit: 'MB/s', reference: 'tmux emits ~13 MB/s', target: '≥ 200 MB/s' },
    { name: 'parse SGR-heavy ASCII %output stream', value: median(a.mbps), min: Math.min(...a.mbps), max: Math.max(...a.mbps), unit: 'MB/s', reference: 'tmux emits ~13 MB/s', target: '≥ 200 MB/s' },
    { name: `fuzz: exceptions escaping (${f.inputs} inputs, ${f.seconds.toFixed(1)} s)`, value: f.escapes, unit: 'escapes', target: '0' },
  ];
  printTable(`Parser (${(size / 1e6).toFixed(0)} MB streams, 64 KiB chunks, 7 runs)`, figures);
  writeResults('parser', figures);
}

main();
