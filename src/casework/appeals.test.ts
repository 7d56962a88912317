import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { signInCitizen } from '../../test/support/auth.ts';
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
    t.api({ method: 'POST', url, as: actor, payload });

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
    expect(appeal.events[2]).toMatchObject({ actor: 'staff:officer.a', note: 'Birth certificate checked' });
    expect(appeal.overrideId).toEqual(expect.any(String));

    const override = await t.api({ method: 'GET', url: `/api/overrides/${appeal.overrideId}` });
    expect(override.json<{ status: string; requestedBy: string }>()).toMatchObject({
      status: 'pending',
      requestedBy: 'staff:officer.a',
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
    const overdue = await t.api({ method: 'GET', url: '/api/appeals?overdue=true' });
    expect(overdue.statusCode).toBe(200);
    const ids = overdue.json<{ items: AppealReply[] }>().items.map((a) => a.id);
    expect(ids).toContain(old);
    expect(ids).not.toContain(fresh);
    const submitted = await t.api({ method: 'GET', url: '/api/appeals?status=submitted' });
    expect(submitted.json<{ items: AppealReply[] }>().items.map((a) => a.id)).toEqual(
      expect.arrayContaining([old, fresh]),
    );
    const references = submitted.json<{ items: { householdReference: string | null }[] }>().items;
    expect(references.every((a) => /^H-\d{4}-\d{6}$/.test(a.householdReference ?? ''))).toBe(true);
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

  describe('access', () => {
    /** A 401 or 403 carries the error object and nothing of the record. */
    const onlyError = (
      reply: LightMyRequestResponse,
      status: number,
      code: string,
      hidden: string[] = [],
    ) => {
      expect(reply.statusCode).toBe(status);
      const body = reply.json<Record<string, unknown>>();
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toMatchObject({ code });
      for (const text of hidden) expect(reply.body).not.toContain(text);
    };

    const householdOf = async (decisionId: number) =>
      (
        await t.database.db
          .selectFrom('decision')
          .select('household_id')
          .where('id', '=', decisionId)
          .executeTakeFirstOrThrow()
      ).household_id;

    it('anonymous callers get 401 on the list and on an appeal', async () => {
      onlyError(await t.api({ as: null, method: 'GET', url: '/api/appeals' }), 401, 'UNAUTHENTICATED');
      const reply = await t.api({
        as: null,
        method: 'POST',
        url: '/api/appeals',
        payload: { id: randomUUID(), decisionId: decision(0), grounds: 'x' },
      });
      onlyError(reply, 401, 'UNAUTHENTICATED');
    });

    it("a citizen appeals their own household's decisions only, and sees only their own appeals", async () => {
      const db = t.database.db;
      const ownHousehold = await householdOf(decision(0));
      const otherHousehold = await householdOf(decision(1));
      const member = await db
        .selectFrom('membership')
        .innerJoin('person', 'person.id', 'membership.person_id')
        .select(['person.id', 'person.pinfl'])
        .where('membership.household_id', '=', ownHousehold)
        .where('membership.valid_to', 'is', null)
        .orderBy('person.id')
        .executeTakeFirstOrThrow();
      const { headers } = await signInCitizen(db, t.config, member.id);
      const as = (method: 'GET' | 'POST', url: string, payload?: object) =>
        t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

      const mine = { id: randomUUID(), decisionId: decision(0), grounds: 'We have three children' };
      const created = await as('POST', '/api/appeals', mine);
      expect(created.statusCode).toBe(201);
      expect(created.json<AppealReply>().events[0]).toMatchObject({ actor: `citizen:${member.id}` });

      const theirs = { id: randomUUID(), decisionId: decision(1), grounds: 'not mine' };
      onlyError(await as('POST', '/api/appeals', theirs), 403, 'FORBIDDEN', [otherHousehold]);
      expect(await db.selectFrom('appeal').select('id').where('id', '=', theirs.id).execute()).toEqual([]);

      // An officer's appeal for the other household: invisible to the citizen.
      const officers = { id: randomUUID(), decisionId: decision(1), grounds: 'on their behalf' };
      expect((await post('/api/appeals', 'officer.a', officers)).statusCode).toBe(201);
      onlyError(await as('GET', `/api/appeals/${officers.id}`), 403, 'FORBIDDEN', [otherHousehold]);
      expect((await as('GET', `/api/appeals/${mine.id}`)).statusCode).toBe(200);

      const list = await as('GET', '/api/appeals?pageSize=100');
      expect(list.statusCode).toBe(200);
      const page = list.json<{ items: { id: string; householdId: string }[]; total: number }>();
      expect(page.items.map((a) => a.id)).toContain(mine.id);
      for (const item of page.items) expect(item.householdId).toBe(ownHousehold);
      const counted = await db
        .selectFrom('appeal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('household_id', '=', ownHousehold)
        .executeTakeFirstOrThrow();
      expect(page.total).toBe(Number(counted.n));

      // Deciding is an officer's.
      onlyError(
        await as('POST', `/api/appeals/${mine.id}/transition`, { to: 'under_review' }),
        403,
        'FORBIDDEN',
      );
    });

    it('a social worker neither reads nor decides appeals; an officer of another district gets 403', async () => {
      const db = t.database.db;
      const householdId = await householdOf(decision(2));
      const place = await db
        .selectFrom('household')
        .select(['district_code', 'mahalla_code'])
        .where('id', '=', householdId)
        .executeTakeFirstOrThrow();
      const appeal = { id: randomUUID(), decisionId: decision(2), grounds: 'a mistake in the income' };
      expect((await post('/api/appeals', 'officer.a', appeal)).statusCode).toBe(201);

      const worker = await t.staff(`worker.${place.mahalla_code}`, [
        { role: 'social_worker', area: { kind: 'mahalla', code: place.mahalla_code }, organisation: 'Inson' },
      ]);
      onlyError(
        await t.app.inject({ method: 'GET', url: '/api/appeals', headers: worker }),
        403,
        'FORBIDDEN',
      );

      const elsewhere = await db
        .selectFrom('district')
        .select('code')
        .where('region_code', '=', '1733')
        .where('code', '!=', place.district_code)
        .orderBy('code')
        .executeTakeFirstOrThrow();
      const outsider = await t.staff(`district.${elsewhere.code}`, [
        {
          role: 'district_officer',
          area: { kind: 'district', code: elsewhere.code },
          organisation: 'Hokimiyat',
        },
      ]);
      const hidden = [householdId, appeal.grounds];
      onlyError(
        await t.app.inject({
          method: 'POST',
          url: `/api/appeals/${appeal.id}/transition`,
          headers: outsider,
          payload: { to: 'under_review' },
        }),
        403,
        'FORBIDDEN',
        hidden,
      );
      onlyError(
        await t.app.inject({ method: 'GET', url: `/api/appeals/${appeal.id}`, headers: outsider }),
        403,
        'FORBIDDEN',
        hidden,
      );
      const theirs = await t.app.inject({
        method: 'GET',
        url: '/api/appeals?pageSize=100',
        headers: outsider,
      });
      expect(theirs.json<{ items: { id: string }[] }>().items.map((a) => a.id)).not.toContain(appeal.id);
      expect(
        await db.selectFrom('appeal').select('status').where('id', '=', appeal.id).executeTakeFirstOrThrow(),
      ).toEqual({ status: 'submitted' });
    });
  });
});
