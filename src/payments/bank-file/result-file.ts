/**
 * The result file a bank returns for a payment batch: which lines it paid and which it rejected, and why.
 * parseResultFile never throws: anything wrong with the file, hostile or not, becomes one problem (the
 * first found), so an import can refuse the file as a whole and say why. writeResultFile is its inverse,
 * for tests and for the bank simulator.
 */
import { isAmount, isUtcTimestamp, requireText, requireThat } from './fields.ts';
import { csvRecord, MAX_LINE_LENGTH, MAX_RECORDS, recordsSha256, writeFrame } from './frame.ts';
import { readResultFrame } from './result-reader.ts';
import {
  type ExpectedBatch,
  type ParseResultFileOutcome,
  REJECTION_REASONS,
  RESULT_FILE_KIND,
  RESULT_FILE_VERSION,
  type ResultFileHeader,
  type ResultFileProblem,
  type ResultLine,
} from './result-types.ts';

export * from './result-types.ts';

const REASONS: ReadonlySet<string> = new Set(REJECTION_REASONS);

/** Throws a plain Error naming the first bad field. The lines are written in the order given. */
export function writeResultFile(header: ResultFileHeader, lines: readonly ResultLine[]): string {
  requireText('header.batchRef', header.batchRef);
  requireText('header.bankCode', header.bankCode);
  requireThat(isUtcTimestamp(header.processedAt), 'header.processedAt', 'must be ISO 8601 UTC');
  requireThat(lines.length > 0, 'lines', 'must not be empty');
  requireThat(lines.length <= MAX_RECORDS, 'lines', `must hold at most ${MAX_RECORDS} records`);
  const seen = new Set<string>();
  let total = 0;
  const records = lines.map((line, i) => {
    const at = `lines[${i}]`;
    requireText(`${at}.lineRef`, line.lineRef);
    requireThat(!seen.has(line.lineRef), `${at}.lineRef`, 'must be unique in the file');
    seen.add(line.lineRef);
    requireThat(
      line.outcome === 'paid' || line.outcome === 'rejected',
      `${at}.outcome`,
      'must be paid or rejected',
    );
    requireThat(isAmount(line.amount), `${at}.amount`, 'must be a positive safe integer of so’m');
    if (line.outcome === 'paid') requireThat(line.reason === null, `${at}.reason`, 'must be null when paid');
    else
      requireThat(
        line.reason !== null && REASONS.has(line.reason),
        `${at}.reason`,
        'must be a rejection reason',
      );
    total += line.amount;
    requireThat(Number.isSafeInteger(total), 'lines', 'must total at most Number.MAX_SAFE_INTEGER');
    const record = csvRecord([
      'R',
      line.lineRef,
      line.outcome === 'paid' ? 'PAID' : 'REJECTED',
      line.amount,
      line.reason ?? '',
    ]);
    requireThat(record.length <= MAX_LINE_LENGTH, at, `must fit in ${MAX_LINE_LENGTH} characters`);
    return record;
  });
  const { batchRef, bankCode, processedAt } = header;
  const headerRecord = csvRecord([
    'H',
    RESULT_FILE_KIND,
    RESULT_FILE_VERSION,
    batchRef,
    bankCode,
    processedAt,
  ]);
  requireThat(headerRecord.length <= MAX_LINE_LENGTH, 'header', `must fit in ${MAX_LINE_LENGTH} characters`);
  return writeFrame(headerRecord, records, total).text;
}

/**
 * Reads a bank's result file for the batch `expected`, checking in this order and reporting the first
 * problem: frame (malformed), wrong batch, checksum, totals, duplicate lines, unknown lines, amounts.
 * The file may answer only part of the batch. Never throws.
 */
export function parseResultFile(bytes: Uint8Array | string, expected: ExpectedBatch): ParseResultFileOutcome {
  try {
    return check(bytes, expected);
  } catch (error) {
    // Unreachable by design; a last guard so that no input ever makes an import throw.
    const detail = `unreadable file (${error instanceof Error ? error.name : 'error'})`;
    return { ok: false, problem: { code: 'BANK_FILE_MALFORMED', line: 0, detail } };
  }
}

function check(bytes: Uint8Array | string, expected: ExpectedBatch): ParseResultFileOutcome {
  const read = readResultFrame(bytes);
  if (!read.ok) return read;
  const { header, records, lines, lineNumbers, count, total, sha256, fileSha256 } = read.frame;
  const fail = (problem: ResultFileProblem): ParseResultFileOutcome => ({ ok: false, problem });

  if (header.batchRef !== expected.batchRef || header.bankCode !== expected.bankCode) {
    const detail = `the file answers batch ${header.batchRef} of bank ${header.bankCode}, not batch ${expected.batchRef} of bank ${expected.bankCode}`;
    return fail({ code: 'BANK_FILE_WRONG_BATCH', detail });
  }
  const actual = recordsSha256(records);
  if (actual !== sha256) return fail({ code: 'BANK_FILE_CHECKSUM_MISMATCH', expected: sha256, actual });

  const sum = lines.reduce((acc, line) => acc + BigInt(line.amount), 0n);
  if (count !== lines.length || BigInt(total) !== sum) {
    const detail = `the trailer says ${count} records totalling ${total}, the file has ${lines.length} totalling ${sum}`;
    return fail({ code: 'BANK_FILE_TOTALS_MISMATCH', detail });
  }
  const at = (i: number) => lineNumbers[i] ?? 0;
  const seen = new Set<string>();
  for (const [i, { lineRef }] of lines.entries()) {
    if (seen.has(lineRef)) return fail({ code: 'BANK_FILE_DUPLICATE_LINE', line: at(i), lineRef });
    seen.add(lineRef);
  }
  for (const [i, { lineRef }] of lines.entries()) {
    if (!expected.lines.has(lineRef)) return fail({ code: 'BANK_FILE_UNKNOWN_LINE', line: at(i), lineRef });
  }
  for (const [i, { lineRef, amount }] of lines.entries()) {
    if (expected.lines.get(lineRef) !== amount)
      return fail({ code: 'BANK_FILE_AMOUNT_MISMATCH', line: at(i), lineRef });
  }
  return { ok: true, file: { ...header, lines, count, total, sha256, fileSha256 } };
}
