/**
 * The payment file of a batch: the CSV Himoya hands to one bank so it pays each family's account or
 * social card. Pure and deterministic: the same batch always gives the same bytes, so a file can be
 * regenerated and compared, and its trailer checksum proves which records were sent.
 */

import { isAccountNumber, isAmount, isMonth, isUtcTimestamp, requireText, requireThat } from './fields.ts';
import { csvRecord, MAX_LINE_LENGTH, MAX_RECORDS, writeFrame } from './frame.ts';

export interface PaymentFileHeader {
  batchRef: string;
  bankCode: string;
  /** YYYY-MM */
  month: string;
  /** ISO 8601 UTC, e.g. 2027-01-04T06:00:00Z */
  createdAt: string;
}

export interface PaymentFileLine {
  lineRef: string;
  /** Digits only: 16 for a social card, 20 for a bank account (16-20 accepted). */
  accountNumber: string;
  holderName: string;
  /** Whole so'm, positive. */
  amount: number;
  programme: string;
  /** YYYY-MM */
  benefitMonth: string;
}

export const PAYMENT_FILE_KIND = 'HIMOYA-PAYMENTS';
export const PAYMENT_FILE_VERSION = '1';

/** Throws a plain Error naming the first bad field; never puts the field's value in the message. */
export function writePaymentFile(
  header: PaymentFileHeader,
  lines: readonly PaymentFileLine[],
): { text: string; count: number; total: number; sha256: string } {
  requireText('header.batchRef', header.batchRef);
  requireText('header.bankCode', header.bankCode);
  requireThat(isMonth(header.month), 'header.month', 'must be YYYY-MM');
  requireThat(isUtcTimestamp(header.createdAt), 'header.createdAt', 'must be ISO 8601 UTC (…T06:00:00Z)');
  requireThat(lines.length > 0, 'lines', 'must not be empty');
  requireThat(lines.length <= MAX_RECORDS, 'lines', `must hold at most ${MAX_RECORDS} records`);

  const headerRecord = csvRecord([
    'H',
    PAYMENT_FILE_KIND,
    PAYMENT_FILE_VERSION,
    header.batchRef,
    header.bankCode,
    header.month,
    header.createdAt,
  ]);
  requireThat(headerRecord.length <= MAX_LINE_LENGTH, 'header', `must fit in ${MAX_LINE_LENGTH} characters`);

  const seen = new Set<string>();
  const records: string[] = [];
  let total = 0;
  lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    requireText(`${at}.lineRef`, line.lineRef);
    requireThat(!seen.has(line.lineRef), `${at}.lineRef`, 'must be unique in the batch');
    seen.add(line.lineRef);
    requireThat(isAccountNumber(line.accountNumber), `${at}.accountNumber`, 'must be 16 to 20 digits');
    requireText(`${at}.holderName`, line.holderName);
    requireThat(isAmount(line.amount), `${at}.amount`, 'must be a positive safe integer of so’m');
    requireText(`${at}.programme`, line.programme);
    requireThat(isMonth(line.benefitMonth), `${at}.benefitMonth`, 'must be YYYY-MM');
    total += line.amount;
    requireThat(Number.isSafeInteger(total), 'lines', 'must total at most Number.MAX_SAFE_INTEGER');
    const record = csvRecord([
      'P',
      line.lineRef,
      line.accountNumber,
      line.holderName,
      line.amount,
      line.programme,
      line.benefitMonth,
    ]);
    requireThat(record.length <= MAX_LINE_LENGTH, at, `must fit in ${MAX_LINE_LENGTH} characters`);
    records.push(record);
  });

  return writeFrame(headerRecord, records, total);
}
