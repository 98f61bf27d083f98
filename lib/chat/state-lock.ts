/**
 * A lock file that names its owner, so a lock left by a killed process is broken at once
 * instead of after a timeout.
 *
 * The lock is `<path>` created with O_EXCL and holding `{pid, start, host, token}`. A
 * waiter treats it as stale when the owner is provably gone (same host, and the pid is dead
 * or now belongs to a process started at another time). When the owner cannot be checked
 * (another host, an unreadable file, or the directory lock of older chatmux versions) the
 * mtime decides: stale when older than `staleMs` or in the future (a clock or `touch` in
 * the future would otherwise keep it "fresh" for ever). A live owner's lock is never broken.
 *
 * Breaking is serialised by a second lock `<path>.break` held for a few microseconds, and
 * the stale verdict is re-checked under it, so two waiters never break a fresh lock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';

export interface LockOptions {
  /** Give up waiting for a live owner after this long. */
  timeoutMs?: number;
  /** Age after which a lock whose owner cannot be checked is stale. */
  staleMs?: number;
}

interface Owner {
  pid: number;
  start: string | null;
  host: string;
  token: string;
}

/**
 * The fields of `/proc/PID/stat` from the third on (state, ppid, …), or null (no such process,
 * or not Linux). The command name (field 2) may hold spaces, so they are counted after its ')'.
 */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The kernel's start time of a process (clock ticks since boot: field 22), or null off Linux. */
