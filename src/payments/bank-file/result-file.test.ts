import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  expectedBatch,
  linesOf,
  PAID_1,
  REJECTED_2,
  RESULT_HEADER,
  RESULTS,
  replaceLine,
  retrail,
  trailerChecksum,
} from './bank-file.test-support.ts';
import { parseResultFile, type ResultFileProblem, writeResultFile } from './result-file.ts';

const EXPECTED = expectedBatch();
const GOOD = writeResultFile(RESULT_HEADER, RESULTS);

function problemOf(input: Uint8Array | string): ResultFileProblem {
  const result = parseResultFile(input, EXPECTED);
  if (result.ok) throw new Error('expected a problem, the file was accepted');
  return result.problem;
}

describe('writing a result file', () => {
  it('writes header, R records and trailer in the bank format', () => {
    const lines = linesOf(GOOD);
    expect(lines.slice(0, 4)).toEqual([
      'H,BANK-RESULTS,1,PB-2027-01-0001,00014,2027-01-05T09:30:00Z',
      'R,L-1,PAID,450000,',
      'R,L-2,REJECTED,1200000,closed_account',
      'R,L-3,PAID,315500,',
    ]);
    const checksum = createHash('sha256')
      .update('R,L-1,PAID,450000,\nR,L-2,REJECTED,1200000,closed_account\nR,L-3,PAID,315500,\n')
      .digest('hex');
    expect(lines[4]).toBe(`T,3,1965500,${checksum}`);
    expect(GOOD.endsWith('\n')).toBe(true);
  });

  it('refuses a paid line with a reason and a rejected line without one', () => {
    expect(() => writeResultFile(RESULT_HEADER, [{ ...PAID_1, reason: 'technical' }])).toThrow(
      /^lines\[0\]\.reason /,
    );
    expect(() => writeResultFile(RESULT_HEADER, [{ ...REJECTED_2, reason: null }])).toThrow(
      /^lines\[0\]\.reason /,
    );
    expect(() => writeResultFile(RESULT_HEADER, [PAID_1, PAID_1])).toThrow(/^lines\[1\]\.lineRef /);
    expect(() => writeResultFile({ ...RESULT_HEADER, processedAt: 'yesterday' }, RESULTS)).toThrow(
      /^header\.processedAt /,
    );
  });
});

