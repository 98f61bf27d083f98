/**
 * `transcript.jsonl`: one JSON line per COMPLETED turn (user message + whole reply), so a reply cut
 * off by Ctrl+C, an error or `kill -9` never leaves half a turn. Each line is written with one
 * O_APPEND write; a torn last line (disk full, power loss) is skipped on reading and fenced off
 * with a newline before the next append.
 *
 * Lines: {"v":1,"type":"turn","ts":…,"model":…,"user":…,"assistant":…}
 *        {"v":1,"type":"clear","ts":…}   (/clear: history starts again after it)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage } from './client';

export interface Turn {
  user: string;
  assistant: string;
  model?: string;
  ts?: string;
}

type Line = { v: 1; type: 'turn'; ts: string; model: string; user: string; assistant: string } | { v: 1; type: 'clear'; ts: string };

export interface TranscriptState {
  /** Turns since the last /clear, oldest first. */
  turns: Turn[];
  /** Lines that could not be parsed (a torn write); they are ignored. */
  skipped: number;
}

export function readTranscript(file: string): TranscriptState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { turns: [], skipped: 0 };
    throw e;
  }
  let turns: Turn[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: Partial<Line>;
    try {
      line = JSON.parse(raw) as Partial<Line>;
    } catch {
      skipped++;
      continue;
    }
    if (line.type === 'clear') turns = [];
    else if (line.type === 'turn' && typeof line.user === 'string' && typeof line.assistant === 'string') {
      turns.push({ user: line.user, assistant: line.assistant, model: line.model, ts: line.ts });
    } else skipped++;
  }
  return { turns, skipped };
}

function appendLine(file: string, line: Line): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let data = JSON.stringify(line) + '\n';
  const fd = fs.openSync(file, 'a+', 0o600);
  try {
    // Fence off a torn last line so this turn starts on its own line.
    const size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) data = '\n' + data;
    }
    // One write call: the whole turn lands or (killed before it) none of it does.
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
  } finally {
    fs.closeSync(fd);
  }
}

export function appendTurn(file: string, turn: Turn): void {
  appendLine(file, { v: 1, type: 'turn', ts: turn.ts ?? new Date().toISOString(), model: turn.model ?? '', user: turn.user, assistant: turn.assistant });
}

export function appendClear(file: string): void {
  appendLine(file, { v: 1, type: 'clear', ts: new Date().toISOString() });
}

/** The messages array for the next request: optional system prompt, earlier turns, the new message. */
export function buildMessages(turns: Turn[], next: string, system?: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const t of turns) out.push({ role: 'user', content: t.user }, { role: 'assistant', content: t.assistant });
  out.push({ role: 'user', content: next });
  return out;
}
