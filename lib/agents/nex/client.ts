/**
 * One streamed Chat Completions request (`POST <base>/chat/completions`, `stream: true`):
 * tokens are handed to `onToken` as they arrive; the promise resolves with the whole reply or
 * rejects with a NexError whose message is the one line to show.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Endpoint } from './endpoint';
import { httpError, networkError, NexError, redact } from './errors';
import { SseParser, type SseEvent } from './sse';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  endpoint: Endpoint;
  model: string;
  messages: ChatMessage[];
  apiKey?: string;
  /** Env var the key came from (named in the 401 hint; the key itself never is). */
  keyVar?: string;
  /** Cancel the request (Ctrl+C): rejects with kind 'cancelled'. */
  signal?: AbortSignal;
  /** Give up when nothing arrives for this long — before the reply starts or between chunks. */
  timeoutMs?: number;
  onToken?: (text: string) => void;
}

export interface ChatReply {
  text: string;
  finishReason: string | null;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_ERROR_BODY = 64 * 1024;

export function streamChat(r: ChatRequest): Promise<ChatReply> {
  const timeoutMs = r.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const body = JSON.stringify({ model: r.model, messages: r.messages, stream: true });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'chatmux-nex',
  };
  if (r.apiKey) headers.authorization = `Bearer ${r.apiKey}`;

  return new Promise<ChatReply>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const finish = (err: NexError | null, reply?: ChatReply): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      r.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(new NexError(err.kind, redact(err.message, r.apiKey), err.status));
      } else resolve(reply!);
    };
    const armTimer = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const s = Math.round(timeoutMs / 100) / 10;
        finish(new NexError('timeout', `no reply from ${r.endpoint.hostPort} within ${s}s (timeout)`));
      }, timeoutMs);
    };
    const onAbort = (): void => finish(new NexError('cancelled', 'reply cancelled'));

    const lib = r.endpoint.protocol === 'https:' ? https : http;
    const req = lib.request(r.endpoint.chatCompletions, { method: 'POST', headers });
    req.on('error', (err) => finish(networkError(err, r.endpoint)));
    req.on('response', (res) => {
      armTimer();
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        readSome(res, MAX_ERROR_BODY, armTimer).then((text) => {
          const retry = res.headers['retry-after'];
          finish(httpError(status, text, { endpoint: r.endpoint, model: r.model, keyVar: r.keyVar, hasKey: !!r.apiKey, retryAfter: typeof retry === 'string' ? retry : undefined }));
        }, () => finish(new NexError('truncated', `HTTP ${status} from ${r.endpoint.hostPort}, and the connection dropped while reading the error`, status)));
        return;
      }
      const type = String(res.headers['content-type'] ?? '');
      if (/application\/json/i.test(type)) readJsonReply(res, r, armTimer).then((reply) => finish(null, reply), (e: NexError) => finish(e));
      else readStream(res, r, type, armTimer).then((reply) => finish(null, reply), (e: NexError) => finish(e));
    });
    if (r.signal?.aborted) return onAbort();
    r.signal?.addEventListener('abort', onAbort);
    armTimer();
    req.end(body);
  });
}

/** Read at most `max` bytes of a body as text. */
function readSome(res: http.IncomingMessage, max: number, onData: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      onData();
      if (size < max) chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, max)));
    res.on('aborted', () => reject(new Error('aborted')));
    res.on('error', reject);
  });
}

/** A server that ignored `stream: true` and answered with one JSON completion. */
async function readJsonReply(res: http.IncomingMessage, r: ChatRequest, onData: () => void): Promise<ChatReply> {
  let text: string;
  try {
    text = await readSome(res, 16 * 1024 * 1024, onData);
  } catch {
    throw new NexError('truncated', `the reply from ${r.endpoint.hostPort} was cut off (connection dropped)`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new NexError('truncated', `the JSON reply from ${r.endpoint.hostPort} was cut off or is not JSON`);
  }
  const obj = v as { choices?: Array<{ message?: { content?: unknown }; finish_reason?: string | null }>; error?: unknown };
  if (obj?.error !== undefined) throw new NexError('http', `server error from ${r.endpoint.hostPort}: ${errorText(obj.error)}`);
  const choice = obj?.choices?.[0];
  if (!choice) throw new NexError('malformed', `malformed reply from ${r.endpoint.hostPort}: no choices in the JSON`);
  const content = typeof choice.message?.content === 'string' ? choice.message.content : '';
  if (!content) throw new NexError('empty', `empty reply from model "${r.model}" (the server returned no text)`);
  r.onToken?.(content);
  return { text: content, finishReason: choice.finish_reason ?? null };
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  const m = (e as { message?: unknown })?.message;
  return typeof m === 'string' ? m : JSON.stringify(e);
}

interface ChunkShape {
  choices?: Array<{ delta?: { content?: unknown }; finish_reason?: string | null }>;
  error?: unknown;
}

function readStream(res: http.IncomingMessage, r: ChatRequest, contentType: string, onData: () => void): Promise<ChatReply> {
  return new Promise<ChatReply>((resolve, reject) => {
    const parser = new SseParser();
    const where = r.endpoint.hostPort;
    let text = '';
    let finishReason: string | null = null;
    let done = false;
    let events = 0;
    let failed = false;
    const fail = (e: NexError): void => {
      if (failed) return;
      failed = true;
      res.destroy();
      reject(e);
    };
    const handle = (ev: SseEvent): void => {
      events++;
      if (done) return;
      if (ev.data.trim() === '[DONE]') return void (done = true);
      let chunk: ChunkShape;
      try {
        chunk = JSON.parse(ev.data) as ChunkShape;
      } catch {
        return fail(new NexError('malformed', `malformed SSE from ${where}: event data is not JSON: ${ev.data.slice(0, 80)}`));
      }
      if (chunk.error !== undefined) return fail(new NexError('http', `server error from ${where} during the reply: ${errorText(chunk.error)}`));
      const choice = chunk.choices?.[0];
      if (!choice) return; // usage-only or keep-alive chunks
      const piece = choice.delta?.content;
      if (typeof piece === 'string' && piece) {
        text += piece;
        r.onToken?.(piece);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    };
    res.on('data', (c: Buffer) => {
      onData();
      if (failed) return;
      for (const ev of parser.push(c)) {
        handle(ev);
        if (failed) return;
      }
    });
    res.on('end', () => {
      if (failed) return;
      const tail = parser.end();
      for (const ev of tail.events) handle(ev);
      if (failed) return;
      if (!done && finishReason === null) {
        if (events === 0) {
          return fail(new NexError('malformed', `malformed reply from ${where}: expected an SSE stream, got ${contentType || 'no content type'} (is this an OpenAI-compatible endpoint?)`));
        }
        return fail(new NexError('truncated', `the stream from ${where} ended before the reply was complete (truncated SSE)`));
      }
      if (!text) return fail(new NexError('empty', `empty reply from model "${r.model}" (the stream carried no text)`));
      resolve({ text, finishReason });
    });
    // The connection dropped mid-body ('aborted' on node 20, 'error' ECONNRESET elsewhere).
    const cut = (): void => fail(new NexError('truncated', `the connection to ${where} dropped mid-reply (truncated stream)`));
    res.on('aborted', cut);
    res.on('error', cut);
  });
}
