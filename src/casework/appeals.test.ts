import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { APPEAL_SLA_WORKING_DAYS, submitAppeal, transitionAppeal } from './appeal.service.ts';
import { approveOverride, createOverride } from './override.service.ts';
import { addWorkingDays } from './working-days.ts';

interface ErrorReply {
  error: { code: string };
}
interface AppealReply {
  id: string;
  status: string;
  dueOn: string;
  overdue: boolean;
  overrideId: string | null;
  events: { fromStatus: string | null; toStatus: string; actor: string; note: string | null }[];
}

describe('addWorkingDays', () => {
  it('skips Saturdays and Sundays', () => {
    expect(addWorkingDays('2026-03-06', 1)).toBe('2026-03-09'); // Friday → Monday
    expect(addWorkingDays('2026-03-02', 10)).toBe('2026-03-16');
    expect(addWorkingDays('2026-03-07', 3)).toBe('2026-03-11'); // from a Saturday
    expect(addWorkingDays('2026-03-02', 0)).toBe('2026-03-02');
  });
});

describe('appeals', () => {
  let t: TestApp;
  let decisionIds: number[];

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 4,
      seed: 11,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    const households = await t.database.db.selectFrom('household').select('id').orderBy('id').execute();
    // Decisions to appeal against, made the only way a test can make one without a full evaluation.
    decisionIds = [];
    for (const h of households) {
      const id = randomUUID();
      await createOverride(
        t.database.db,
        {
          id,
          householdId: h.id,
          programme: 'material_assistance',
          month: '2026-03',
          amount: 380_000,
          reason: 'setup',
          legalBasis: 'setup',
        },
        'officer.a',
      );
      const o = await t.database.db.transaction().execute((trx) => approveOverride(trx, id, 'officer.b'));
      decisionIds.push(o.decisionId ?? 0);
    }
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const decision = (i: number) => {
    const id = decisionIds[i];
    if (id === undefined) throw new Error(`no decision ${i}`);
    return id;
  };

  const post = (url: string, actor: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url, headers: { 'x-himoya-actor': actor }, payload });

  it('service: submits with a due date, is idempotent, and refuses moves the status does not allow', async () => {
    const db = t.database.db;
    const input = {
      id: randomUUID(),
      decisionId: decision(0),
      grounds: 'Income wrongly counted',
      submittedOn: '2026-03-02',
    };
    const first = await db
      .transaction()
      .execute((trx) => submitAppeal(trx, input, 'citizen', { on: '2026-03-03' }));
    expect(first.created).toBe(true);
    expect(first.appeal).toMatchObject({ status: 'submitted', dueOn: '2026-03-16', overdue: false });
    expect(APPEAL_SLA_WORKING_DAYS).toBe(10);
    const retry = await db.transaction().execute((trx) => submitAppeal(trx, input, 'citizen'));
    expect(retry.created).toBe(false);
    await expect(
      db.transaction().execute((trx) => submitAppeal(trx, { ...input, grounds: 'other' }, 'citizen')),
    ).rejects.toMatchObject({ code: 'APPEAL_ID_REUSED' });
    await expect(
      db.transaction().execute((trx) => transitionAppeal(trx, input.id, 'upheld', 'officer.a', null)),
    ).rejects.toMatchObject({ code: 'APPEAL_TRANSITION_INVALID' });
    await expect(
      db
        .transaction()
        .execute((trx) => submitAppeal(trx, { ...input, id: randomUUID(), decisionId: 999_999 }, 'x')),
    ).rejects.toMatchObject({ code: 'DECISION_NOT_FOUND' });
  });

  it('HTTP: overturning proposes a pending override that a second officer must approve', async () => {
    const id = randomUUID();
    const submitted = await post('/api/appeals', 'officer.a', {
      id,
      decisionId: decision(1),
      grounds: 'The family has three children, not two',
    });
    expect(submitted.statusCode).toBe(201);
    expect(submitted.json<AppealReply>().status).toBe('submitted');

    const review = await post(`/api/appeals/${id}/transition`, 'officer.a', { to: 'under_review' });
    expect(review.statusCode).toBe(200);

    const noRemedy = await post(`/api/appeals/${id}/transition`, 'officer.a', { to: 'overturned' });
    expect(noRemedy.statusCode).toBe(400);

    const overturned = await post(`/api/appeals/${id}/transition`, 'officer.a', {
      to: 'overturned',
      note: 'Birth certificate checked',
      remedy: { amount: 0, legalBasis: 'Regulation, item 9' },
    });
    expect(overturned.statusCode).toBe(200);
    const appeal = overturned.json<AppealReply>();
    expect(appeal.status).toBe('overturned');
    expect(appeal.events.map((e) => e.toStatus)).toEqual(['submitted', 'under_review', 'overturned']);
    expect(appeal.events[2]).toMatchObject({ actor: 'officer.a', note: 'Birth certificate checked' });
    expect(appeal.overrideId).toEqual(expect.any(String));

    const override = await t.app.inject({ method: 'GET', url: `/api/overrides/${appeal.overrideId}` });
    expect(override.json<{ status: string; requestedBy: string }>()).toMatchObject({
      status: 'pending',
      requestedBy: 'officer.a',
    });
    const self = await post(`/api/overrides/${appeal.overrideId}/approve`, 'officer.a', {});
    expect(self.json<ErrorReply>().error.code).toBe('OVERRIDE_SAME_APPROVER');
    const approved = await post(`/api/overrides/${appeal.overrideId}/approve`, 'officer.b', {});
    expect(approved.statusCode).toBe(200);

    const closed = await post(`/api/appeals/${id}/transition`, 'officer.a', { to: 'withdrawn' });
    expect(closed.statusCode).toBe(409);
    expect(closed.json<ErrorReply>().error.code).toBe('APPEAL_TRANSITION_INVALID');
  });

  it('HTTP: lists overdue open appeals only', async () => {
    const old = randomUUID();
    const fresh = randomUUID();
    expect(
      (
        await post('/api/appeals', 'citizen', {
          id: old,
          decisionId: decision(2),
          grounds: 'late',
          submittedOn: '2020-01-06',
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await post('/api/appeals', 'citizen', { id: fresh, decisionId: decision(3), grounds: 'new' }))
        .statusCode,
    ).toBe(201);
    const overdue = await t.app.inject({ method: 'GET', url: '/api/appeals?overdue=true' });
    expect(overdue.statusCode).toBe(200);
    const ids = overdue.json<{ items: AppealReply[] }>().items.map((a) => a.id);
    expect(ids).toContain(old);
    expect(ids).not.toContain(fresh);
    const submitted = await t.app.inject({ method: 'GET', url: '/api/appeals?status=submitted' });
    expect(submitted.json<{ items: AppealReply[] }>().items.map((a) => a.id)).toEqual(
      expect.arrayContaining([old, fresh]),
    );
  });

  it('HTTP: 400 without grounds, 404 for an unknown appeal or decision', async () => {
    const noGrounds = await post('/api/appeals', 'citizen', {
      id: randomUUID(),
      decisionId: decision(0),
      grounds: ' ',
    });
    expect(noGrounds.statusCode).toBe(400);
    const unknown = await post(`/api/appeals/${randomUUID()}/transition`, 'officer.a', {
      to: 'under_review',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorReply>().error.code).toBe('APPEAL_NOT_FOUND');
    const noDecision = await post('/api/appeals', 'citizen', {
      id: randomUUID(),
      decisionId: 999_999,
      grounds: 'x',
    });
    expect(noDecision.statusCode).toBe(404);
    expect(noDecision.json<ErrorReply>().error.code).toBe('DECISION_NOT_FOUND');
  });
});
