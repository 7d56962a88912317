import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HEADER, LINES } from './bank-file.test-support.ts';
import { type PaymentFileLine, writePaymentFile } from './payment-file.ts';

const P1 = 'P,L-1,8600123456781234,Rahimov Ali,450000,child-allowance,2027-01';
const P2 = "P,L-2,20208000900123456789,Karimov Bobur Anvar O'g'li,1200000,low-income-family,2027-01";
const P3 = 'P,L-3,9860123412341234,"Yusupova, Dilnoza ""Dilya""",315500,child-allowance,2026-12';

function sha256(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

function withLine(index: number, change: Partial<PaymentFileLine>): PaymentFileLine[] {
  return LINES.map((line, i) => (i === index ? { ...line, ...change } : line));
}

describe('the payment file', () => {
  it('writes header, one P record per line in order, and a trailer with count, total and checksum', () => {
    const file = writePaymentFile(HEADER, LINES);
    const checksum = sha256(`${P1}\n${P2}\n${P3}\n`);
    expect(file.text).toBe(
      [
        'H,HIMOYA-PAYMENTS,1,PB-2027-01-0001,00014,2027-01,2027-01-04T06:00:00Z',
        P1,
        P2,
        P3,
        `T,3,1965500,${checksum}`,
        '',
      ].join('\n'),
    );
    expect(file).toMatchObject({ count: 3, total: 1_965_500, sha256: checksum });
  });

  it('quotes a holder name with a comma and a quote, and leaves apostrophes alone', () => {
    const { text } = writePaymentFile(HEADER, LINES);
    expect(text).toContain(',"Yusupova, Dilnoza ""Dilya""",');
    expect(text).toContain(",Karimov Bobur Anvar O'g'li,");
  });

  it('is deterministic: the same batch gives byte-identical text', () => {
    const first = writePaymentFile({ ...HEADER }, structuredClone(LINES));
    const second = writePaymentFile({ ...HEADER }, structuredClone(LINES));
    expect(second.text).toBe(first.text);
    expect(writePaymentFile(HEADER, [...LINES].reverse()).sha256).not.toBe(first.sha256);
  });

  it('writes UTF-8 text without a BOM, Cyrillic names included', () => {
    const { text, sha256: checksum } = writePaymentFile(
      HEADER,
      withLine(0, { holderName: 'Раҳимов Алишер' }),
    );
    expect(text.charCodeAt(0)).toBe('H'.charCodeAt(0));
    const records = text.split('\n').slice(1, 4);
    expect(checksum).toBe(sha256(records.map((r) => `${r}\n`).join('')));
  });

  it.each([
    ['header.batchRef', () => writePaymentFile({ ...HEADER, batchRef: '' }, LINES)],
    ['header.bankCode', () => writePaymentFile({ ...HEADER, bankCode: ' 00014' }, LINES)],
    ['header.month', () => writePaymentFile({ ...HEADER, month: '2027-13' }, LINES)],
    ['header.month', () => writePaymentFile({ ...HEADER, month: '2027-1' }, LINES)],
    ['header.createdAt', () => writePaymentFile({ ...HEADER, createdAt: '2027-01-04 06:00:00' }, LINES)],
    [
      'header.createdAt',
      () => writePaymentFile({ ...HEADER, createdAt: '2027-01-04T06:00:00+05:00' }, LINES),
    ],
    ['header.createdAt', () => writePaymentFile({ ...HEADER, createdAt: '2027-02-30T06:00:00Z' }, LINES)],
    ['lines', () => writePaymentFile(HEADER, [])],
    ['lines[1].lineRef', () => writePaymentFile(HEADER, withLine(1, { lineRef: '' }))],
    ['lines[1].lineRef', () => writePaymentFile(HEADER, withLine(1, { lineRef: 'L-1' }))],
    [
      'lines[0].accountNumber',
      () => writePaymentFile(HEADER, withLine(0, { accountNumber: '860012345678123' })),
    ],
    [
      'lines[0].accountNumber',
      () => writePaymentFile(HEADER, withLine(0, { accountNumber: '202080009001234567890' })),
    ],
    [
      'lines[0].accountNumber',
      () => writePaymentFile(HEADER, withLine(0, { accountNumber: '8600 1234 5678 1234' })),
    ],
    ['lines[2].holderName', () => writePaymentFile(HEADER, withLine(2, { holderName: 'Ali\nVali' }))],
    ['lines[2].holderName', () => writePaymentFile(HEADER, withLine(2, { holderName: '=HYPERLINK("x")' }))],
    ['lines[2].holderName', () => writePaymentFile(HEADER, withLine(2, { holderName: 'Ali\u0000' }))],
    ['lines[0].amount', () => writePaymentFile(HEADER, withLine(0, { amount: 0 }))],
    ['lines[0].amount', () => writePaymentFile(HEADER, withLine(0, { amount: -450_000 }))],
    ['lines[0].amount', () => writePaymentFile(HEADER, withLine(0, { amount: 450_000.5 }))],
    ['lines[0].amount', () => writePaymentFile(HEADER, withLine(0, { amount: Number.NaN }))],
    ['lines[0].amount', () => writePaymentFile(HEADER, withLine(0, { amount: 2 ** 53 }))],
    ['lines[1].programme', () => writePaymentFile(HEADER, withLine(1, { programme: '' }))],
    ['lines[1].benefitMonth', () => writePaymentFile(HEADER, withLine(1, { benefitMonth: '2027-00' }))],
    ['lines[0]', () => writePaymentFile(HEADER, withLine(0, { holderName: 'A'.repeat(1000) }))],
    ['lines', () => writePaymentFile(HEADER, withLine(1, { amount: Number.MAX_SAFE_INTEGER }))],
  ])('refuses a bad %s with an Error naming it', (field, write) => {
    expect(write).toThrow(Error);
    expect(write).toThrow(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} `));
  });

  it('never puts an account number into an error message', () => {
    const write = () => writePaymentFile(HEADER, withLine(0, { accountNumber: '86001234567812345678901' }));
    expect(write).toThrow(/accountNumber/);
    expect(write).not.toThrow(/8600/);
  });
});
