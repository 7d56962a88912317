/**
 * CSV as Himoya writes it (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
 * break quoted and their quotes doubled), with the OWASP guard against formula injection: a text cell
 * that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return) gets a leading single quote, so an address like `=HYPERLINK(...)` stays text when the export is
 * opened. Numbers are written as they are: a negative amount is data, not a formula.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: empty for null and undefined. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = String(value);
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export function csvRow(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}

/** A whole document: the header row, then the rows, each line ended by CRLF. */
export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [csvRow(header), ...rows.map(csvRow)].map((line) => `${line}\r\n`).join('');
}
