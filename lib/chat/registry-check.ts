/**
 * The registry's quick check: what zod's schema (registry-schema.ts) returns for a valid
 * `chats.json`, without loading zod (50–100 ms on the UI's start path). It accepts only data the
 * schema accepts and builds the same result (known keys in the schema's order, unknown ones
 * dropped, the defaults filled in); anything it is not sure of gets null, and the caller asks
 * zod, whose verdict and messages stay the only ones users see.
 */
import { EXECUTORS } from './executor-names';
import { CHAT_STATES } from './chat-states';
import type { ChatRecord, Registry } from './registry-schema';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || isStr(v);
/** Safe integers only: beyond them zod's int check is the judge. */
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const REF_RE = /^chat-[1-9][0-9]*$/;
const ENUMS = { executor: new Set<unknown>(EXECUTORS), state: new Set<unknown>(CHAT_STATES) };

/** `z.record(z.string(), z.string())`: a plain object of strings, copied. */
function stringRecord(v: unknown): Record<string, string> | null {
  if (!isObj(v) || Object.getPrototypeOf(v) !== Object.prototype) return null;
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (!isStr(x) || k === '__proto__') return null;
    out[k] = x;
  }
  return out;
}

/** Optional fields: absent stays absent; present must be valid. */
function optional<T>(o: Obj, key: string, check: (v: unknown) => v is T, out: Obj): boolean {
  if (!(key in o)) return true;
  if (!check(o[key])) return false;
  out[key] = o[key];
  return true;
}

function record(c: unknown): ChatRecord | null {
  if (!isObj(c)) return null;
  const out: Obj = {};
  const req = (key: string, check: (v: unknown) => boolean): boolean => {
    if (!check(c[key])) return false;
    out[key] = c[key];
    return true;
  };
  const ok =
    req('ref', (v) => isStr(v) && REF_RE.test(v)) &&
    req('name', isStr) &&
    req('role', isStr) &&
    req('parent', isStrOrNull) &&
    req('executor', (v) => ENUMS.executor.has(v)) &&
    req('argv', (v) => Array.isArray(v) && v.every(isStr)) &&
    req('cwd', isStr) &&
    req('model', isStrOrNull) &&
    req('endpoint', isStrOrNull) &&
    req('apiKeyEnv', isStrOrNull) &&
    req('resumeId', isStrOrNull) &&
    req('state', (v) => ENUMS.state.has(v));
  if (!ok) return null;
  // Defaults: null when absent.
  const starterPid = c.starterPid === undefined ? null : c.starterPid;
  if (starterPid !== null && !isInt(starterPid)) return null;
  out.starterPid = starterPid;
  const intOrNull = (v: unknown): v is number | null => v === null || isInt(v);
  if (!optional(c, 'stopperPid', intOrNull, out) || !optional(c, 'pidStart', isStrOrNull, out) || !optional(c, 'stateReason', isStrOrNull, out)) return null;
  if (!req('session', isStr) || !req('created', isStr)) return null;
  const startedAt = c.startedAt === undefined ? null : c.startedAt;
  if (!isStrOrNull(startedAt)) return null;
  out.startedAt = startedAt;
  if ('launchEnv' in c) {
    if (c.launchEnv === null) out.launchEnv = null;
    else {
      const env = stringRecord(c.launchEnv);
      if (!env) return null;
      out.launchEnv = env;
    }
  }
  // Arrays are copied, as zod does: the result shares nothing with the input.
  out.argv = [...(out.argv as string[])];
  return out as ChatRecord;
}

/** The registry as zod's schema would return it, or null when zod must judge it. */
export function quickRegistry(data: unknown): Registry | null {
  if (!isObj(data) || data.version !== 1 || !isStr(data.project) || !isInt(data.lastRef) || data.lastRef < 0 || !Array.isArray(data.chats)) return null;
  const chats: ChatRecord[] = [];
  for (const c of data.chats) {
    const r = record(c);
    if (!r) return null;
    chats.push(r);
  }
  return { version: 1, project: data.project, lastRef: data.lastRef, chats };
}
