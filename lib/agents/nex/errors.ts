/**
 * Every way a request can fail, turned into ONE readable line for the pane and the stderr log.
 * Server messages are kept (they say what is wrong) but squeezed to one line and scrubbed of the
 * API key, which some servers echo back in 401 replies.
 */
import type { Endpoint } from './endpoint';

export type NexErrorKind =
  | 'refused'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'http'
  | 'malformed'
  | 'truncated'
  | 'empty'
  | 'too-large'
  | 'cancelled';

export class NexError extends Error {
  override name = 'NexError';
  constructor(
    readonly kind: NexErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(oneLine(message));
  }
}

const MAX_LINE = 400;

/** Collapse whitespace (newlines included) and cap the length. */
export function oneLine(text: string, max = MAX_LINE): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/**
 * Remove a secret from text: the whole key, and any key-like token that is a long piece of it
 * (servers often print a prefix or suffix of the key they rejected).
 */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  let out = text.split(secret).join('[redacted]');
  if (secret.length >= 12) {
    out = out.replace(/[A-Za-z0-9_\-.+/=]{8,}/g, (tok) => {
      const bare = tok.replace(/^[.*]+|[.*]+$/g, '');
      return bare.length >= 8 && secret.includes(bare) ? '[redacted]' : tok;
    });
  }
  return out;
}

const TLS_CODES = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);

/** A socket-level failure before any reply (errors from node:http / node:net / node:tls). */
export function networkError(err: unknown, ep: Endpoint): NexError {
  if (err instanceof NexError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  const host = ep.hostPort;
  if (code === 'ECONNREFUSED') return new NexError('refused', `connection refused by ${host} (is the model server running there?)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    return new NexError('dns', `cannot resolve host ${ep.hostPort.replace(/:\d+$/, '')} (DNS lookup failed: ${code}); check the endpoint URL`);
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /certificate|ssl|tls/i.test(msg)) {
    const hint = /wrong version number|packet length too long/i.test(msg) ? ' (does the server speak plain http? try http://)' : '';
    return new NexError('tls', `TLS error talking to ${host}: ${msg}${hint}`);
  }
  if (code === 'ETIMEDOUT') return new NexError('timeout', `connecting to ${host} timed out`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new NexError('network', `cannot reach ${host}: ${code === 'EHOSTUNREACH' ? 'host' : 'network'} unreachable`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new NexError('network', `connection to ${host} was reset before a reply`);
  return new NexError('network', `request to ${host} failed: ${code ? code + ' ' : ''}${msg}`);
}

/** Pull the human message out of an error body in any of the common shapes. */
export function serverMessage(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  try {
    const v = JSON.parse(trimmed) as unknown;
    const found = findMessage(v);
    if (found) return found;
  } catch {
    /* not JSON */
  }
  // HTML error pages: drop the tags.
  return trimmed.replace(/<[^>]*>/g, ' ');
}

function findMessage(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  // OpenAI {error:{message}}, Anthropic {error:{type,message}}, vLLM {message}, FastAPI {detail}, Ollama {error:"…"}
  for (const k of ['error', 'message', 'detail', 'msg']) {
    const inner = o[k];
    const m = Array.isArray(inner) ? findMessage(inner[0]) : findMessage(inner);
    if (m) return m;
  }
  return undefined;
}

export interface HttpErrorContext {
  endpoint: Endpoint;
  model: string;
  /** Name of the env var the key came from, for the 401 hint. */
  keyVar?: string;
  hasKey: boolean;
  retryAfter?: string;
}

export function httpError(status: number, body: string, c: HttpErrorContext): NexError {
  const msg = serverMessage(body);
  const said = msg ? `: ${msg}` : '';
  const where = c.endpoint.hostPort;
  let line: string;
  if (status === 401) {
    const hint = c.hasKey ? `check the key in ${c.keyVar ? '$' + c.keyVar : 'the --api-key-env variable'}` : `no API key was sent; set one with --api-key-env VAR`;
    line = `HTTP 401 unauthorized from ${where}${said} (${hint})`;
  } else if (status === 403) {
    line = `HTTP 403 forbidden from ${where}${said}`;
  } else if (status === 404) {
    line = /model/i.test(msg)
      ? `HTTP 404 model "${c.model}" not found at ${where}${said}`
      : `HTTP 404 from ${c.endpoint.chatCompletions}${said} (wrong URL or model "${c.model}" not found)`;
  } else if (status === 429) {
    const wait = c.retryAfter ? ` (retry after ${c.retryAfter}s)` : '';
    line = `HTTP 429 rate limited by ${where}${said}${wait}`;
  } else if (status >= 500) {
    line = `HTTP ${status} server error from ${where}${said}`;
  } else {
    line = `HTTP ${status} from ${where}${said}`;
  }
  return new NexError('http', line, status);
}
