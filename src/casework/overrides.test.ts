import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { evaluateMonth, overrideOutcome } from '../decisions/decision.service.ts';
import { DomainError } from '../platform/errors.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { approveOverride, createOverride, rejectOverride } from './override.service.ts';

const MONTH = '2026-03';

interface ErrorReply {
  error: { code: string };
}
interface OverrideReply {
  id: string;
  status: string;
  requestedBy: string;
  reviewedBy: string | null;
  decisionId: number | null;
}

describe('overrideOutcome', () => {
  const none = { entitled: false, category: 'none', amount: 0 };
  it('grants a payment with an amount above 0 and ends it at 0', () => {
    expect(overrideOutcome('child_allowance', none, { amount: 325_000, category: null })).toEqual({
      entitled: true,
      category: 'none',
      amount: 325_000,
    });
    const paid = { entitled: true, category: 'poor', amount: 325_000 };
    expect(overrideOutcome('child_allowance', paid, { amount: 0, category: null }).entitled).toBe(false);
  });
  it('decides the Social Registry by its category', () => {
    expect(overrideOutcome('social_registry', none, { amount: 1000, category: 'poor' }).entitled).toBe(true);
    const poor = { entitled: true, category: 'poor', amount: 1000 };
    expect(overrideOutcome('social_registry', poor, { amount: null, category: 'none' })).toEqual({
      entitled: false,
      category: 'none',
      amount: 0,
    });
  });
});

