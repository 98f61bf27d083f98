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
  /**
   * Give up when the reply makes no progress for this long: no reply text before it starts or
   * between pieces. Keep-alive comments (`: ping`) and events without text are not progress, so
   * a server that only pings still times out. A JSON (non-streamed) body, and an error body,
   * must arrive whole within this time after the headers.
   */
  timeoutMs?: number;
  /** Largest reply kept (bytes of text, default 4 MiB): a bigger one is an error, kept nowhere. */
  maxReplyBytes?: number;
  onToken?: (text: string) => void;
}

export interface ChatReply {
  text: string;
  finishReason: string | null;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;

/** How a body reader reports to the request: progress re-arms the timeout; `said` describes a stall. */
interface Progress {
  progress(): void;
  /** What the server has sent so far, for the timeout message. */
  said(what: 'nothing' | 'keep-alives' | 'text'): void;
}

const megabytes = (n: number): string => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;

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
    let said: 'nothing' | 'keep-alives' | 'text' = 'nothing';
    const finish = (err: NexError | null, reply?: ChatReply): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      r.signal?.removeEventListener('abort', onAbort);
      // Done either way: let go of the connection (a server may keep pinging after [DONE]).
      req.destroy();
      if (err) reject(new NexError(err.kind, redact(err.message, r.apiKey), err.status));
      else resolve(reply!);
    };
    const armTimer = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const s = `${Math.round(timeoutMs / 100) / 10}s`;
        const where = r.endpoint.hostPort;
        const msg =
          said === 'text'
            ? `the reply from ${where} stalled: no more text for ${s} (timeout; the partial reply is not kept)`
            : said === 'keep-alives'
              ? `no reply from ${where} within ${s} (timeout; the server sent only keep-alive comments, no text)`
              : `no reply from ${where} within ${s} (timeout)`;
        finish(new NexError('timeout', msg));
      }, timeoutMs);
    };
    const track: Progress = { progress: armTimer, said: (w) => void (said = w) };
    const onAbort = (): void => finish(new NexError('cancelled', 'reply cancelled'));

    const lib = r.endpoint.protocol === 'https:' ? https : http;
    const req = lib.request(r.endpoint.chatCompletions, { method: 'POST', headers });
    req.on('error', (err) => finish(networkError(err, r.endpoint)));
    req.on('response', (res) => {
      // From here the timer runs on: only reply text re-arms it (readStream), not bytes.
      armTimer();
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        readSome(res, MAX_ERROR_BODY).then(({ text }) => {
          const retry = res.headers['retry-after'];
          finish(httpError(status, text, { endpoint: r.endpoint, model: r.model, keyVar: r.keyVar, hasKey: !!r.apiKey, retryAfter: typeof retry === 'string' ? retry : undefined }));
        }, () => finish(new NexError('truncated', `HTTP ${status} from ${r.endpoint.hostPort}, and the connection dropped while reading the error`, status)));
        return;
      }
      const type = String(res.headers['content-type'] ?? '');
      if (/application\/json/i.test(type)) readJsonReply(res, r).then((reply) => finish(null, reply), (e: NexError) => finish(e));
      else readStream(res, r, type, track).then((reply) => finish(null, reply), (e: NexError) => finish(e));
    });
    if (r.signal?.aborted) return onAbort();
    r.signal?.addEventListener('abort', onAbort);
    armTimer();
    req.end(body);
  });
}

/** Read at most `max` bytes of a body as text; `whole` is false when there was more (not read). */
function readSome(res: http.IncomingMessage, max: number): Promise<{ text: string; whole: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (whole: boolean): void => resolve({ text: Buffer.concat(chunks).subarray(0, max).toString('utf8'), whole });
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > max) {
        // Enough to say what is wrong; never read (or wait for) the rest.
        done(false);
        res.destroy();
      }
    });
    res.on('end', () => done(true));
    res.on('aborted', () => reject(new Error('aborted')));
    res.on('error', reject);
  });
}

function tooLarge(r: ChatRequest, max: number): NexError {
  return new NexError('too-large', `the reply from ${r.endpoint.hostPort} is larger than ${megabytes(max)}; stopped reading it (it is not kept in the conversation)`);
}

/** A server that ignored `stream: true` and answered with one JSON completion. */
async function readJsonReply(res: http.IncomingMessage, r: ChatRequest): Promise<ChatReply> {
  const max = r.maxReplyBytes ?? MAX_REPLY_BYTES;
  let body: { text: string; whole: boolean };
  try {
    // JSON escapes can double the text: allow for that, and for the envelope.
    body = await readSome(res, 2 * max + 64 * 1024);
  } catch {
    throw new NexError('truncated', `the reply from ${r.endpoint.hostPort} was cut off (connection dropped)`);
  }
  if (!body.whole) throw tooLarge(r, max);
  let v: unknown;
  try {
    v = JSON.parse(body.text);
  } catch {
    throw new NexError('truncated', `the JSON reply from ${r.endpoint.hostPort} was cut off or is not JSON`);
  }
  const obj = v as { choices?: Array<{ message?: { content?: unknown }; finish_reason?: string | null }>; error?: unknown };
  if (obj?.error !== undefined) throw new NexError('http', `server error from ${r.endpoint.hostPort}: ${errorText(obj.error)}`);
  const choice = obj?.choices?.[0];
  if (!choice) throw new NexError('malformed', `malformed reply from ${r.endpoint.hostPort}: no choices in the JSON`);
  const content = typeof choice.message?.content === 'string' ? choice.message.content : '';
  if (!content) throw new NexError('empty', `empty reply from model "${r.model}" (the server returned no text)`);
  if (Buffer.byteLength(content) > max) throw tooLarge(r, max);
  r.onToken?.(content);
  return { text: content, finishReason: choice.finish_reason ?? null };
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  const m = (e as { message?: unknown })?.message;
  return typeof m === 'string' ? m : JSON.stringify(e);
}

