/**
 * Per-chat logs: `stderr.log` (the agent's stderr, tee'd so it still reaches the pane) and
 * `output.log` (everything the pane shows, via `pipe-pane -o`, rotated at a size cap).
 * Both helpers are tiny POSIX sh programs run by tmux, so no extra node process per chat.
 */
import * as fs from 'node:fs';
import { shellQuote } from '../control/commands';
import { chatFiles, type ChatContext } from './context';

export const OUTPUT_LOG_MAX_BYTES = 4 * 1024 * 1024;
export const STDERR_LOG_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Runs as `sh -c WRAPPER chatmux-agent STDERR_LOG BANNER GO ARGV…`: waits on the tmux
 * channel GO until the starter has attached pipe-pane (else an agent's first screen would
 * miss output.log), prints the resume banner, routes stderr through a FIFO into
 * `tee -a STDERR_LOG >&2`, then execs the agent so the pane's pid, current command and
 * dead status are the agent's own.
 */
const WRAPPER = [
  'log=$1; banner=$2; go=$3; shift 3',
  // At most 10 s: a starter killed before it signalled must not leave the agent waiting.
  'if [ -n "$go" ]; then',
  '  if command -v timeout >/dev/null 2>&1; then timeout 10 tmux wait-for "$go" 2>/dev/null',
  '  else tmux wait-for "$go" 2>/dev/null; fi',
  'fi',
  'if [ -n "$banner" ] && [ -f "$banner" ]; then cat "$banner"; rm -f "$banner"; fi',
  'if [ -n "$log" ]; then',
  '  f="$log.fifo.$$"; rm -f "$f"',
  '  if mkfifo -m 600 "$f"; then',
  '    tee -a "$log" <"$f" >&2 &',
  '    exec 2>"$f"',
  '    rm -f "$f"',
  '  fi',
  'fi',
  'exec "$@"',
].join('\n');

/** The argv tmux runs for a chat (argv with >1 element: tmux execs it without a shell). */
export function wrappedCommand(argv: readonly string[], o: { stderrLog: string | null; banner: string | null; goChannel: string | null }): string[] {
  return ['/bin/sh', '-c', WRAPPER, 'chatmux-agent', o.stderrLog ?? '', o.banner ?? '', o.goChannel ?? '', ...argv];
}

/** Keep one previous generation when a log grows past `max`. */
export function rotateIfLarge(file: string, max: number): void {
  try {
    if (fs.statSync(file).size >= max) fs.renameSync(file, file + '.1');
  } catch {
    /* missing: nothing to rotate */
  }
}

/** Header line written at every start, saying what stderr.log holds. */
export function startStderrLog(ctx: ChatContext, ref: string, mode: 'start' | 'resume', note: string): void {
  const { dir, stderrLog } = chatFiles(ctx, ref);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  rotateIfLarge(stderrLog, STDERR_LOG_MAX_BYTES);
  fs.appendFileSync(stderrLog, `# chatmux ${new Date().toISOString()} ${mode} ${ref}: ${note}\n`, { mode: 0o600 });
}

/**
 * The shell command for `pipe-pane`: appends pane output to output.log and renames it to
 * output.log.1 once it passes `max` bytes. dd copies each read as it arrives (head -c would
 * wait for a full count); the size is checked before every 16 reads.
 */
export function outputLogCommand(file: string, max = OUTPUT_LOG_MAX_BYTES): string {
  // One long-lived perl process when perl is there (binary-safe, no process per chunk: a
  // flooding agent is not slowed down); otherwise a portable sh loop of dd/tee/wc.
  const perl =
    'my ($f, $max) = @ARGV; umask 077; my $o; my $s = 0; ' +
    'my $open = sub { open($o, ">>", $f) or die "$f: $!"; binmode $o; $s = -s $f || 0 }; $open->(); my $b; ' +
    'while (1) { my $n = sysread(STDIN, $b, 65536); last unless $n; syswrite($o, $b); $s += $n; ' +
    'if ($s >= $max) { close $o; rename $f, "$f.1"; $open->() } }';
  const script =
    'umask 077; f=$1; max=$2; if command -v perl >/dev/null 2>&1; then exec perl -e "$3" "$f" "$max"; fi; while :; do ' +
    's=$(wc -c 2>/dev/null <"$f" || echo 0); [ "$s" -lt "$max" ] || mv -f "$f" "$f.1"; ' +
    'n=$(dd bs=65536 count=16 2>/dev/null | tee -a "$f" | wc -c); [ "$n" -gt 0 ] || exit 0; done';
  return `exec /bin/sh -c ${shellQuote(script)} chatmux-log ${shellQuote(file)} ${max} ${shellQuote(perl)}`;
}

/** Terminal output as plain text: escape sequences dropped, carriage-return overwrites applied. */
export function plainText(raw: string): string {
  const noEsc = raw
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '') // OSC
    .replace(/\x1b[P^_X][^\x1b]*\x1b\\/g, '') // DCS, PM, APC, SOS
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI
    .replace(/\x1b[()*+][0-9A-Za-z]/g, '')
    .replace(/\x1b./g, '');
  return noEsc
    .split('\n')
    .map((line) => {
      const parts = line.replace(/\r$/, '').split('\r');
      return parts[parts.length - 1]!.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    })
    .join('\n');
}

/** The last `lines` non-blank lines of a chat's output log, as plain text. */
export function outputTail(ctx: ChatContext, ref: string, lines = 40): string[] {
  const { outputLog } = chatFiles(ctx, ref);
  let buf = Buffer.alloc(0);
  for (const f of [outputLog + '.1', outputLog]) {
    try {
      buf = Buffer.concat([buf, fs.readFileSync(f)]);
    } catch {
      /* missing */
    }
  }
  const text = plainText(buf.subarray(Math.max(0, buf.length - 256 * 1024)).toString('utf8'));
  const all = text.split('\n').map((l) => l.trimEnd());
  while (all.length > 0 && all[all.length - 1] === '') all.pop();
  return all.slice(-lines);
}

/** Write the banner shown above a resumed chat's new screen; returns its path or null. */
export function writeResumeBanner(ctx: ChatContext, ref: string, reason: string): string | null {
  const tail = outputTail(ctx, ref);
  if (tail.length === 0) return null;
  const { resumeBanner, dir } = chatFiles(ctx, ref);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const body = [`--- ${ref}: last output before ${reason} ---`, ...tail, `--- resumed ${new Date().toISOString()} ---`, ''].join('\r\n');
  fs.writeFileSync(resumeBanner, body, { mode: 0o600 });
  return resumeBanner;
}
