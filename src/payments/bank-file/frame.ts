/**
 * The frame shared by the payment file Himoya sends to a bank and the result file the bank sends back:
 * a header record, one record per payment, a trailer with their count, total and SHA-256. This module
 * holds only what both directions need: RFC 4180 fields, the record checksum and the size limits.
 * A record is one physical line; no field of either file may hold a line break.
 */
import { createHash } from 'node:crypto';

/** More payment records than this in one file is refused (export throws, import is malformed). */
export const MAX_RECORDS = 200_000;
/** A line (without its line end) longer than this, in UTF-16 code units, is refused. */
export const MAX_LINE_LENGTH = 1000;

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted (its quotes doubled) only when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record: its fields joined by commas, without a line end. */
export function csvRecord(fields: readonly (string | number)[]): string {
  return fields.map(csvField).join(',');
}

export type ParsedRecord = { ok: true; fields: string[] } | { ok: false; detail: string };

/** Splits one line into its RFC 4180 fields; a stray or unclosed quote is an error, never a guess. */
export function parseCsvRecord(line: string): ParsedRecord {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const quote = line.indexOf('"', j);
        if (quote === -1) return { ok: false, detail: `unclosed quote in field ${fields.length + 1}` };
        value += line.slice(j, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          j = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      if (i < line.length && line[i] !== ',') {
        return { ok: false, detail: `text after the closing quote of field ${fields.length + 1}` };
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const value = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"'))
        return { ok: false, detail: `quote inside unquoted field ${fields.length + 1}` };
      fields.push(value);
      i = comma === -1 ? line.length : comma;
    }
    if (i >= line.length) return { ok: true, fields };
    i += 1; // the comma; a comma at the very end opens one last, empty field
  }
}

/** Lowercase hex SHA-256 of text (as UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The trailer checksum: SHA-256 of the payment records, each followed by "\n", in file order. */
export function recordsSha256(records: readonly string[]): string {
  const hash = createHash('sha256');
  for (const record of records) hash.update(`${record}\n`);
  return hash.digest('hex');
}

/** Header, records and trailer (`T,count,total,sha256`), each line ended by "\n". */
export function writeFrame(
  header: string,
  records: readonly string[],
  total: number,
): { text: string; count: number; total: number; sha256: string } {
  const sha256 = recordsSha256(records);
  const trailer = csvRecord(['T', records.length, total, sha256]);
  const text = [header, ...records, trailer].map((line) => `${line}\n`).join('');
  return { text, count: records.length, total, sha256 };
}