export function processStart(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/**
 * The process runs (a zombie — killed, not yet reaped by its parent — does not count). EPERM:
 * it exists but is another user's.
 */
export function processRunning(pid: number | null | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // No /proc (another system): kill's answer stands.
  return statFields(pid)?.[0] !== 'Z';
}

/** True when the process `pid` that started at `start` (null: unknown) still runs. */
export function ownerAlive(pid: number, start: string | null): boolean {
  if (!processRunning(pid)) return false;
  if (start === null) return true;
  const now = processStart(pid);
  return now === null || now === start;
}

const FUTURE_SLACK_MS = 2000;
/** An owner writes its file right after creating it: an empty file younger than this is in progress. */
const WRITE_GRACE_MS = 2000;

type Verdict = { stale: false; owner?: Owner } | { stale: true; why: string };

function judge(lockPath: string, staleMs: number): Verdict | null {
  let st: fs.Stats;
  let text = '';
  try {
    st = fs.lstatSync(lockPath);
    if (st.isFile()) text = fs.readFileSync(lockPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const age = Date.now() - st.mtimeMs;
  let owner: Owner | null = null;
  try {
    const o = JSON.parse(text) as Owner;
    if (typeof o.pid === 'number' && typeof o.host === 'string') owner = o;
  } catch {
    /* unreadable: judged by age */
  }
  if (owner && owner.host === os.hostname()) {
    return ownerAlive(owner.pid, owner.start) ? { stale: false, owner } : { stale: true, why: `its owner (pid ${owner.pid}) is gone` };
  }
  if (age < -FUTURE_SLACK_MS) return { stale: true, why: 'its time stamp is in the future' };
  if (!owner && st.isFile() && age < WRITE_GRACE_MS) return { stale: false };
  // Empty past the grace: its owner was killed between creating and writing it (kill -9 of a
  // CLI hit this 1 in 30 times under load; judged by age it held every command up for 30 s).
  if (!owner && st.isFile() && text === '') return { stale: true, why: 'it is empty: its owner was killed while taking it' };
  if (age > staleMs) return { stale: true, why: `it is ${Math.round(age / 1000)} s old and its owner cannot be checked` };
  return { stale: false, ...(owner ? { owner } : {}) };
}

function ownerText(token: string): string {
  return JSON.stringify({ pid: process.pid, start: processStart(process.pid), host: os.hostname(), token });
}

/** Create `file` exclusively with our owner record; false when it exists. */
function tryCreate(file: string, token: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, ownerText(token));
  } catch (e) {
    // A full disk: do not leave an empty lock behind.
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return true;
}

function removeLock(file: string): void {
  try {
    const st = fs.lstatSync(file);
    if (st.isDirectory()) fs.rmSync(file, { recursive: true, force: true });
    else fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Break `lockPath` if it is (still) stale; returns true when it is gone. */
function breakIfStale(lockPath: string, staleMs: number, onBreak?: (why: string) => void): boolean {
  const breaker = `${lockPath}.break`;
  const token = randomBytes(8).toString('hex');
  if (!tryCreate(breaker, token)) {
    // The breaker is held for microseconds; a leftover one is stale by its owner or age.
    const v = judge(breaker, 1000);
    if (v?.stale) removeLock(breaker);
    return false;
  }
  try {
    const v = judge(lockPath, staleMs);
    if (v === null) return true;
    if (!v.stale) return false;
    removeLock(lockPath);
    onBreak?.(v.why);
    return true;
  } finally {
    removeLock(breaker);
  }
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

/**
 * Take the lock (waiting while a live owner holds it); resolves with a release function that
 * removes the lock only if it is still ours.
 */
export async function acquireLock(lockPath: string, o: LockOptions & { onBreak?: (why: string) => void } = {}): Promise<() => void> {
  const timeoutMs = o.timeoutMs ?? 60000;
  const staleMs = o.staleMs ?? 30000;
  const token = randomBytes(8).toString('hex');
  const end = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    if (tryCreate(lockPath, token)) break;
    const v = judge(lockPath, staleMs);
    if (v?.stale) {
      if (breakIfStale(lockPath, staleMs, o.onBreak)) continue;
    } else if (v !== null && Date.now() > end) {
      const who = v.owner ? `pid ${v.owner.pid}${v.owner.host !== os.hostname() ? ` on ${v.owner.host}` : ''}` : 'another process';
      if (v.owner && v.owner.host === os.hostname() && processStopped(v.owner.pid)) {
        throw new LockTimeoutError(`${lockPath} is held by pid ${v.owner.pid}, which is stopped (Ctrl-Z or SIGSTOP); continue it (fg, or kill -CONT ${v.owner.pid}) or end it`);
      }
      throw new LockTimeoutError(`${lockPath} is still held by ${who} after ${Math.round(timeoutMs / 1000)} s; try again, or remove the file if no chatmux runs`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(25, delay * 1.5);
  }
  const release = (): void => {
    held.delete(release);
    try {
      const o2 = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Owner;
      if (o2.token === token) fs.unlinkSync(lockPath);
    } catch {
      /* gone already (broken as stale by someone else?) */
    }
    if (held.size > 0) return;
    watchSignals(false);
    if (stopDeferred) {
      stopDeferred = false;
      // SIGSTOP, not SIGTSTP again: the kernel drops a TSTP whose default action is stop in an
      // orphaned process group (a CI job, `setsid`, a login shell gone), and it ran on instead.
      process.kill(process.pid, 'SIGSTOP');
    }
  };
  held.add(release);
  watchSignals(true);
  return release;
}

/**
 * Locks this process holds. A CLI ended by Ctrl-C, `kill` or its terminal closing (SIGINT,
 * SIGTERM, SIGHUP) died with its lock on disk (the chaos sweep found one after every such
 * end); the next writer broke it, but nothing else did. While a lock is held, those signals
 * remove it and end the process as the signal would have (exit 128+n). Not when the program
 * has its own handler (the UI): it decides how to end, and a lock must never be released
 * under a holder that goes on running.
 */
const held = new Set<() => void>();
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
let stopDeferred = false;

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  stopDeferred = false;
  // Synchronous from here on: nothing else runs between the release and the exit.
  for (const release of [...held]) release();
  process.exit(128 + SIGNALS[signal as keyof typeof SIGNALS]);
}

/**
 * Ctrl-Z while a lock is held stopped the process with it: a stopped owner is alive, so every
 * other chatmux (a UI too) waited the full minute and failed. The stop waits for the release.
 */
function onStop(): void {
  if (process.listenerCount('SIGTSTP') > 1) return;
  stopDeferred = true;
}

function watchSignals(on: boolean): void {
  for (const signal of Object.keys(SIGNALS) as NodeJS.Signals[]) {
    process.removeListener(signal, onSignal);
    if (on) process.on(signal, onSignal);
  }
  process.removeListener('SIGTSTP', onStop);
  if (on) process.on('SIGTSTP', onStop);
}

/** The process is stopped (Ctrl-Z, SIGSTOP): alive, but it will not release anything until continued. */
function processStopped(pid: number): boolean {
  return /^[Tt]/.test(statFields(pid)?.[0] ?? '');
}
