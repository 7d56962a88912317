import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResultFile } from '../../src/payments/bank-file/result-file.ts';
import { buildPayrolls } from '../../src/payments/payroll.service.ts';
import type { TestApp } from '../support/app.ts';
import { evaluatedWorld, FINANCE, paymentRowCounts, recordsOf } from './support.ts';

const MONTH = '2026-03';

/**
 * A bank's result file is applied whole or refused whole: each kind of tampering is refused with its own
 * code and leaves every payments table as it was; the good file then applies once, and again applies nothing.
 */
describe("importing a bank's result file", () => {
  let t: TestApp;
  let finance: Record<string, string>;
  let batchId: number;
  let header: { batchRef: string; bankCode: string; processedAt: string };
  let answers: {
    lineRef: string;
    outcome: 'paid' | 'rejected';
    amount: number;
    reason: 'wrong_card' | null;
  }[];

  beforeAll(async () => {
    t = await evaluatedWorld(MONTH);
    finance = await t.staff('finance-files', FINANCE);
    await buildPayrolls(t.database.db, { month: MONTH, builtBy: 'test', fourEyesAbove: 10 ** 12 });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/payments/batches?pageSize=100',
      headers: finance,
    });
    const batches = (list.json() as { items: { id: number; lines: number }[] }).items;
    const biggest = [...batches].sort((a, b) => b.lines - a.lines)[0];
    if (!biggest || biggest.lines < 3) throw new Error('the seeded month has no batch of 3 payments or more');
    batchId = biggest.id;
    await t.app.inject({ method: 'POST', url: `/api/payments/batches/${batchId}/approve`, headers: finance });
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batchId}/file`,
      headers: finance,
    });
    const { header: h, lines } = recordsOf(file.body);
    header = { batchRef: h[3] ?? '', bankCode: h[4] ?? '', processedAt: '2026-03-06T09:30:00Z' };
    answers = lines.map((l, i) => ({
      lineRef: l[1] ?? '',
      outcome: i === 1 ? 'rejected' : 'paid',
      amount: Number(l[4]),
      reason: i === 1 ? 'wrong_card' : null,
    }));
  }, 180_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const post = (payload: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/payments/batches/${batchId}/results`,
      headers: { ...finance, 'content-type': 'text/csv' },
      payload,
    });

  /** Replaces the trailer's checksum with the one the records now have (a careful forger). */
  const resealed = (text: string, count?: number, total?: number) => {
    const rows = text.trimEnd().split('\n');
    const records = rows.slice(1, -1);
    const sha = createHash('sha256')
      .update(records.map((r) => `${r}\n`).join(''))
      .digest('hex');
    const trailer = (rows.at(-1) ?? '').split(',');
    const n = count ?? Number(trailer[1]);
    const sum = total ?? Number(trailer[2]);
    return `${[rows[0], ...records, `T,${n},${sum},${sha}`].join('\n')}\n`;
  };

  it('refuses each tampered file whole, with its own code, and changes nothing', async () => {
    const good = writeResultFile(header, answers);
    const rows = good.trimEnd().split('\n');
    const amountOf = (row: string) => Number(row.split(',')[3]);
    const withRecord = (i: number, record: string) => rows.map((r, j) => (j === i ? record : r)).join('\n');
    const first = rows[1] ?? '';
    const fields = first.split(',');
    const bumped = [fields[0], fields[1], fields[2], String(amountOf(first) + 1000), fields[4]].join(',');
    const total = answers.reduce((s, a) => s + a.amount, 0);
    const cases: [string, string][] = [
      // An amount changed, the checksum left as it was.
      ['BANK_FILE_CHECKSUM_MISMATCH', `${withRecord(1, bumped)}\n`],
      // The checksum recomputed, the trailer's total not.
      ['BANK_FILE_TOTALS_MISMATCH', resealed(withRecord(1, bumped))],
      // The same payment answered twice, trailer and checksum made to agree.
      [
        'BANK_FILE_DUPLICATE_LINE',
        resealed(
          [rows[0], ...rows.slice(1, -1), first, rows.at(-1)].join('\n'),
          answers.length + 1,
          total + amountOf(first),
        ),
      ],
      // A payment that is not in this batch.
      [
        'BANK_FILE_UNKNOWN_LINE',
        resealed(withRecord(1, [fields[0], 'PL0000000000000000000', ...fields.slice(2)].join(','))),
      ],
      // An amount other than the one sent, trailer and checksum made to agree.
      ['BANK_FILE_AMOUNT_MISMATCH', resealed(withRecord(1, bumped), undefined, total + 1000)],
      // Another batch's file.
      [
        'BANK_FILE_WRONG_BATCH',
        writeResultFile({ ...header, batchRef: 'PB-202603-ABCDEF-00014-1733201' }, answers),
      ],
      ['BANK_FILE_MALFORMED', 'H,BANK-RESULTS,1\nnot a record\n'],
      ['BANK_FILE_MALFORMED', '\u0000\u0001 binary'],
    ];
    const before = await paymentRowCounts(t.database.db);
    for (const [code, text] of cases) {
      const res = await post(text);
      expect(res.statusCode, `${code}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect((res.json() as { error: { code: string } }).error.code).toBe(code);
      expect(await paymentRowCounts(t.database.db)).toEqual(before);
    }
  });

  it('applies the good file once: paid and rejected recorded, a hold for the wrong card, the same file again is a no-op', async () => {
    const good = writeResultFile(header, answers);
    const before = await paymentRowCounts(t.database.db);
    const res = await post(good);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, lines: answers.length, rejected: 1, holdsOpened: 1 });
    const after = await paymentRowCounts(t.database.db);
    expect(after.payment_outcome - before.payment_outcome).toBe(answers.length);
    expect(after.ledger_entry - before.ledger_entry).toBe(answers.length);
    expect(after.payment_hold - before.payment_hold).toBe(1);
    // Each family is told by SMS (where the registry has a phone); a returned payment also waits in the
    // portal's messages, its reason in words.
    const notices = await t.database.db
      .selectFrom('notification')
      .select(['template', 'body', 'channel', 'person_id'])
      .where('template', 'in', ['payment.paid', 'payment.rejected'])
      .execute();
    expect(notices.filter((n) => n.template === 'payment.paid' && n.channel === 'portal')).toHaveLength(0);
    expect(
      notices.filter((n) => n.template === 'payment.paid' && n.channel === 'sms').length,
    ).toBeGreaterThan(0);
    const returned = notices.filter((n) => n.template === 'payment.rejected' && n.channel === 'portal');
    expect(returned).toHaveLength(1);
    expect(returned[0]?.body).not.toMatch(/wrong_card|child_allowance|material_assistance/);
    const again = await post(good);
    expect(again.json()).toMatchObject({ applied: false });
    expect(await paymentRowCounts(t.database.db)).toEqual(after);
    // A different file answering the same payments is refused: an answer is given once.
    const other = writeResultFile({ ...header, processedAt: '2026-03-07T09:30:00Z' }, answers);
    const res2 = await post(other);
    expect((res2.json() as { error: { code: string } }).error.code).toBe('BANK_FILE_LINE_ALREADY_ANSWERED');
    expect(await paymentRowCounts(t.database.db)).toEqual(after);
  });

  it('keeps the ledger append-only: an update or a delete is refused by the database', async () => {
    await expect(t.database.db.updateTable('ledger_entry').set({ amount: 1 }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(t.database.db.deleteFrom('payment_outcome').execute()).rejects.toThrow(/append-only/);
    await expect(t.database.db.deleteFrom('payment_line').execute()).rejects.toThrow(/append-only/);
  });
});
