/**
 * The rows of a `-F` listing: fields joined by tabs (spaces in values survive), split back
 * into as many columns as were asked for.
 */
const SEP = '\t';

/** Build a -F format from fields; tab-separated so spaces in values survive. */
export function fieldsFormat(fields: readonly string[]): string {
  return fields.map((f) => `#{${f}}`).join(SEP);
}

/** One row into `n` columns. */
export function splitRow(line: string, n: number): string[] {
  const parts = line.split(SEP);
  // The last field takes the rest (a value could contain our separator).
  if (parts.length > n) parts.splice(n - 1, parts.length - n + 1, parts.slice(n - 1).join(SEP));
  while (parts.length < n) parts.push('');
  return parts;
}

/** A numeric field; 0 when empty or not a number. */
export const int = (s: string | undefined): number => {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : 0;
};
