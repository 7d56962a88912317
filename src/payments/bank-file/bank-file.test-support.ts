/**
 * Test-only: a small batch and helpers to tamper with bank files the way a faulty or hostile bank might,
 * while keeping chosen parts of the trailer consistent so that each check can be reached on its own.
 */
import { parseCsvRecord, recordsSha256 } from './frame.ts';
import type { PaymentFileHeader, PaymentFileLine } from './payment-file.ts';
import type { ExpectedBatch, ResultFileHeader, ResultLine } from './result-types.ts';

export const HEADER: PaymentFileHeader = {
  batchRef: 'PB-2027-01-0001',
  bankCode: '00014',
  month: '2027-01',
  createdAt: '2027-01-04T06:00:00Z',
};

export const LINES: PaymentFileLine[] = [
  {
    lineRef: 'L-1',
    accountNumber: '8600123456781234',
    holderName: 'Rahimov Ali',
    amount: 450_000,
    programme: 'child-allowance',
    benefitMonth: '2027-01',
  },
  {
    lineRef: 'L-2',
    accountNumber: '20208000900123456789',
    holderName: "Karimov Bobur Anvar O'g'li",
    amount: 1_200_000,
    programme: 'low-income-family',
    benefitMonth: '2027-01',
  },
  {
    lineRef: 'L-3',
    accountNumber: '9860123412341234',
    holderName: 'Yusupova, Dilnoza "Dilya"',
    amount: 315_500,
    programme: 'child-allowance',
    benefitMonth: '2026-12',
  },
];

export const RESULT_HEADER: ResultFileHeader = {
  batchRef: HEADER.batchRef,
  bankCode: HEADER.bankCode,
  processedAt: '2027-01-05T09:30:00Z',
};

export const PAID_1: ResultLine = { lineRef: 'L-1', outcome: 'paid', amount: 450_000, reason: null };
export const REJECTED_2: ResultLine = {
  lineRef: 'L-2',
  outcome: 'rejected',
  amount: 1_200_000,
  reason: 'closed_account',
};
export const PAID_3: ResultLine = { lineRef: 'L-3', outcome: 'paid', amount: 315_500, reason: null };
export const RESULTS: ResultLine[] = [PAID_1, REJECTED_2, PAID_3];

export function expectedBatch(lines: readonly PaymentFileLine[] = LINES): ExpectedBatch {
  return {
    batchRef: HEADER.batchRef,
    bankCode: HEADER.bankCode,
    lines: new Map(lines.map((line) => [line.lineRef, line.amount])),
  };
}

/** The lines of an LF file, without the final empty string. */
export function linesOf(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** The checksum field of a file's trailer (its last line). */
export function trailerChecksum(text: string): string {
  return linesOf(text).at(-1)?.split(',')[3] ?? '';
}

/** Replaces line `lineNumber` (1-based). */
export function replaceLine(text: string, lineNumber: number, line: string): string {
  const lines = linesOf(text);
  lines[lineNumber - 1] = line;
  return `${lines.join('\n')}\n`;
}

/**
 * Rewrites the trailer of an LF result file from its R records (count, total of field 4, checksum);
 * any of the three can be forced to another value.
 */
export function retrail(
  text: string,
  force: { count?: number; total?: number; sha256?: string } = {},
): string {
  const lines = linesOf(text);
  const records = lines.slice(1, -1);
  const total = records.reduce((sum, record) => {
    const parsed = parseCsvRecord(record);
    return parsed.ok ? sum + Number(parsed.fields[3]) : sum;
  }, 0);
  const trailer = [
    'T',
    force.count ?? records.length,
    force.total ?? total,
    force.sha256 ?? recordsSha256(records),
  ].join(',');
  return `${[lines[0], ...records, trailer].join('\n')}\n`;
}
