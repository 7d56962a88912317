import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEADER, RESULT_HEADER } from './bank-file.test-support.ts';
import { textProblem } from './fields.ts';
import { parseCsvRecord, recordsSha256 } from './frame.ts';
import { type PaymentFileLine, writePaymentFile } from './payment-file.ts';
import { parseResultFile, REJECTION_REASONS, type ResultLine, writeResultFile } from './result-file.ts';

/** Seeded, so a failure replays the same way on every machine. */
const RUNS = { seed: 20_270_104, numRuns: 150 };

const NAME_CHARACTERS = [...'abcxyzABQ O\'ʻ‘,"-.Ўўҳқғ', 'Ал', 'и', 'ш', 'е', 'р', '😀'];
const text = fc
  .string({ unit: fc.constantFrom(...NAME_CHARACTERS), minLength: 1, maxLength: 40 })
  .map((value) => value.trim())
  .filter((value) => textProblem(value) === null);
const digits = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const month = fc
  .record({ year: fc.integer({ min: 2020, max: 2035 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}`);

const paymentLine: fc.Arbitrary<PaymentFileLine> = fc.record({
  lineRef: text,
  accountNumber: fc.constantFrom(16, 20).chain(digits),
  holderName: text,
  amount: fc.integer({ min: 1, max: 50_000_000 }),
  programme: text,
  benefitMonth: month,
});
const batch = fc.uniqueArray(paymentLine, { selector: (line) => line.lineRef, minLength: 1, maxLength: 40 });

/** The bank's answer to some of the lines, in an order of its own. */
const answer = (lines: PaymentFileLine[]): fc.Arbitrary<ResultLine[]> =>
  fc.shuffledSubarray(lines, { minLength: 1 }).chain((answered) =>
    fc.tuple(
      ...answered.map((line) =>
        fc.option(fc.constantFrom(...REJECTION_REASONS), { nil: null }).map(
          (reason): ResultLine => ({
            lineRef: line.lineRef,
            outcome: reason === null ? 'paid' : 'rejected',
            amount: line.amount,
            reason,
          }),
        ),
      ),
    ),
  );

const expectedOf = (lines: PaymentFileLine[]) => ({
  batchRef: HEADER.batchRef,
  bankCode: HEADER.bankCode,
  lines: new Map(lines.map((line) => [line.lineRef, line.amount])),
});

describe('random batches', () => {
  it('a payment file holds every line, field for field, with a consistent trailer', () => {
    fc.assert(
      fc.property(batch, (lines) => {
        const file = writePaymentFile(HEADER, lines);
        expect(writePaymentFile(HEADER, lines).text).toBe(file.text);
        const records = file.text.slice(0, -1).split('\n');
        const payments = records.slice(1, -1);
        expect(payments.map((record) => parseCsvRecord(record))).toEqual(
          lines.map((l) => ({
            ok: true,
            fields: [
              'P',
              l.lineRef,
              l.accountNumber,
              l.holderName,
              String(l.amount),
              l.programme,
              l.benefitMonth,
            ],
          })),
        );
        const total = lines.reduce((sum, line) => sum + line.amount, 0);
        expect(records.at(-1)).toBe(`T,${lines.length},${total},${recordsSha256(payments)}`);
        expect(file).toMatchObject({ count: lines.length, total });
      }),
      RUNS,
    );
  });

  it('a result file written then read gives back the same lines, LF or CRLF', () => {
    const scenario = batch.chain((lines) => fc.tuple(fc.constant(lines), answer(lines)));
    fc.assert(
      fc.property(scenario, ([lines, results]) => {
        const written = writeResultFile(RESULT_HEADER, results);
        for (const variant of [written, written.replaceAll('\n', '\r\n')]) {
          const parsed = parseResultFile(variant, expectedOf(lines));
          expect(parsed.ok && parsed.file.lines).toEqual(results);
        }
      }),
      RUNS,
    );
  });

  it('any one character changed inside a record makes the file refused', () => {
    const scenario = batch
      .chain((lines) => fc.tuple(fc.constant(lines), answer(lines)))
      .chain(([lines, results]) => {
        const written = writeResultFile(RESULT_HEADER, results);
        const start = written.indexOf('\n') + 1;
        const end = written.lastIndexOf('\n', written.length - 2);
        return fc.tuple(
          fc.constant(lines),
          fc.constant(written),
          fc.integer({ min: start, max: end - 1 }),
          fc.constantFrom(...NAME_CHARACTERS, '0', '9', 'R', 'T', '\r', '\n', '\u0000'),
        );
      });
    fc.assert(
      fc.property(scenario, ([lines, written, at, character]) => {
        fc.pre(written[at] !== '\n' && written[at] !== character);
        const tampered = written.slice(0, at) + character + written.slice(at + 1);
        expect(parseResultFile(tampered, expectedOf(lines)).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('arbitrary text or bytes never make the parser throw', () => {
    const input = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.uint8Array({ maxLength: 400 }));
    fc.assert(
      fc.property(input, (bytes) => {
        const result = parseResultFile(bytes, expectedOf([]));
        expect(result.ok).toBe(false);
      }),
      { ...RUNS, numRuns: 500 },
    );
  });
});
