/**
 * Field rules of the bank files, shared by the writers (which throw) and the result-file parser (which
 * reports). Error messages name the field, never its value: an account number must not reach a log.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;
const ACCOUNT_NUMBER = /^\d{16,20}$/;
/** An amount as written in a file: digits, no sign, no leading zero, no separators. */
const AMOUNT_TEXT = /^[1-9]\d*$/;
/** C0 and C1 controls (NUL, tab, CR, LF, DEL, ...): never part of a field. */
export const CONTROL_CHARACTER = /\p{Cc}/u;
/** A lone UTF-16 surrogate: text that has no UTF-8 bytes. */
export const LONE_SURROGATE = /\p{Cs}/u;
/** What a spreadsheet would run as a formula if a bank clerk opened the file. */
const FORMULA_START = /^[=+\-@]/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, a real calendar instant. */
export function isUtcTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = UTC_TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

export function isAccountNumber(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_NUMBER.test(value);
}

export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** An amount read from a file, or null when the text is not a positive safe integer. */
export function parseAmount(text: string): number | null {
  if (!AMOUNT_TEXT.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/** A count or total read from a trailer: like an amount, but zero is allowed. */
export function parseCount(text: string): number | null {
  return text === '0' ? 0 : parseAmount(text);
}

/**
 * Free text written into a file (references, codes, holder names): non-empty, trimmed, no control
 * characters or lone surrogates, and not starting like a spreadsheet formula (no guard is added, since
 * the bank must read back exactly what was sent).
 */
export function textProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
  if (value.trim() !== value) return 'must not start or end with white space';
  if (CONTROL_CHARACTER.test(value)) return 'must not contain control characters or line breaks';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode';
  if (FORMULA_START.test(value)) return 'must not start with =, +, - or @';
  return null;
}

export function requireText(field: string, value: unknown): void {
  const problem = textProblem(value);
  if (problem) throw new Error(`${field} ${problem}`);
}

export function requireThat(ok: boolean, field: string, rule: string): void {
  if (!ok) throw new Error(`${field} ${rule}`);
}
