/**
 * Incremental Server-Sent Events parser: feed it bytes as they arrive, get events out.
 * Handles UTF-8 characters split across chunks, CRLF / CR / LF line ends, comments and
 * multi-line `data:` fields (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 */

export interface SseEvent {
  event: string;
  data: string;
}

export class SseParser {
  private decoder = new TextDecoder('utf-8');
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];
  private sawCR = false;
  private pendingData = 0;
  /** Comment lines seen so far (`: ping` keep-alives). */
  comments = 0;

  /** Feed a chunk; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    // A CRLF split across chunks: the LF belongs to the CR we already ended a line on.
    if (this.sawCR && text.startsWith('\n')) text = text.slice(1);
    this.sawCR = text.endsWith('\r');
    this.buffer += text;
    const out: SseEvent[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line, out);
    return out;
  }

  /**
   * The stream ended. Returns a last event that had its data lines but no closing blank line
   * (lenient: some servers omit it), and whether an unfinished line was left over — a sign the
   * stream was cut off mid-event.
   */
  end(): { events: SseEvent[]; partialLine: boolean } {
    this.buffer += this.decoder.decode();
    const partialLine = this.buffer.length > 0;
    const events: SseEvent[] = [];
    if (!partialLine && this.dataLines.length > 0) this.dispatch(events);
    this.buffer = '';
    return { events, partialLine };
  }

  /** Characters held for the event being read (its data lines and the unfinished line). */
  pendingLength(): number {
    return this.buffer.length + this.pendingData;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') return this.dispatch(out);
    if (line.startsWith(':')) return void this.comments++; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.dataLines.push(value);
      this.pendingData += value.length;
    }
    else if (field === 'event') this.eventName = value;
    // id and retry do not matter for one-shot completions.
  }

  private dispatch(out: SseEvent[]): void {
    if (this.dataLines.length > 0) out.push({ event: this.eventName || 'message', data: this.dataLines.join('\n') });
    this.dataLines = [];
    this.pendingData = 0;
    this.eventName = '';
  }
}
