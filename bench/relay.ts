/**
 * The floor of any UI built on one `tmux -C` connection (issue 15.1): a bare relay run by the
 * echo bench in the same PTY harness as chatmux. It reads the PTY's keys from stdin, sends each
 * read to one pane with `send-keys -H`, and writes that pane's `%output` bytes straight to
 * stdout — no emulator, no painting, no blessed. Two ways to speak to tmux:
 *
 *   client  through the library's ControlClient (its parser, command queue, quoting);
 *   raw     its own ten-line reader on the control process's pipes (no library at all).
 *
 * The control process is the local `tmux -C attach` or, for the ssh rows, `ssh -T HOST tmux -C`.
 *
 *   node dist/bench/relay.js '<json RelayConfig>'
 *
 * With `trace` set it records, per key, read → send-keys written, send-keys written → first
 * `%output` read, and read → echo written (ms), and writes them to that file on SIGTERM.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { ControlClient } from '../lib/control/client';
import { connectOverSsh } from '../lib/control/ssh-transport';
import { CONTROL_KEEPALIVE, sshArgv, sshHostFrom } from '../lib/control/ssh';
import { controlArgs } from '../lib/control/transport';
import { commandLine } from '../lib/control/quote';
import { unescapeOutput } from '../lib/control/parser';

export interface RelayConfig {
  mode: 'client' | 'raw';
  socket: string;
  /** The session to attach (`=name`) and the pane to type into (`%N`). */
  target: string;
  pane: string;
  /** An ssh destination: the control connection runs `ssh -T DEST tmux -C …` (CHATMUX_SSH picks ssh). */
  sshDest?: string;
  trace?: string;
}

export interface RelayTrace {
  /** key read → send-keys line written */
  toSend: number[];
  /** send-keys written → first %output of the pane read (the tmux -C round trip) */
  roundTrip: number[];
  /** key read → echo written to stdout */
  total: number[];
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Link {
  send(bytes: Buffer): void;
  onOutput(f: (pane: string, data: Buffer) => void): void;
}

/** The library's ControlClient, as chatmux's UI opens it (no flow control: every byte comes through). */
async function clientLink(c: RelayConfig): Promise<Link> {
  const o = { server: { socket: c.socket }, target: { attach: c.target }, pauseAfter: null };
  const client = c.sshDest
    ? await connectOverSsh(sshHostFrom(c.sshDest), o, { share: false, keepAlive: CONTROL_KEEPALIVE })
    : await ControlClient.connect(o);
  return {
    send: (bytes) => void client.command(['send-keys', '-t', c.pane, '-H', ...hex(bytes)]).catch(() => {}),
    onOutput: (f) => client.on('output', f),
  };
}

/** Bare pipes to `tmux -C` (or ssh running it): lines in, `%output` lines out. */
async function rawLink(c: RelayConfig): Promise<Link> {
  const tmuxArgs = ['tmux', ...controlArgs({ socket: c.socket }, { attach: c.target })];
  // Over ssh: the same ssh command line as the client's link (own connection, same options).
  const [file, ...args] = c.sshDest ? sshArgv(sshHostFrom(c.sshDest), tmuxArgs, { share: false, keepAlive: CONTROL_KEEPALIVE }) : tmuxArgs;
  const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let listener: (pane: string, data: Buffer) => void = () => {};
  let rest = Buffer.alloc(0);
  let ready!: () => void;
  const attached = new Promise<void>((r) => (ready = r));
  child.stdout.on('data', (b: Buffer) => {
    const buf = rest.length ? Buffer.concat([rest, b]) : b;
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      // `%output %N data`; the attach's own %end says tmux takes commands now.
      if (buf[start] === 0x25 && buf[start + 1] === 0x6f && buf.toString('latin1', start, start + 9) === '%output %') {
        const sp = buf.indexOf(32, start + 9);
        listener(buf.toString('latin1', start + 8, sp), unescapeOutput(buf, sp + 1, nl));
      } else if (buf.toString('latin1', start, start + 5) === '%end ') ready();
      start = nl + 1;
    }
    rest = Buffer.from(buf.subarray(start));
  });
  await attached;
  return {
    send: (bytes) => child.stdin.write(commandLine(['send-keys', '-t', c.pane, '-H', ...hex(bytes)]) + '\n'),
    onOutput: (f) => (listener = f),
  };
}

const hex = (bytes: Buffer): string[] => Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] ?? '') as RelayConfig;
  const link = c.mode === 'raw' ? await rawLink(c) : await clientLink(c);
  const trace: RelayTrace = { toSend: [], roundTrip: [], total: [] };
  let readAt = 0;
  let sentAt = 0;
  link.onOutput((pane, data) => {
    if (pane !== c.pane) return;
    process.stdout.write(data);
    if (sentAt) {
      const t = now();
      trace.roundTrip.push(t - sentAt);
      trace.total.push(t - readAt);
      sentAt = 0;
    }
  });
  process.stdin.setRawMode(true);
  process.stdin.on('data', (b: Buffer) => {
    readAt = now();
    link.send(b);
    sentAt = now();
    trace.toSend.push(sentAt - readAt);
  });
  process.on('SIGTERM', () => {
    if (c.trace) fs.writeFileSync(c.trace, JSON.stringify(trace));
    process.exit(0);
  });
  process.stdout.write('relay ready\r\n');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`relay: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
