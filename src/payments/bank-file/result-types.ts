/**
 * The vocabulary of a bank's result file (outcomes, rejection reasons, problems), apart from the code
 * that reads and writes it so the reader and the writer can share it without importing each other.
 */

export const REJECTION_REASONS = [
  'wrong_card',
  'closed_account',
  'holder_mismatch',
  'limit_exceeded',
  'technical',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const RESULT_FILE_KIND = 'BANK-RESULTS';
export const RESULT_FILE_VERSION = '1';

export interface ResultFileHeader {
  batchRef: string;
  bankCode: string;
  /** ISO 8601 UTC */
  processedAt: string;
}

export interface ResultLine {
  lineRef: string;
  outcome: 'paid' | 'rejected';
  amount: number;
  reason: RejectionReason | null;
}

export interface ParsedResultFile {
  batchRef: string;
  bankCode: string;
  processedAt: string;
  lines: ResultLine[];
  count: number;
  total: number;
  /** The trailer checksum (of the R records). */
  sha256: string;
  /** SHA-256 of the whole file's bytes as received (BOM and CRLF included): recognises a re-import. */
  fileSha256: string;
}

/** `line` is the 1-based physical line; 0 means the file as a whole (empty, too large, not UTF-8). */
export type ResultFileProblem =
  | { code: 'BANK_FILE_MALFORMED'; line: number; detail: string }
  | { code: 'BANK_FILE_CHECKSUM_MISMATCH'; expected: string; actual: string }
  | { code: 'BANK_FILE_TOTALS_MISMATCH'; detail: string }
  | { code: 'BANK_FILE_DUPLICATE_LINE'; line: number; lineRef: string }
  | { code: 'BANK_FILE_UNKNOWN_LINE'; line: number; lineRef: string }
  | { code: 'BANK_FILE_AMOUNT_MISMATCH'; line: number; lineRef: string }
  | { code: 'BANK_FILE_WRONG_BATCH'; detail: string };

export interface ExpectedBatch {
  batchRef: string;
  bankCode: string;
  /** lineRef → amount sent, in so'm. */
  lines: ReadonlyMap<string, number>;
}

export type ParseResultFileOutcome =
  | { ok: true; file: ParsedResultFile }
  | { ok: false; problem: ResultFileProblem };
