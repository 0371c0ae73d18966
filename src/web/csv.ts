/** CSV downloads of the figures pages show (RFC 4180 quoting, safe to open in a spreadsheet). */

export type CsvCell = string | number;

function cell(v: CsvCell): string {
  const s = String(v);
  // A leading =, +, - or @ would be a formula in a spreadsheet: prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The rows (the first one the header) as a CSV document with CRLF line ends. */
export function csvDocument(rows: ReadonlyArray<readonly CsvCell[]>): string {
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
