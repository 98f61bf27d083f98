/**
 * Per-chat logs: `output.log` (everything the pane shows, via `pipe-pane -o`) and `stderr.log`
 * (start headers; claude's and codex's stderr, tee'd so it still reaches the pane; nex's and
 * `chatmux ask`'s error lines). Each is written while the chat runs by a capped writer that
 * rotates it (one previous generation, `.1`), so no chat can fill the disk however much it prints.
 * The writers are a long-lived perl process (a tiny POSIX sh loop where perl is missing) started
 * by tmux: no extra node process per chat.
 */
import * as fs from 'node:fs';
import { shellQuote } from '../control/commands';
import { chatFiles, type ChatContext } from './context';
import { readTranscript } from '../agents/nex/transcript';
import { screenText } from './screen-text';

/**
 * The most disk one chat's logs take, both logs and their `.1` generations together
 * (CHATMUX_LOG_CAP_BYTES overrides it). Each log gets half; its current file rotates at a quarter.
 */
export const DEFAULT_LOG_CAP_BYTES = 16 * 1024 * 1024;
const MIN_LOG_CAP_BYTES = 16 * 1024;

/** The chat log budget from CHATMUX_LOG_CAP_BYTES, and a warning when the value is unusable. */
export function logCap(env: NodeJS.ProcessEnv = process.env): { bytes: number; warning: string | null } {
  const raw = env.CHATMUX_LOG_CAP_BYTES;
  if (raw === undefined || raw === '') return { bytes: DEFAULT_LOG_CAP_BYTES, warning: null };
  const n = Number(raw);
  if (/^\d+$/.test(raw.trim()) && Number.isSafeInteger(n) && n >= MIN_LOG_CAP_BYTES) return { bytes: n, warning: null };
  const bad = JSON.stringify(raw).slice(0, 40);
  return { bytes: DEFAULT_LOG_CAP_BYTES, warning: `CHATMUX_LOG_CAP_BYTES=${bad} is not a whole number of bytes >= ${MIN_LOG_CAP_BYTES}; using ${DEFAULT_LOG_CAP_BYTES}` };
}

/** Size at which one log file is rotated: a quarter of the budget (file + .1, times two logs). */
export function logFileMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  return Math.floor(logCap(env).bytes / 4);
}

/**
 * The capped writer, perl version: copies stdin to FILE (and to stderr when TEE is 1), never
 * letting FILE pass MAX bytes: a read that would cross the cap is split, the file renamed to
 * FILE.1 and a new one started. The size is the file's own (fstat), so lines other processes
 * append count too. If the file cannot be written (disk full, removed folder) the bytes still go
 * to stderr in TEE mode: the agent's terminal never depends on its log.
 */
const PERL_WRITER = [
  'my ($f, $max, $tee) = @ARGV; umask 077; $SIG{PIPE} = "IGNORE"; my ($o, $b);',
  'sub reopen { close $o if $o; $o = undef; open($o, ">>", $f) or ($o = undef); binmode $o if $o }',
  // A failed rename (a removed file) still reopens FILE, so logging goes on in a new file.
  'sub rotate { rename($f, "$f.1"); reopen() }',
  'sub size { $o ? (-s $o || 0) : 0 }',
  'reopen();',
  'while (1) {',
  '  my $n = sysread(STDIN, $b, 65536);',
  '  if (!defined $n) { next if $!{EINTR}; last }',
  '  last if $n == 0;',
  '  if ($tee) { my $d = 0; while ($d < $n) { my $w = syswrite(STDERR, $b, $n - $d, $d); last unless $w; $d += $w } }',
  '  my $off = 0;',
  '  while ($o && $off < $n) {',
  '    my $room = $max - size();',
  // Still full after rotating (the folder is read-only): drop the rest rather than loop.
  '    if ($room <= 0) { rotate(); last if !$o || size() >= $max; next }',
  '    my $k = $n - $off; $k = $room if $k > $room;',
  '    my $w = syswrite($o, $b, $k, $off); last unless $w;',
  '    $off += $w;',
  '  }',
  '  rotate() if $o && size() >= $max;',
  '  reopen() unless $o;',
  '}',
].join('\n');

/**
 * The same writer for a system without perl: one bounded dd read per round (never more than the
 * room left, so FILE never passes MAX) into a chunk file, which goes to stderr (TEE 1) and FILE.
 * Runs as `sh -c SH_WRITER NAME FILE MAX TEE PERL_WRITER`; execs perl when there is one.
 */
const SH_WRITER = [
  'umask 077; f=$1; max=$2; tee=$3',
  'if command -v perl >/dev/null 2>&1; then exec perl -e "$4" "$f" "$max" "$tee"; fi',
  'c="$f.chunk.$$"; trap \'rm -f "$c"\' EXIT',
  'while :; do',
  '  s=$(wc -c 2>/dev/null <"$f" || echo 0); ok=1',
  '  [ "$s" -lt "$max" ] || { mv -f "$f" "$f.1" 2>/dev/null && s=0 || ok=0; }',
  '  b=$((max - s)); [ "$b" -gt 0 ] && [ "$b" -le 65536 ] || b=65536',
  // No room for the chunk (disk full): pass everything on unlogged rather than stall the writer.
  '  if ! dd bs="$b" count=1 of="$c" 2>/dev/null; then if [ "$tee" = 1 ]; then exec cat >&2; fi; exec cat >/dev/null; fi',
  '  n=$(wc -c <"$c"); [ "$n" -gt 0 ] || exit 0',
  '  [ "$tee" = 1 ] && cat "$c" >&2',
  '  [ "$ok" = 1 ] && cat "$c" >>"$f" 2>/dev/null',
  'done',
].join('\n');

