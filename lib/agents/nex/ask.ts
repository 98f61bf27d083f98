/**
 * One headless turn (`chatmux ask` on a nex chat): send the whole transcript as history plus the
 * new message, record the completed turn, return the reply text. Throws NexError (one readable
 * line in `.message`) or EndpointError for a bad URL.
 */
import { streamChat, type ChatReply } from './client';
import { normaliseEndpoint, type Endpoint } from './endpoint';
import { appendTurn, buildMessages, readTranscript } from './transcript';

export interface AskOptions {
  /** URL with or without /v1, or an already normalised endpoint. */
  endpoint: string | Endpoint;
  model: string;
  apiKey?: string;
  /** Name of the env var the key came from (only used in the 401 hint). */
  keyVar?: string;
  transcriptPath: string;
  message: string;
  system?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Streamed tokens, if the caller wants to print them as they arrive. */
  onToken?: (text: string) => void;
}

export async function askOnce(o: AskOptions): Promise<string> {
  const endpoint = typeof o.endpoint === 'string' ? normaliseEndpoint(o.endpoint) : o.endpoint;
  const { turns } = readTranscript(o.transcriptPath);
  const reply: ChatReply = await streamChat({
    endpoint,
    model: o.model,
    apiKey: o.apiKey,
    keyVar: o.keyVar,
    messages: buildMessages(turns, o.message, o.system),
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    onToken: o.onToken,
  });
  appendTurn(o.transcriptPath, { user: o.message, assistant: reply.text, model: o.model });
  return reply.text;
}