interface ChunkShape {
  choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown }; finish_reason?: string | null }>;
  error?: unknown;
}

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

function readStream(res: http.IncomingMessage, r: ChatRequest, contentType: string, track: Progress): Promise<ChatReply> {
  return new Promise<ChatReply>((resolve, reject) => {
    const max = r.maxReplyBytes ?? MAX_REPLY_BYTES;
    const parser = new SseParser();
    const where = r.endpoint.hostPort;
    let text = '';
    let textBytes = 0;
    let finishReason: string | null = null;
    let events = 0;
    let progressed = false;
    let settled = false;
    /** The first bytes of the body, to quote when it is not SSE at all. */
    let head = '';
    const fail = (e: NexError): void => {
      if (settled) return;
      settled = true;
      res.destroy();
      reject(e);
    };
    const complete = (): void => {
      if (settled) return;
      if (!text) return fail(new NexError('empty', `empty reply from model "${r.model}" (the stream carried no text)`));
      settled = true;
      resolve({ text, finishReason });
    };
    const handle = (ev: SseEvent): void => {
      events++;
      if (ev.data.trim() === '[DONE]') return complete();
      let chunk: ChunkShape;
      try {
        chunk = JSON.parse(ev.data) as ChunkShape;
      } catch {
        return fail(new NexError('malformed', `malformed SSE from ${where}: event data is not JSON: ${ev.data.slice(0, 80)}`));
      }
      if (chunk.error !== undefined) return fail(new NexError('http', `server error from ${where} during the reply: ${errorText(chunk.error)}`));
      const choice = chunk.choices?.[0];
      if (!choice) return; // usage-only or keep-alive chunks: not progress
      const delta = choice.delta ?? {};
      const piece = delta.content;
      if (typeof piece === 'string' && piece) {
        textBytes += Buffer.byteLength(piece);
        if (textBytes > max) return fail(tooLarge(r, max));
        text += piece;
        r.onToken?.(piece);
      }
      // Reasoning text is progress too (a thinking model), though nex does not show it.
      if (nonEmpty(piece) || nonEmpty(delta.reasoning_content) || nonEmpty(delta.reasoning) || choice.finish_reason) {
        progressed = true;
        track.progress();
        track.said('text');
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    };
    res.on('data', (c: Buffer) => {
      if (settled) return;
      if (head.length < 200) head += c.subarray(0, 200).toString('utf8');
      for (const ev of parser.push(c)) {
        handle(ev);
        if (settled) return;
      }
      if (!progressed && parser.comments > 0) track.said('keep-alives');
      // One event that never ends (no blank line, no newline) must not grow without bound.
      if (parser.pendingLength() > 2 * max + 64 * 1024) fail(tooLarge(r, max));
    });
    res.on('end', () => {
      if (settled) return;
      const tail = parser.end();
      for (const ev of tail.events) {
        handle(ev);
        if (settled) return;
      }
      if (finishReason !== null) return complete();
      if (events > 0) return fail(new NexError('truncated', `the stream from ${where} ended before the reply was complete (truncated SSE)`));
      fail(noEvents(where, contentType, parser.comments, tail.partialLine, head));
    });
    // The connection dropped mid-body ('aborted' on node 20, 'error' ECONNRESET elsewhere).
    const cut = (): void => fail(new NexError('truncated', `the connection to ${where} dropped mid-reply (truncated stream)`));
    res.on('aborted', cut);
    res.on('error', cut);
  });
}

/** A 200 reply that ended without a single SSE event: say what did arrive. */
function noEvents(where: string, contentType: string, comments: number, partialLine: boolean, head: string): NexError {
  if (!/text\/event-stream/i.test(contentType)) {
    const start = head.trim() ? `: ${JSON.stringify(head.trim().slice(0, 80))}` : ' and an empty body';
    return new NexError('malformed', `malformed reply from ${where}: expected an SSE stream (text/event-stream) or JSON, got ${contentType || 'no content type'}${start} (is this an OpenAI-compatible endpoint?)`);
  }
  if (partialLine) return new NexError('truncated', `the SSE stream from ${where} ended in the middle of its first event (truncated SSE)`);
  if (comments > 0) return new NexError('empty', `the SSE stream from ${where} ended after ${comments} keep-alive comment(s) and no data: no reply`);
  return new NexError('empty', `the SSE stream from ${where} ended without sending any event: no reply`);
}