/**
 * Runs as `sh -c WRAPPER chatmux-agent STDERR_LOG MAX BANNER GO ARGV…`: waits on the tmux
 * channel GO until the starter has attached pipe-pane (else an agent's first screen would
 * miss output.log), prints the resume banner, routes stderr through a FIFO into the capped
 * writer (which copies it to the terminal and STDERR_LOG), then execs the agent so the pane's
 * pid, current command and dead status are the agent's own. With no STDERR_LOG the agent gets
 * the pane's terminal on stdin, stdout and stderr alike.
 */
const WRAPPER = [
  `w=${shellQuote(SH_WRITER)}; p=${shellQuote(PERL_WRITER)}`,
  'log=$1; max=$2; banner=$3; go=$4; shift 4',
  // At most 10 s: a starter killed before it signalled must not leave the agent waiting.
  'if [ -n "$go" ]; then',
  '  if command -v timeout >/dev/null 2>&1; then timeout 10 tmux wait-for "$go" 2>/dev/null',
  '  else tmux wait-for "$go" 2>/dev/null; fi',
  'fi',
  'if [ -n "$banner" ] && [ -f "$banner" ]; then cat "$banner"; rm -f "$banner"; fi',
  'if [ -n "$log" ]; then',
  '  f="$log.fifo.$$"; rm -f "$f"',
  '  if mkfifo -m 600 "$f"; then',
  '    /bin/sh -c "$w" chatmux-stderr-log "$log" "$max" 1 "$p" <"$f" &',
  '    exec 2>"$f"',
  '    rm -f "$f"',
  '  fi',
  'fi',
  'exec "$@"',
].join('\n');

/** The argv tmux runs for a chat (argv with >1 element: tmux execs it without a shell). */
export function wrappedCommand(
  argv: readonly string[],
  o: { stderrLog: string | null; banner: string | null; goChannel: string | null; maxBytes?: number },
): string[] {
  const max = o.maxBytes ?? logFileMaxBytes();
  return ['/bin/sh', '-c', WRAPPER, 'chatmux-agent', o.stderrLog ?? '', String(max), o.banner ?? '', o.goChannel ?? '', ...argv];
}

/** Keep one previous generation when a log has reached `max`. */
export function rotateIfLarge(file: string, max: number): void {
  try {
    if (fs.statSync(file).size >= max) fs.renameSync(file, file + '.1');
  } catch {
    /* missing: nothing to rotate */
  }
}

/** Append one line to a chat log, rotating it first when it is full. */
export function appendLogLine(file: string, line: string, max = logFileMaxBytes()): void {
  rotateIfLarge(file, max);
  fs.appendFileSync(file, line.endsWith('\n') ? line : line + '\n', { mode: 0o600 });
}

/** Header line written at every start, saying what stderr.log holds. */
export function startStderrLog(ctx: ChatContext, ref: string, mode: 'start' | 'resume', note: string): void {
  const { dir, stderrLog } = chatFiles(ctx, ref);
  const cap = logCap();
  if (cap.warning) ctx.warn(cap.warning);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  appendLogLine(stderrLog, `# chatmux ${new Date().toISOString()} ${mode} ${ref}: ${note}`, Math.floor(cap.bytes / 4));
}

/** The shell command for `pipe-pane`: appends pane output to output.log through the capped writer. */
export function outputLogCommand(file: string, max = logFileMaxBytes()): string {
  return `exec /bin/sh -c ${shellQuote(SH_WRITER)} chatmux-log ${shellQuote(file)} ${max} 0 ${shellQuote(PERL_WRITER)}`;
}

/** Terminal output as the plain text it showed: cursor movement applied, escape sequences dropped (screen-text.ts). */
export function plainText(raw: string): string {
  return screenText(raw);
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

/**
 * Write the banner shown above a resumed chat's new screen; returns its path or null.
 * A chat with a nex transcript gets only the header line: `nex --resume` replays its completed
 * turns itself, and the saved output would show the same turns a second time.
 */
export function writeResumeBanner(ctx: ChatContext, ref: string, reason: string): string | null {
  const { resumeBanner, dir, transcript } = chatFiles(ctx, ref);
  const replaysOwnTurns = hasTurns(transcript);
  const tail = replaysOwnTurns ? [] : outputTail(ctx, ref);
  if (tail.length === 0 && !replaysOwnTurns) return null;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lines = replaysOwnTurns
    ? [`--- ${ref}: resumed ${new Date().toISOString()} after ${reason}; the conversation follows ---`, '']
    : [`--- ${ref}: last output before ${reason} ---`, ...tail, `--- resumed ${new Date().toISOString()} ---`, ''];
  fs.writeFileSync(resumeBanner, lines.join('\r\n'), { mode: 0o600 });
  return resumeBanner;
}

function hasTurns(transcript: string): boolean {
  try {
    return readTranscript(transcript).turns.length > 0;
  } catch {
    return false; // unreadable: show the saved output instead
  }
}
