import { randomUUID } from 'node:crypto';
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

  const post = (url: string, payload: Record<string, unknown>, actor = 'worker.a') =>
    t.app.inject({ method: 'POST', url, headers: { 'x-himoya-actor': actor }, payload });

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

    const overdue = await t.app.inject({ method: 'GET', url: '/api/applications?overdue=true' });
    expect(overdue.json<{ items: ApplicationReply[] }>().items.map((a) => a.id)).toContain(id);

    const decided = await post(`/api/applications/${id}/decide`, { on: '2026-03-16' });
    expect(decided.statusCode).toBe(200);
    const result = decided.json<ApplicationReply>();
    expect(result.status).toBe('decided');
    expect(result.overdue).toBe(false);
    // The income test alone left this family out; the committee confirmed hardship, so it is borderline.
    expect(app.precheck).toMatchObject({ entitled: false, category: 'none' });
    expect(result.outcome).toMatchObject({ entitled: true, category: 'borderline' });
    const entitlements = await t.app.inject({
      method: 'GET',
      url: `/api/households/${household(1)}/entitlements`,
    });
    expect(entitlements.json<{ items: { programme: string; category: string }[] }>().items).toContainEqual(
      expect.objectContaining({ programme: 'social_registry', category: 'borderline' }),
    );
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
});
