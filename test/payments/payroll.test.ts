import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateMonth } from '../../src/decisions/decision.service.ts';
import { writeResultFile } from '../../src/payments/bank-file/result-file.ts';
import { buildDemoPayroll } from '../../src/payments/payments.jobs.ts';
import { buildPayroll, buildPayrolls } from '../../src/payments/payroll.service.ts';
import { ledgerBalances, reconcileByMonth } from '../../src/payments/reconciliation.repository.ts';
import { khorezmToday } from '../../src/shared/khorezm-clock.ts';
import { seedPopulation } from '../../src/synthetic/seed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const MONTH = '2026-03';
const FOUR_EYES = 500_000_000;

describe('a month paid: payroll, batches, bank file, results, reconciliation', () => {
  let t: TestApp;
  let finance: Record<string, string>;
  let finance2: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 300,
      seed: 7,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    await evaluateMonth(t.database.db, MONTH, { trigger: 'manual' });
    const grant = [
      { role: 'finance' as const, area: { kind: 'region' as const, code: '1733' }, organisation: 'Moliya' },
    ];
    finance = await t.staff('finance-one', grant);
    finance2 = await t.staff('finance-two', grant);
  }, 180_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('builds one run per monthly programme with a line per entitled household, and again builds nothing', async () => {
    const results = await buildPayrolls(t.database.db, {
      month: MONTH,
      builtBy: 'test',
      fourEyesAbove: FOUR_EYES,
    });
    expect(results.map((r) => r.run.programme).sort()).toEqual(['child_allowance', 'material_assistance']);
    for (const { run, created } of results) {
      expect(created).toBe(true);
      const entitled = await t.database.db
        .selectFrom('entitlement')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('programme', '=', run.programme)
        .where('to_month', 'is', null)
        .executeTakeFirstOrThrow();
      expect(run.lines).toBe(Number(entitled.n));
      expect(run.lines).toBeGreaterThan(0);
      expect(run.batchTotal + run.heldTotal).toBe(run.total);
    }
    const again = await buildPayroll(t.database.db, {
      month: MONTH,
      programme: 'child_allowance',
      builtBy: 'test',
      fourEyesAbove: FOUR_EYES,
    });
    expect(again.created).toBe(false);
    expect(again.run.id).toBe(results.find((r) => r.run.programme === 'child_allowance')?.run.id);
  });

  it("approves, exports and imports a batch over HTTP, and the month reconciles to the so'm", async () => {
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches?month=${MONTH}`,
      headers: finance,
    });
    expect(list.statusCode).toBe(200);
    const batch = (list.json() as { items: { id: number; status: string; lines: number; total: number }[] })
      .items[0];
    expect(batch?.status).toBe('awaiting_approval');
    if (!batch) throw new Error('no batch');
    const early = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batch.id}/file`,
      headers: finance,
    });
    expect(early.statusCode).toBe(409);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/payments/batches/${batch.id}/approve`,
      headers: finance,
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('approved');
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batch.id}/file`,
      headers: finance2,
    });
    expect(file.statusCode).toBe(200);
    const text = file.body;
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^H,HIMOYA-PAYMENTS,1,PB-/);
    expect(lines.length).toBe(batch.lines + 2);
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batch.id}/file`,
      headers: finance,
    });
    expect(again.body).toBe(text);

    const records = lines.slice(1, -1).map((l) => l.split(','));
    const header = lines[0]?.split(',') ?? [];
    const result = writeResultFile(
      { batchRef: header[3] ?? '', bankCode: header[4] ?? '', processedAt: '2026-03-05T10:00:00Z' },
      records.map((r, i) => ({
        lineRef: r[1] ?? '',
        outcome: i === 0 ? 'rejected' : 'paid',
        amount: Number(r[4]),
        reason: i === 0 ? 'closed_account' : null,
      })),
    );
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/payments/batches/${batch.id}/results`,
      headers: { ...finance, 'content-type': 'text/csv' },
      payload: result,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ applied: true, rejected: 1, holdsOpened: 1 });
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/payments/batches/${batch.id}/results`,
      headers: { ...finance, 'content-type': 'text/csv' },
      payload: result,
    });
    expect(twice.json()).toMatchObject({ applied: false });

    for (const m of await reconcileByMonth(t.database.db, { month: MONTH })) {
      expect(m.entitled).toBe(m.paid + m.rejected + m.pending + m.held);
    }
    const balances = await ledgerBalances(t.database.db);
    const months = await reconcileByMonth(t.database.db, { month: MONTH });
    const paid = months.reduce((s, m) => s + m.paid, 0);
    expect(-(balances.treasury ?? 0)).toBe(paid);
    expect(paid).toBeGreaterThan(0);
  });

  it("on a demo's first start builds this month's payroll once, waiting for approval", async () => {
    const logger = pino({ level: 'silent' });
    const ctx = { config: t.config, database: t.database, logger, jobs: t.jobs };
    const month = khorezmToday().slice(0, 7);
    await buildDemoPayroll(ctx);
    await buildDemoPayroll(ctx);
    const runs = await t.database.db
      .selectFrom('payroll_run')
      .select(['programme'])
      .where('month', '=', month)
      .execute();
    expect(runs.map((r) => r.programme).sort()).toEqual(['child_allowance', 'material_assistance']);
    const waiting = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches?month=${month}`,
      headers: finance,
    });
    const items = (waiting.json() as { items: { status: string }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((b) => b.status === 'awaiting_approval')).toBe(true);
  });

  it('needs two different finance officers for a batch above the four-eyes limit', async () => {
    await buildPayroll(t.database.db, {
      month: '2026-05',
      programme: 'child_allowance',
      builtBy: 'test',
      fourEyesAbove: 0,
    });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/payments/batches?month=2026-05',
      headers: finance,
    });
    const batch = (list.json() as { items: { id: number; approvalsRequired: number }[] }).items[0];
    if (!batch) throw new Error('no batch');
    expect(batch.approvalsRequired).toBe(2);
    const approve = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/api/payments/batches/${batch.id}/approve`, headers });
    const first = await approve(finance);
    expect(first.json()).toMatchObject({ status: 'awaiting_approval', approvals: 1, approvedByMe: true });
    const again = await approve(finance);
    expect(again.statusCode).toBe(409);
    expect((again.json() as { error: { code: string } }).error.code).toBe('PAYMENT_BATCH_ALREADY_APPROVED');
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batch.id}/file`,
      headers: finance,
    });
    expect((file.json() as { error: { code: string } }).error.code).toBe('PAYMENT_BATCH_NOT_APPROVED');
    const second = await approve(finance2);
    expect(second.json()).toMatchObject({ status: 'approved', approvals: 2 });
    // A social worker, an auditor or a citizen never approves, and never downloads account numbers.
    const worker = await t.staff('worker-payments', [
      { role: 'social_worker', area: { kind: 'region', code: '1733' }, organisation: 'Mahalla' },
    ]);
    expect((await approve(worker)).statusCode).toBe(403);
    const workerFile = await t.app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batch.id}/file`,
      headers: worker,
    });
    expect(workerFile.statusCode).toBe(403);
  });

  it("keeps a district finance officer's batches and reconciliation to the district", async () => {
    const all = await t.app.inject({
      method: 'GET',
      url: '/api/payments/batches?pageSize=200',
      headers: finance,
    });
    const everything = all.json() as { items: { districtCode: string }[]; total: number };
    const district = everything.items[0]?.districtCode ?? '';
    const local = await t.staff('finance-district', [
      { role: 'finance', area: { kind: 'district', code: district }, organisation: 'Tuman moliya bo‘limi' },
    ]);
    const mine = await t.app.inject({
      method: 'GET',
      url: '/api/payments/batches?pageSize=200',
      headers: local,
    });
    const items = mine.json() as { items: { districtCode: string }[]; total: number };
    expect(items.total).toBe(everything.items.filter((b) => b.districtCode === district).length);
    expect(items.total).toBeLessThan(everything.total);
    const rec = await t.app.inject({
      method: 'GET',
      url: `/api/payments/reconciliation?month=${MONTH}`,
      headers: local,
    });
    const body = rec.json() as { months: { entitled: number }[]; batches: { districtCode: string }[] };
    expect(body.batches.every((b) => b.districtCode === district)).toBe(true);
    const wide = await t.app.inject({
      method: 'GET',
      url: `/api/payments/reconciliation?month=${MONTH}`,
      headers: finance,
    });
    const wideBody = wide.json() as { months: { entitled: number }[] };
    const sum = (rows: { entitled: number }[]) => rows.reduce((s, r) => s + r.entitled, 0);
    expect(sum(body.months)).toBeLessThan(sum(wideBody.months));
    expect(sum(body.months)).toBeGreaterThan(0);
  });
});
