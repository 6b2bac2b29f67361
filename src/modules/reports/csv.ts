// CSV as RFC 4180 has it: CRLF line ends, a header row, fields with a comma, quote, CR or LF quoted
// with inner quotes doubled. UTF-8 without a byte-order mark. Rows are written as they come, so a
// long report streams instead of being built in memory.
import { Readable } from 'node:stream';

export type Cell = string | number | null;

export function csvField(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  // a leading =, +, - or @ makes spreadsheets run the cell as a formula: quote-and-prefix it (text
  // only: an amount such as -150000.00 stays a number)
  const formula = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s);
  const safe = formula ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;

/** A readable stream of the header and each row, one line at a time. */
export function csvStream(header: readonly string[], rows: AsyncIterable<readonly Cell[]> | Iterable<readonly Cell[]>): Readable {
  async function* lines() {
    yield csvLine(header);
    for await (const r of rows) yield csvLine(r);
  }
  return Readable.from(lines(), { objectMode: false });
}