describe('reading a result file', () => {
  it('gives back what was written (round trip)', () => {
    const result = parseResultFile(GOOD, EXPECTED);
    expect(result).toEqual({
      ok: true,
      file: {
        ...RESULT_HEADER,
        lines: RESULTS,
        count: 3,
        total: 1_965_500,
        sha256: trailerChecksum(GOOD),
        fileSha256: createHash('sha256').update(GOOD).digest('hex'),
      },
    });
  });

  it('accepts a file answering only part of the batch', () => {
    const partial = writeResultFile(RESULT_HEADER, [REJECTED_2]);
    const result = parseResultFile(partial, EXPECTED);
    expect(result.ok && result.file.lines).toEqual([REJECTED_2]);
  });

  it('reads bytes and text alike, and recognises the same bytes by their hash', () => {
    const bytes = new TextEncoder().encode(GOOD);
    const fromBytes = parseResultFile(bytes, EXPECTED);
    const fromText = parseResultFile(GOOD, EXPECTED);
    expect(fromBytes).toEqual(fromText);
    expect(fromBytes.ok && fromBytes.file.fileSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('tolerates CRLF line ends and a BOM, with the same records checksum but another file hash', () => {
    const crlf = GOOD.replaceAll('\n', '\r\n');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(crlf)]);
    const plain = parseResultFile(GOOD, EXPECTED);
    for (const variant of [crlf, withBom, `\uFEFF${GOOD}`]) {
      const result = parseResultFile(variant, EXPECTED);
      expect(result.ok).toBe(true);
      if (!result.ok || !plain.ok) continue;
      expect(result.file.lines).toEqual(plain.file.lines);
      expect(result.file.sha256).toBe(plain.file.sha256);
      expect(result.file.fileSha256).not.toBe(plain.file.fileSha256);
    }
  });

  it('accepts a trailer without its final line end', () => {
    expect(parseResultFile(GOOD.slice(0, -1), EXPECTED).ok).toBe(true);
  });

  it('reads a quoted lineRef holding a comma and a quote', () => {
    const lineRef = 'L-4, "the odd one"';
    const text = writeResultFile(RESULT_HEADER, [{ lineRef, outcome: 'paid', amount: 10, reason: null }]);
    expect(linesOf(text)[1]).toBe('R,"L-4, ""the odd one""",PAID,10,');
    const result = parseResultFile(text, { ...EXPECTED, lines: new Map([[lineRef, 10]]) });
    expect(result.ok && result.file.lines[0]?.lineRef).toBe(lineRef);
  });
});

describe('a tampered result file gives the problem it deserves', () => {
  it('an amount changed without fixing the checksum: checksum mismatch', () => {
    const tampered = replaceLine(GOOD, 2, 'R,L-1,PAID,450001,');
    expect(problemOf(tampered)).toEqual({
      code: 'BANK_FILE_CHECKSUM_MISMATCH',
      expected: trailerChecksum(GOOD),
      actual: createHash('sha256')
        .update(`${linesOf(tampered).slice(1, 4).join('\n')}\n`)
        .digest('hex'),
    });
  });

  it('the checksum fixed but not the trailer total: totals mismatch', () => {
    const tampered = retrail(replaceLine(GOOD, 2, 'R,L-1,PAID,450001,'), { total: 1_965_500 });
    expect(problemOf(tampered)).toMatchObject({ code: 'BANK_FILE_TOTALS_MISMATCH' });
  });

  it('a trailer count that differs from the records: totals mismatch', () => {
    expect(problemOf(retrail(GOOD, { count: 4 }))).toMatchObject({ code: 'BANK_FILE_TOTALS_MISMATCH' });
  });

  it('a duplicated record with trailer and checksum fixed: duplicate line', () => {
    const lines = linesOf(GOOD);
    const doubled = retrail(`${[lines[0], lines[1], lines[2], lines[1], lines[3], lines[4]].join('\n')}\n`);
    expect(problemOf(doubled)).toEqual({ code: 'BANK_FILE_DUPLICATE_LINE', line: 4, lineRef: 'L-1' });
  });

  it('a lineRef that is not in the batch: unknown line', () => {
    const tampered = retrail(replaceLine(GOOD, 3, 'R,L-999,REJECTED,1200000,closed_account'));
    expect(problemOf(tampered)).toEqual({ code: 'BANK_FILE_UNKNOWN_LINE', line: 3, lineRef: 'L-999' });
  });

  it('an amount other than the one sent: amount mismatch', () => {
    const tampered = retrail(replaceLine(GOOD, 4, 'R,L-3,PAID,315000,'));
    expect(problemOf(tampered)).toEqual({ code: 'BANK_FILE_AMOUNT_MISMATCH', line: 4, lineRef: 'L-3' });
  });

  it('the header of another batch or another bank: wrong batch', () => {
    const other = writeResultFile({ ...RESULT_HEADER, batchRef: 'PB-2027-01-0002' }, RESULTS);
    expect(problemOf(other)).toMatchObject({ code: 'BANK_FILE_WRONG_BATCH' });
    const otherBank = writeResultFile({ ...RESULT_HEADER, bankCode: '00873' }, RESULTS);
    expect(problemOf(otherBank)).toMatchObject({ code: 'BANK_FILE_WRONG_BATCH' });
  });
});

describe('the first problem wins, in the documented order', () => {
  const otherBatch = (text: string) =>
    replaceLine(text, 1, 'H,BANK-RESULTS,1,PB-OTHER,00014,2027-01-05T09:30:00Z');

  it('malformed before wrong batch', () => {
    const text = replaceLine(otherBatch(GOOD), 3, 'R,L-2,MAYBE,1200000,');
    expect(problemOf(text)).toMatchObject({ code: 'BANK_FILE_MALFORMED', line: 3 });
  });

  it('wrong batch before checksum', () => {
    const text = otherBatch(replaceLine(GOOD, 2, 'R,L-1,PAID,1,'));
    expect(problemOf(text)).toMatchObject({ code: 'BANK_FILE_WRONG_BATCH' });
  });

  it('checksum before totals', () => {
    expect(problemOf(retrail(GOOD, { count: 9, sha256: 'a'.repeat(64) }))).toMatchObject({
      code: 'BANK_FILE_CHECKSUM_MISMATCH',
    });
  });

  it('totals before duplicates', () => {
    const lines = linesOf(GOOD);
    const doubled = retrail(`${[lines[0], lines[1], lines[1], lines[4]].join('\n')}\n`, { count: 3 });
    expect(problemOf(doubled)).toMatchObject({ code: 'BANK_FILE_TOTALS_MISMATCH' });
  });

  it('duplicates before unknown lines, even when the unknown line comes first', () => {
    const lines = linesOf(GOOD);
    const text = retrail(`${[lines[0], 'R,L-999,PAID,5,', lines[2], lines[2], lines[4]].join('\n')}\n`);
    expect(problemOf(text)).toMatchObject({ code: 'BANK_FILE_DUPLICATE_LINE', line: 4 });
  });

  it('unknown lines before amount mismatches, even when the mismatch comes first', () => {
    const text = retrail(replaceLine(replaceLine(GOOD, 2, 'R,L-1,PAID,1,'), 4, 'R,L-999,PAID,315500,'));
    expect(problemOf(text)).toEqual({ code: 'BANK_FILE_UNKNOWN_LINE', line: 4, lineRef: 'L-999' });
  });
});

describe('a malformed result file', () => {
  const sha = trailerChecksum(GOOD);
  it.each([
    ['an empty file', '', 0],
    ['only a header', 'H,BANK-RESULTS,1,PB-2027-01-0001,00014,2027-01-05T09:30:00Z\n', 2],
    [
      'header and trailer, no records',
      `H,BANK-RESULTS,1,PB-2027-01-0001,00014,2027-01-05T09:30:00Z\nT,0,0,${sha}\n`,
      2,
    ],
    ['no trailer', linesOf(GOOD).slice(0, 4).join('\n'), 5],
    [
      'a payment file instead',
      replaceLine(GOOD, 1, 'H,HIMOYA-PAYMENTS,1,PB-2027-01-0001,00014,2027-01,2027-01-04T06:00:00Z'),
      1,
    ],
    [
      'another version',
      replaceLine(GOOD, 1, 'H,BANK-RESULTS,2,PB-2027-01-0001,00014,2027-01-05T09:30:00Z'),
      1,
    ],
    [
      'a header without time zone',
      replaceLine(GOOD, 1, 'H,BANK-RESULTS,1,PB-2027-01-0001,00014,2027-01-05T09:30:00'),
      1,
    ],
    ['a record before the header', `R,L-1,PAID,450000,\n${GOOD}`, 1],
    ['a record of unknown type', replaceLine(GOOD, 3, 'X,L-2,REJECTED,1200000,closed_account'), 3],
    ['a record with a field too many', replaceLine(GOOD, 2, 'R,L-1,PAID,450000,,'), 2],
    ['a record with a field too few', replaceLine(GOOD, 2, 'R,L-1,PAID,450000'), 2],
    ['an empty lineRef', replaceLine(GOOD, 2, 'R,,PAID,450000,'), 2],
    ['a lowercase outcome', replaceLine(GOOD, 2, 'R,L-1,paid,450000,'), 2],
    ['an unknown outcome', replaceLine(GOOD, 2, 'R,L-1,PENDING,450000,'), 2],
    ['an amount with decimals', replaceLine(GOOD, 2, 'R,L-1,PAID,450000.00,'), 2],
    ['an amount with a separator', replaceLine(GOOD, 2, 'R,L-1,PAID,"450 000",'), 2],
    ['an amount with a leading zero', replaceLine(GOOD, 2, 'R,L-1,PAID,0450000,'), 2],
    ['a negative amount', replaceLine(GOOD, 2, 'R,L-1,PAID,-450000,'), 2],
    ['a zero amount', replaceLine(GOOD, 2, 'R,L-1,PAID,0,'), 2],
    ['an amount beyond safe integers', replaceLine(GOOD, 2, 'R,L-1,PAID,9007199254740993,'), 2],
    ['PAID with a reason', replaceLine(GOOD, 2, 'R,L-1,PAID,450000,technical'), 2],
    ['REJECTED without a reason', replaceLine(GOOD, 3, 'R,L-2,REJECTED,1200000,'), 3],
    ['an unknown reason', replaceLine(GOOD, 3, 'R,L-2,REJECTED,1200000,bank_closed'), 3],
    ['an unclosed quote', replaceLine(GOOD, 2, 'R,"L-1,PAID,450000,'), 2],
    ['a stray quote', replaceLine(GOOD, 2, 'R,L"1,PAID,450000,'), 2],
    ['text after a closing quote', replaceLine(GOOD, 2, 'R,"L-1"x,PAID,450000,'), 2],
    ['a trailer with an uppercase checksum', replaceLine(GOOD, 5, `T,3,1965500,${sha.toUpperCase()}`), 5],
    ['a trailer with a short checksum', replaceLine(GOOD, 5, 'T,3,1965500,abc'), 5],
    ['a trailer with a bad total', replaceLine(GOOD, 5, `T,3,1965500.0,${sha}`), 5],
    [
      'a trailer in the middle',
      `${linesOf(GOOD).slice(0, 2).join('\n')}\nT,1,450000,${sha}\n${linesOf(GOOD).slice(2).join('\n')}\n`,
      4,
    ],
    ['a blank line after the trailer', `${GOOD}\n`, 6],
    ['a blank line among the records', GOOD.replace('\nR,L-2', '\n\nR,L-2'), 3],
    ['a bare CR inside a line', replaceLine(GOOD, 2, 'R,L-1,PAID,450000,\r '), 2],
    ['a tab inside a field', replaceLine(GOOD, 2, 'R,L-1\t,PAID,450000,'), 2],
  ])('%s', (_name, text, line) => {
    expect(problemOf(text)).toMatchObject({ code: 'BANK_FILE_MALFORMED', line });
  });
});

describe('hostile input gives a problem, never an exception', () => {
  const hostile: [string, () => Uint8Array | string][] = [
    ['NUL bytes', () => new Uint8Array(64)],
    ['NUL bytes inside a record', () => replaceLine(GOOD, 2, 'R,L-1\u0000,PAID,450000,')],
    ['invalid UTF-8', () => new Uint8Array([0x48, 0x2c, 0xff, 0xfe, 0x0a])],
    ['a lone surrogate', () => replaceLine(GOOD, 2, 'R,L-\uD800,PAID,450000,')],
    ['a line of 1001 characters', () => replaceLine(GOOD, 2, `R,${'L'.repeat(986)},PAID,450000,`)],
    ['one huge line', () => 'x'.repeat(5_000_000)],
    ['a file far too large', () => `${'R,L-1,PAID,1,\n'.repeat(15_000_000)}`],
    ['200,001 records', () => manyRecords(200_001)],
    ['only a BOM', () => new Uint8Array([0xef, 0xbb, 0xbf])],
    ['only line ends', () => '\n\n\r\n'],
    ['a lone quote', () => '"'],
    ['not bytes at all', () => 42 as unknown as string],
  ];
  it.each(hostile)('%s', (_name, make) => {
    const input = make();
    expect(() => parseResultFile(input, EXPECTED)).not.toThrow();
    expect(problemOf(input).code).toBe('BANK_FILE_MALFORMED');
  });

  it('still reads a line of exactly 1000 characters', () => {
    const lineRef = 'L'.repeat(985);
    const text = retrail(replaceLine(GOOD, 2, `R,${lineRef},PAID,450000,`));
    expect(linesOf(text)[1]).toHaveLength(1000);
    const result = parseResultFile(text, {
      ...EXPECTED,
      lines: new Map([...EXPECTED.lines, [lineRef, 450_000]]),
    });
    expect(result.ok).toBe(true);
  });

  it('random binary, seeded', () => {
    let state = 20270104;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) >>> 0;
      return state >>> 24;
    };
    for (let run = 0; run < 300; run += 1) {
      const bytes = Uint8Array.from({ length: 1 + (next() << 2) }, next);
      const result = parseResultFile(bytes, EXPECTED);
      expect(result.ok).toBe(false);
    }
  });

  it('accepts the largest allowed file: 200,000 records', () => {
    const lines = new Map<string, number>();
    for (let i = 0; i < 200_000; i += 1) lines.set(`L-${i}`, 1);
    const result = parseResultFile(manyRecords(200_000), { ...EXPECTED, lines });
    expect(result.ok && result.file.count).toBe(200_000);
  });
});

function manyRecords(count: number): string {
  const lines = Array.from({ length: count }, (_, i) => ({
    lineRef: `L-${i}`,
    outcome: 'paid' as const,
    amount: 1,
    reason: null,
  }));
  if (count <= 200_000) return writeResultFile(RESULT_HEADER, lines);
  const records = lines.map((line) => `R,${line.lineRef},PAID,1,`);
  return retrail(`${[linesOf(GOOD)[0], ...records, 'T'].join('\n')}\n`);
}