describe('manual overrides under four eyes', () => {
  let t: TestApp;
  let householdIds: string[];

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 7,
      seed: 7,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    const rows = await t.database.db.selectFrom('household').select('id').orderBy('id').execute();
    householdIds = rows.map((r) => r.id);
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const household = (i: number) => {
    const id = householdIds[i];
    if (!id) throw new Error(`no household ${i}`);
    return id;
  };

  const body = (householdId: string, extra: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    householdId,
    programme: 'material_assistance',
    month: MONTH,
    amount: 380_000,
    reason: 'The family lost its only income after a flood; the data lag by a quarter.',
    legalBasis: 'Cabinet of Ministers resolution, item 12 (discretion of the district department)',
    ...extra,
  });

  const post = (url: string, actor: string | undefined, payload?: unknown) =>
    t.api({
      method: 'POST',
      url,
      as: actor ?? null,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  const entitlementOf = (householdId: string, programme: string) =>
    t.database.db
      .selectFrom('entitlement')
      .selectAll()
      .where('household_id', '=', householdId)
      .where('programme', '=', programme as 'material_assistance')
      .executeTakeFirst();

  describe('service', () => {
    it('applies an override only when another officer approves it', async () => {
      const db = t.database.db;
      const input = {
        id: randomUUID(),
        householdId: household(0),
        programme: 'child_allowance' as const,
        month: MONTH,
        amount: 250_000,
        reason: 'Guardian documents arrived late',
        legalBasis: 'Regulation on child allowance, item 7',
      };
      const { override, created } = await createOverride(db, input, 'officer.a');
      expect(created).toBe(true);
      expect(override.status).toBe('pending');
      const before = await entitlementOf(input.householdId, input.programme);

      await expect(
        db.transaction().execute((trx) => approveOverride(trx, input.id, 'officer.a')),
      ).rejects.toMatchObject({ code: 'OVERRIDE_SAME_APPROVER' });
      expect(await entitlementOf(input.householdId, input.programme)).toEqual(before);

      const approved = await db.transaction().execute((trx) => approveOverride(trx, input.id, 'officer.b'));
      expect(approved).toMatchObject({ status: 'approved', reviewedBy: 'officer.b' });
      expect(approved.decisionId).toEqual(expect.any(Number));
      const entitlement = await entitlementOf(input.householdId, input.programme);
      expect(Number(entitlement?.amount)).toBe(250_000);
      expect(entitlement?.to_month).toBeNull();
      expect(Number(entitlement?.last_decision_id)).toBe(approved.decisionId);
      const decision = await db
        .selectFrom('decision')
        .selectAll()
        .where('id', '=', approved.decisionId ?? 0)
        .executeTakeFirstOrThrow();
      expect(decision).toMatchObject({ kind: 'granted', month: MONTH, parameters_digest: 'override' });

      // A retry by the approver changes nothing; anyone else finds it decided.
      const again = await db.transaction().execute((trx) => approveOverride(trx, input.id, 'officer.b'));
      expect(again.decisionId).toBe(approved.decisionId);
      await expect(
        db.transaction().execute((trx) => approveOverride(trx, input.id, 'officer.c')),
      ).rejects.toMatchObject({ code: 'OVERRIDE_NOT_PENDING' });
      await expect(
        db.transaction().execute((trx) => rejectOverride(trx, input.id, 'officer.c')),
      ).rejects.toMatchObject({ code: 'OVERRIDE_NOT_PENDING' });
    });

    it('is idempotent by its client id and refuses the id with other content', async () => {
      const db = t.database.db;
      const input = {
        id: randomUUID(),
        householdId: household(1),
        programme: 'social_registry' as const,
        month: MONTH,
        category: 'borderline',
        amount: 750,
        reason: 'Hardship confirmed by the mahalla committee',
        legalBasis: 'Social Registry regulation, borderline route',
      };
      expect((await createOverride(db, input, 'officer.a')).created).toBe(true);
      const retry = await createOverride(db, input, 'officer.a');
      expect(retry.created).toBe(false);
      expect(retry.override.id).toBe(input.id);
      await expect(createOverride(db, { ...input, amount: 500 }, 'officer.a')).rejects.toMatchObject({
        code: 'OVERRIDE_ID_REUSED',
      });
      const count = await db
        .selectFrom('override_request')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id', '=', input.id)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    });

    it('refuses anonymous officers, missing grounds, unknown households and changes that change nothing', async () => {
      const db = t.database.db;
      const base = {
        id: randomUUID(),
        householdId: household(2),
        programme: 'material_assistance' as const,
        month: MONTH,
        amount: 380_000,
        reason: 'r',
        legalBasis: 'b',
      };
      await expect(createOverride(db, base, 'anonymous')).rejects.toMatchObject({
        code: 'OVERRIDE_ACTOR_REQUIRED',
      });
      await expect(createOverride(db, { ...base, reason: '  ' }, 'officer.a')).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(createOverride(db, { ...base, legalBasis: '' }, 'officer.a')).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(
        createOverride(db, { ...base, householdId: randomUUID() }, 'officer.a'),
      ).rejects.toBeInstanceOf(DomainError);

      // Ending an entitlement the household does not have is no change.
      const noop = { ...base, id: randomUUID(), amount: 0 };
      await createOverride(db, noop, 'officer.a');
      await expect(
        db.transaction().execute((trx) => approveOverride(trx, noop.id, 'officer.b')),
      ).rejects.toMatchObject({ code: 'OVERRIDE_NO_CHANGE' });
      const stored = await db
        .selectFrom('override_request')
        .select('status')
        .where('id', '=', noop.id)
        .executeTakeFirstOrThrow();
      expect(stored.status).toBe('pending');
    });

    it('holds an approved override through its months; after them the rules decide again', async () => {
      const db = t.database.db;
      const h = household(6);
      const input = {
        id: randomUUID(),
        householdId: h,
        programme: 'material_assistance' as const,
        month: MONTH,
        untilMonth: '2026-04',
        amount: 123_456,
        reason: 'Medical costs after an accident, not in any agency record yet',
        legalBasis: 'Material assistance regulation, discretion of the district department',
      };
      await createOverride(db, input, 'officer.a');
      await db.transaction().execute((trx) => approveOverride(trx, input.id, 'officer.b'));

      // The monthly runs of the months it holds keep what two officers decided, and write nothing for it.
      for (const month of ['2026-03', '2026-04']) {
        const run = await evaluateMonth(db, month, { trigger: 'household', householdIds: [h] });
        expect(run.byProgramme.material_assistance, month).toBe(0);
        expect(Number((await entitlementOf(h, 'material_assistance'))?.amount), month).toBe(123_456);
      }
      // The month after its last one, the rules decide, with their own trace.
      const may = await evaluateMonth(db, '2026-05', { trigger: 'household', householdIds: [h] });
      expect(may.byProgramme.material_assistance).toBe(1);
      const decision = await db
        .selectFrom('decision')
        .selectAll()
        .where('household_id', '=', h)
        .where('programme', '=', 'material_assistance')
        .where('month', '=', '2026-05')
        .executeTakeFirstOrThrow();
      expect(Number(decision.amount_before)).toBe(123_456);
      expect(Number(decision.amount_after)).not.toBe(123_456);
      expect(decision.parameters_digest).not.toBe('override');
    });

    it('holds for the re-assessment period of six months when no last month is given', async () => {
      const { override } = await createOverride(
        t.database.db,
        { ...body(household(6)), programme: 'child_allowance' as const, amount: 1 },
        'officer.a',
      );
      expect(override).toMatchObject({ month: MONTH, untilMonth: '2026-08' });
      await expect(
        createOverride(
          t.database.db,
          { ...body(household(6)), programme: 'child_allowance' as const, untilMonth: '2026-02' },
          'officer.a',
        ),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('refuses an override of a month earlier than the one last decided', async () => {
      const db = t.database.db;
      const later = { ...body(household(3)), programme: 'material_assistance' as const, month: '2026-05' };
      await createOverride(db, later, 'officer.a');
      await db.transaction().execute((trx) => approveOverride(trx, later.id, 'officer.b'));
      const earlier = { ...later, id: randomUUID(), month: '2026-04', amount: 100_000 };
      await createOverride(db, earlier, 'officer.a');
      await expect(
        db.transaction().execute((trx) => approveOverride(trx, earlier.id, 'officer.b')),
      ).rejects.toMatchObject({ code: 'OVERRIDE_MONTH_SUPERSEDED' });
    });
  });

  describe('HTTP', () => {
    it('proposes (201), retries (200), refuses self-approval (403) and applies on a second approver', async () => {
      const payload = body(household(4));
      const created = await post('/api/overrides', 'officer.a', payload);
      expect(created.statusCode).toBe(201);
      expect(created.json<OverrideReply>()).toMatchObject({
        status: 'pending',
        requestedBy: 'staff:officer.a',
      });
      expect((await post('/api/overrides', 'officer.a', payload)).statusCode).toBe(200);

      const self = await post(`/api/overrides/${payload.id}/approve`, 'officer.a');
      expect(self.statusCode).toBe(403);
      expect(self.json<ErrorReply>().error.code).toBe('OVERRIDE_SAME_APPROVER');
      expect(await entitlementOf(payload.householdId, 'material_assistance')).toBeUndefined();

      const anonymous = await post(`/api/overrides/${payload.id}/approve`, undefined);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json<ErrorReply>().error.code).toBe('UNAUTHENTICATED');

      const worklist = await t.api({ method: 'GET', url: '/api/overrides?status=pending' });
      expect(worklist.statusCode).toBe(200);
      expect(worklist.json<{ items: OverrideReply[] }>().items.map((o) => o.id)).toContain(payload.id);

      const approved = await post(`/api/overrides/${payload.id}/approve`, 'officer.b', { note: 'checked' });
      expect(approved.statusCode).toBe(200);
      const reply = approved.json<OverrideReply>();
      expect(reply).toMatchObject({ status: 'approved', reviewedBy: 'staff:officer.b' });
      const entitlement = await entitlementOf(payload.householdId, 'material_assistance');
      expect(Number(entitlement?.amount)).toBe(380_000);

      const decisions = await t.api({
        method: 'GET',
        url: `/api/decisions?householdId=${payload.householdId}&programme=material_assistance`,
      });
      expect(decisions.json<{ items: { id: number }[] }>().items.map((d) => d.id)).toContain(
        reply.decisionId,
      );
      const detail = await t.api({ method: 'GET', url: `/api/decisions/${reply.decisionId}?lang=en` });
      expect(detail.statusCode).toBe(200);
      expect(detail.json<{ explanation: string }>().explanation).toMatch(
        /manual override, proposed by staff:officer\.a and approved by a second officer, staff:officer\.b/,
      );
      expect(detail.json<{ explanation: string }>().explanation).toContain(payload.legalBasis);

      const pending = await t.api({ method: 'GET', url: '/api/overrides?status=pending' });
      expect(pending.json<{ items: OverrideReply[] }>().items.map((o) => o.id)).not.toContain(payload.id);
      const rejectLate = await post(`/api/overrides/${payload.id}/reject`, 'officer.c');
      expect(rejectLate.statusCode).toBe(409);
      expect(rejectLate.json<ErrorReply>().error.code).toBe('OVERRIDE_NOT_PENDING');
    });

    it('rejects: nothing is applied', async () => {
      const payload = body(household(5));
      expect((await post('/api/overrides', 'officer.a', payload)).statusCode).toBe(201);
      const rejected = await post(`/api/overrides/${payload.id}/reject`, 'officer.b', {
        note: 'no evidence',
      });
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json<OverrideReply>()).toMatchObject({ status: 'rejected', decisionId: null });
      expect(await entitlementOf(payload.householdId, 'material_assistance')).toBeUndefined();
      const approve = await post(`/api/overrides/${payload.id}/approve`, 'officer.c');
      expect(approve.statusCode).toBe(409);
    });

    it('answers 400 without a reason, a legal basis or anything to set', async () => {
      const h = household(5);
      for (const payload of [
        body(h, { reason: undefined }),
        body(h, { legalBasis: '   ' }),
        body(h, { amount: undefined }),
        body(h, { amount: -5 }),
        body(h, { month: '2026-13' }),
        body(h, { category: 'rich' }),
        body(h, { untilMonth: '2026-02' }),
      ]) {
        const res = await post('/api/overrides', 'officer.a', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json<ErrorReply>().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('answers 404 for an unknown override or household', async () => {
      const unknown = await post(`/api/overrides/${randomUUID()}/approve`, 'officer.b');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json<ErrorReply>().error.code).toBe('OVERRIDE_NOT_FOUND');
      const noHousehold = await post('/api/overrides', 'officer.a', body(randomUUID()));
      expect(noHousehold.statusCode).toBe(404);
      expect(noHousehold.json<ErrorReply>().error.code).toBe('HOUSEHOLD_NOT_FOUND');
    });
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

    const placeOf = (householdId: string) =>
      t.database.db
        .selectFrom('household')
        .select(['district_code', 'mahalla_code'])
        .where('id', '=', householdId)
        .executeTakeFirstOrThrow();

    const districtOfficer = (code: string) =>
      t.staff(`district.${code}`, [
        { role: 'district_officer', area: { kind: 'district', code }, organisation: 'Hokimiyat' },
      ]);

    it('anonymous callers get 401 on the worklist and on a proposal', async () => {
      onlyError(await t.api({ as: null, method: 'GET', url: '/api/overrides' }), 401, 'UNAUTHENTICATED');
      const payload = body(household(1), { programme: 'child_allowance', amount: 200_000 });
      onlyError(await post('/api/overrides', undefined, payload), 401, 'UNAUTHENTICATED', [
        payload.householdId,
      ]);
      const stored = await t.database.db
        .selectFrom('override_request')
        .select('id')
        .where('id', '=', payload.id)
        .execute();
      expect(stored).toEqual([]);
    });

    it("only a district officer of the household's district may approve; others get 403 and nothing of it", async () => {
      const payload = body(household(1), { programme: 'child_allowance', amount: 200_000 });
      expect((await post('/api/overrides', 'officer.a', payload)).statusCode).toBe(201);
      const place = await placeOf(payload.householdId);
      const hidden = [payload.householdId, payload.reason, payload.legalBasis];

      // A social worker never approves overrides, nor reads them.
      const worker = await t.staff(`worker.${place.mahalla_code}`, [
        { role: 'social_worker', area: { kind: 'mahalla', code: place.mahalla_code }, organisation: 'Inson' },
      ]);
      const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string>) =>
        t.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: {} } : {}) });
      onlyError(
        await inject('POST', `/api/overrides/${payload.id}/approve`, worker),
        403,
        'FORBIDDEN',
        hidden,
      );
      onlyError(await inject('GET', `/api/overrides/${payload.id}`, worker), 403, 'FORBIDDEN', hidden);
      onlyError(await inject('GET', '/api/overrides', worker), 403, 'FORBIDDEN', hidden);

      // A district officer of another district: 403 on the approval and the read; not in their worklist.
      const elsewhere = await t.database.db
        .selectFrom('district')
        .select('code')
        .where('region_code', '=', '1733')
        .where('code', '!=', place.district_code)
        .orderBy('code')
        .executeTakeFirstOrThrow();
      const outsider = await districtOfficer(elsewhere.code);
      onlyError(
        await inject('POST', `/api/overrides/${payload.id}/approve`, outsider),
        403,
        'FORBIDDEN',
        hidden,
      );
      onlyError(
        await inject('POST', `/api/overrides/${payload.id}/reject`, outsider),
        403,
        'FORBIDDEN',
        hidden,
      );
      onlyError(await inject('GET', `/api/overrides/${payload.id}`, outsider), 403, 'FORBIDDEN', hidden);
      const theirs = await inject('GET', '/api/overrides?status=pending', outsider);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json<{ items: OverrideReply[] }>().items.map((o) => o.id)).not.toContain(payload.id);
      const { householdId } = payload;
      expect(
        await t.database.db
          .selectFrom('override_request')
          .select('status')
          .where('id', '=', payload.id)
          .executeTakeFirst(),
      ).toEqual({ status: 'pending' });
      onlyError(
        await t.app.inject({
          method: 'POST',
          url: '/api/overrides',
          headers: outsider,
          payload: body(householdId),
        }),
        403,
        'FORBIDDEN',
      );

      // The district's own officer sees it in the worklist, with a count of their district only, and approves.
      const insider = await districtOfficer(place.district_code);
      const worklist = await inject('GET', '/api/overrides?pageSize=100', insider);
      const page = worklist.json<{ items: OverrideReply[]; total: number }>();
      expect(page.items.map((o) => o.id)).toContain(payload.id);
      const inDistrict = await t.database.db
        .selectFrom('override_request')
        .innerJoin('household', 'household.id', 'override_request.household_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('household.district_code', '=', place.district_code)
        .executeTakeFirstOrThrow();
      expect(page.total).toBe(Number(inDistrict.n));
      const approved = await inject('POST', `/api/overrides/${payload.id}/approve`, insider);
      expect(approved.statusCode).toBe(200);
      expect(approved.json<OverrideReply>()).toMatchObject({
        status: 'approved',
        reviewedBy: `staff:district.${place.district_code}`,
      });
      const entries = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'role', 'area', 'subject_household_ids'])
        .where('resource_type', '=', 'override')
        .where('resource_id', '=', payload.id)
        .orderBy('seq')
        .execute();
      expect(entries).toEqual([
        {
          action: 'create',
          role: 'district_officer',
          area: 'region:1733',
          subject_household_ids: [householdId],
        },
        {
          action: 'update',
          role: 'district_officer',
          area: `district:${place.district_code}`,
          subject_household_ids: [householdId],
        },
      ]);
    });
  });
});
