/**
 * The new-chat dialog's command line split into argv as a POSIX shell splits words, with
 * nothing expanded: '…' keeps everything, "…" everything but the escapes \" \\ \$ \` and a
 * backslash-newline, and a backslash outside quotes takes the next character literally. So
 * `sh -c 'echo "hi there"; exec cat'` is three words, as typed in a terminal (it was split on
 * every space). An unterminated quote is an error (the dialog shows it), not a guess.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) word += line[++i] === '\n' ? '' : line[i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (ch === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i++;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + ch;
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (word !== null) words.push(word);
  return words;
}
