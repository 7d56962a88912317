import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { loadMonth } from '../decisions/decision.service.ts';
import { parseMonth } from '../rules/index.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import {
  decideApplication,
  recordMahallaOpinion,
  recordQuestionnaire,
  submitApplication,
} from './application.service.ts';

interface ErrorReply {
  error: { code: string };
}
interface ApplicationReply {
  id: string;
  status: string;
  decisionMonth: string;
  dueOn: string | null;
  overdue: boolean;
  precheck: { entitled: boolean; category: string };
  outcome: { entitled: boolean; category: string; amount: number } | null;
}

describe('applications', () => {
  let t: TestApp;
  let householdIds: string[];

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 4,
      seed: 5,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    householdIds = (await t.database.db.selectFrom('household').select('id').orderBy('id').execute()).map(
      (r) => r.id,
    );
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const household = (i: number) => {
    const id = householdIds[i];
    if (!id) throw new Error(`no household ${i}`);
    return id;
  };

  const post = (url: string, payload: Record<string, unknown>, actor: string | null = 'worker.a') =>
    t.api({ method: 'POST', url, as: actor, payload });

  it('service: decides this month by the 16th, the next month after; refuses steps out of order', async () => {
    const db = t.database.db;
    const early = {
      id: randomUUID(),
      householdId: household(0),
      programme: 'social_registry' as const,
      channel: 'centre' as const,
      submittedOn: '2026-03-16',
    };
    const late = { ...early, id: randomUUID(), submittedOn: '2026-03-17' };
    expect((await submitApplication(db, early, 'worker.a')).application.decisionMonth).toBe('2026-03');
    expect((await submitApplication(db, late, 'worker.a')).application.decisionMonth).toBe('2026-04');
    expect((await submitApplication(db, early, 'worker.a')).created).toBe(false);
    await expect(submitApplication(db, { ...early, channel: 'portal' }, 'worker.a')).rejects.toMatchObject({
      code: 'APPLICATION_ID_REUSED',
    });
    await expect(recordMahallaOpinion(db, early.id, true, 'mahalla.1')).rejects.toMatchObject({
      code: 'APPLICATION_STEP_INVALID',
    });
    await expect(decideApplication(db, early.id)).rejects.toMatchObject({ code: 'APPLICATION_STEP_INVALID' });
  });

  it('HTTP: pre-check, questionnaire, mahalla opinion with a due date, decision by the engine', async () => {
    const id = randomUUID();
    const submitted = await post('/api/applications', {
      id,
      householdId: household(1),
      programme: 'social_registry',
      channel: 'social_worker',
      submittedOn: '2026-03-10',
    });
    expect(submitted.statusCode).toBe(201);
    const app = submitted.json<ApplicationReply>();
    expect(app).toMatchObject({ status: 'submitted', decisionMonth: '2026-03', outcome: null });

    const skip = await post(`/api/applications/${id}/decide`, {});
    expect(skip.statusCode).toBe(409);
    expect(skip.json<ErrorReply>().error.code).toBe('APPLICATION_STEP_INVALID');

    expect((await post(`/api/applications/${id}/questionnaire`, { on: '2026-03-11' })).statusCode).toBe(200);
    const opinion = await post(
      `/api/applications/${id}/mahalla-opinion`,
      { supports: true, on: '2026-03-13' },
      'mahalla.1',
    );
    expect(opinion.statusCode).toBe(200);
    // Friday + 3 working days = Wednesday.
    expect(opinion.json<ApplicationReply>()).toMatchObject({
      status: 'mahalla_opinion',
      dueOn: '2026-03-18',
      overdue: true,
    });

    const overdue = await t.api({ method: 'GET', url: '/api/applications?overdue=true' });
    expect(overdue.json<{ items: ApplicationReply[] }>().items.map((a) => a.id)).toContain(id);
    // A list names the household by its reference (H-…), as the worklist shows it, never by its id.
    const listed = overdue
      .json<{ items: { id: string; householdId: string; householdReference: string | null }[] }>()
      .items.find((a) => a.id === id);
    const listedHousehold = await t.database.db
      .selectFrom('household')
      .select('reference')
      .where('id', '=', listed?.householdId ?? '')
      .executeTakeFirstOrThrow();
    expect(listed?.householdReference).toBe(listedHousehold.reference);
    expect(listedHousehold.reference).toMatch(/^H-\d{4}-\d{6}$/);

    const decided = await post(`/api/applications/${id}/decide`, { on: '2026-03-16' });
    expect(decided.statusCode).toBe(200);
    const result = decided.json<ApplicationReply>();
    expect(result.status).toBe('decided');
    expect(result.overdue).toBe(false);
    // The income test alone left this family out; the committee confirmed hardship, so it is borderline.
    expect(app.precheck).toMatchObject({ entitled: false, category: 'none' });
    expect(result.outcome).toMatchObject({ entitled: true, category: 'borderline' });
    const entitlements = await t.api({
      method: 'GET',
      url: `/api/households/${household(1)}/entitlements`,
    });
    expect(entitlements.json<{ items: { programme: string; category: string }[] }>().items).toContainEqual(
      expect.objectContaining({ programme: 'social_registry', category: 'borderline' }),
    );
    // The family is told the outcome (in the portal, and by SMS when a phone is known), once.
    const head = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', household(1))
      .where('relationship', '=', 'head')
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();
    const told = await t.database.db
      .selectFrom('notification')
      .select(['channel', 'template', 'body'])
      .where('person_id', '=', head.person_id)
      .where('template', '=', 'application.decided')
      .execute();
    expect(told.map((n) => n.channel)).toContain('portal');
    expect(told.filter((n) => n.channel === 'portal')).toHaveLength(1);
  });

  it("feeds the mahalla committee's confirmed hardship into the evaluation for the borderline period", async () => {
    const db = t.database.db;
    const h = household(3);
    const submitted = await submitApplication(
      db,
      {
        id: randomUUID(),
        householdId: h,
        programme: 'social_registry',
        channel: 'portal',
        submittedOn: '2026-03-05',
      },
      'citizen',
    );
    await recordQuestionnaire(db, submitted.application.id, 'worker.a', '2026-03-06');
    const hardshipOf = async (month: string) => {
      const population = await loadMonth(db, parseMonth(month), [h]);
      return population.household.mahallaHardship[0];
    };
    expect(await hardshipOf('2026-03')).toBe(0);
    await recordMahallaOpinion(db, submitted.application.id, true, 'mahalla.1', '2026-03-09');
    // From the decision month, for the six months of borderline payments, and not after.
    expect(await hardshipOf('2026-03')).toBe(1);
    expect(await hardshipOf('2026-08')).toBe(1);
    expect(await hardshipOf('2026-09')).toBe(0);
    expect(await hardshipOf('2026-02')).toBe(0);
    // Another household's confirmation is not this one's.
    const other = await loadMonth(db, parseMonth('2026-03'), [household(0)]);
    expect(other.household.mahallaHardship[0]).toBe(0);
  });

  it('HTTP: 400 for a bad channel or date, 404 for an unknown household or application', async () => {
    const base = {
      id: randomUUID(),
      householdId: household(2),
      programme: 'child_allowance',
      channel: 'centre',
      submittedOn: '2026-03-01',
    };
    expect((await post('/api/applications', { ...base, channel: 'fax' })).statusCode).toBe(400);
    expect((await post('/api/applications', { ...base, submittedOn: '2026-02-30' })).statusCode).toBe(400);
    const noHousehold = await post('/api/applications', { ...base, householdId: randomUUID() });
    expect(noHousehold.statusCode).toBe(404);
    expect(noHousehold.json<ErrorReply>().error.code).toBe('HOUSEHOLD_NOT_FOUND');
    const unknown = await post(`/api/applications/${randomUUID()}/questionnaire`, {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorReply>().error.code).toBe('APPLICATION_NOT_FOUND');
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

    const application = (householdId: string) => ({
      id: randomUUID(),
      householdId,
      programme: 'material_assistance',
      channel: 'social_worker',
      submittedOn: '2026-03-02',
    });

    it('anonymous callers get 401 on the list and on a submission', async () => {
      onlyError(await t.api({ as: null, method: 'GET', url: '/api/applications' }), 401, 'UNAUTHENTICATED');
      const payload = application(household(0));
      onlyError(await post('/api/applications', payload, null), 401, 'UNAUTHENTICATED');
      expect(
        await t.database.db.selectFrom('application').select('id').where('id', '=', payload.id).execute(),
      ).toEqual([]);
    });

    it('a social worker works the applications of their mahalla only, and lists only those', async () => {
      const db = t.database.db;
      const households = await db
        .selectFrom('household')
        .select(['id', 'mahalla_code'])
        .orderBy('id')
        .execute();
      const mahalla = households[0]?.mahalla_code ?? '';
      const elsewhere = households.find((h) => h.mahalla_code !== mahalla);
      expect(elsewhere, 'the seed has households in two mahallas').toBeDefined();
      const own = application(household(0));
      const other = application(elsewhere?.id ?? '');
      expect((await post('/api/applications', own, 'officer.a')).statusCode).toBe(201);
      expect((await post('/api/applications', other, 'officer.a')).statusCode).toBe(201);

      const headers = await t.staff(`worker.${mahalla}`, [
        { role: 'social_worker', area: { kind: 'mahalla', code: mahalla }, organisation: 'Inson' },
      ]);
      const as = (method: 'GET' | 'POST', url: string, payload?: object) =>
        t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

      const list = await as('GET', '/api/applications?pageSize=100');
      expect(list.statusCode).toBe(200);
      const page = list.json<{ items: { id: string; householdId: string }[]; total: number }>();
      const inMahalla = new Set(households.filter((h) => h.mahalla_code === mahalla).map((h) => h.id));
      for (const item of page.items) expect(inMahalla.has(item.householdId)).toBe(true);
      expect(page.items.map((a) => a.id)).toContain(own.id);
      expect(page.items.map((a) => a.id)).not.toContain(other.id);
      const counted = await db
        .selectFrom('application')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('household_id', 'in', [...inMahalla])
        .executeTakeFirstOrThrow();
      expect(page.total).toBe(Number(counted.n));
      const all = await t.api({ method: 'GET', url: '/api/applications?pageSize=1' });
      expect(all.json<{ total: number }>().total).toBeGreaterThan(page.total);

      const hidden = [other.householdId];
      onlyError(await as('GET', `/api/applications/${other.id}`), 403, 'FORBIDDEN', hidden);
      onlyError(
        await as('POST', `/api/applications/${other.id}/questionnaire`, {}),
        403,
        'FORBIDDEN',
        hidden,
      );
      onlyError(
        await as('POST', '/api/applications', application(other.householdId)),
        403,
        'FORBIDDEN',
        hidden,
      );
      expect((await as('GET', `/api/applications/${own.id}`)).statusCode).toBe(200);

      const done = await as('POST', `/api/applications/${own.id}/questionnaire`, { on: '2026-03-03' });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ questionnaire: { by: `staff:worker.${mahalla}` } });
      const entries = await db
        .selectFrom('audit_log')
        .select(['action', 'role', 'area', 'fields', 'subject_household_ids'])
        .where('resource_type', '=', 'application')
        .where('resource_id', '=', own.id)
        .orderBy('seq')
        .execute();
      expect(entries.at(-1)).toEqual({
        action: 'update',
        role: 'social_worker',
        area: `mahalla:${mahalla}`,
        fields: ['questionnaire', 'status'],
        subject_household_ids: [own.householdId],
      });
      expect(entries[0]).toMatchObject({ action: 'create', subject_household_ids: [own.householdId] });

      // The final assessment is a district officer's.
      onlyError(await as('POST', `/api/applications/${own.id}/decide`, {}), 403, 'FORBIDDEN');
    });
  });
});
