/** The SQLSTATE and constraint of a database error, from either driver (pg or PGlite), if it is one. */
export function pgErrorOf(error: unknown): { code?: string; constraint?: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  return { code, ...(typeof constraint === 'string' ? { constraint } : {}) };
}

export const UNIQUE_VIOLATION = '23505';
export const EXCLUSION_VIOLATION = '23P01';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';

/**
 * SQLSTATEs that only a value the caller sent can cause: text the database cannot hold, a number or a date
 * out of its range, a row too large for an index. The boundary rules and the schemas refuse such values
 * before any SQL runs; these are the second line of defence, answered as the client's mistake (400), not
 * as the server's (500).
 */
export const INPUT_ERROR_CODES: Readonly<Record<string, string>> = {
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22021': 'character_not_in_repertoire',
  '22025': 'invalid_escape_sequence',
  '22P02': 'invalid_text_representation',
  '22P05': 'untranslatable_character',
  '54000': 'program_limit_exceeded',
};

/** The condition name of a database error caused by the caller's input, or undefined. */
export function inputErrorOf(error: unknown): string | undefined {
  const code = pgErrorOf(error)?.code;
  return code !== undefined && Object.hasOwn(INPUT_ERROR_CODES, code) ? INPUT_ERROR_CODES[code] : undefined;
}
