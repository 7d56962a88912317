import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { signInCitizen } from '../../test/support/auth.ts';
import { defaultParameters, uzbekCyrillicOf } from '../rules/index.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { evaluateMonth } from './decision.service.ts';
import { simulate } from './simulation.service.ts';

const MONTH = '2026-03';

interface ErrorReply {
  error: { code: string };
}

describe('decisions over a seeded registry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 300,
      seed: 1,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const decisionCount = async () => {
    const row = await t.database.db
      .selectFrom('decision')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('evaluates a month: one granted decision per new entitlement, with an entitlement each', async () => {
    const summary = await evaluateMonth(t.database.db, MONTH, { trigger: 'manual' });
    expect(summary.householdsEvaluated).toBeGreaterThan(250);
    expect(summary.decisionsWritten).toBeGreaterThan(0);
    expect(summary.byKind).toEqual({ granted: summary.decisionsWritten, amount_changed: 0, ended: 0 });
    expect(summary.byProgramme.social_registry).toBeGreaterThan(0);
    expect(await decisionCount()).toBe(summary.decisionsWritten);
    const entitlements = await t.database.db
      .selectFrom('entitlement')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(entitlements.n)).toBe(summary.decisionsWritten);
    // One trace per household evaluated, shared by that household's decisions.
    const traces = await t.database.db
      .selectFrom('decision_trace')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const households = await t.database.db
      .selectFrom('decision')
      .select((eb) => eb.fn.count<number>('household_id').distinct().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(traces.n)).toBe(Number(households.n));
    const run = await t.api({ method: 'GET', url: `/api/evaluations/${summary.runId}` });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({
      status: 'finished',
      month: MONTH,
      trigger: 'manual',
      decisionsWritten: summary.decisionsWritten,
      parametersDigest: defaultParameters().digest,
    });
  });

  it('re-running the same month writes nothing new', async () => {
    const before = await decisionCount();
    const again = await evaluateMonth(t.database.db, MONTH, { trigger: 'manual' });
    expect(again.decisionsWritten).toBe(0);
    expect(await decisionCount()).toBe(before);
  });

  it('lists decisions with filters and pages', async () => {
    const all = await t.api({ method: 'GET', url: `/api/decisions?month=${MONTH}&pageSize=5` });
    expect(all.statusCode).toBe(200);
    const body = all.json<{ items: { kind: string; month: string }[]; total: number; pageSize: number }>();
    expect(body.total).toBe(await decisionCount());
    expect(body.items).toHaveLength(5);
    const child = await t.api({
      method: 'GET',
      url: `/api/decisions?programme=child_allowance&kind=granted&month=${MONTH}`,
    });
    const items = child.json<{ items: { programme: string; amountAfter: number }[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.programme).toBe('child_allowance');
      expect(item.amountAfter).toBeGreaterThan(0);
    }
    const none = await t.api({ method: 'GET', url: '/api/decisions?month=2019-01' });
    expect(none.json()).toMatchObject({ items: [], total: 0 });
  });

  it('withholds health data in a trace from readers without a disability role', async () => {
    const list = await t.api({
      method: 'GET',
      url: `/api/decisions?programme=social_registry&month=${MONTH}&pageSize=1`,
    });
    const id = list.json<{ items: { id: number }[] }>().items[0]?.id;
    expect(id).toBeDefined();
    const region = { kind: 'region' as const, code: '1733' };
    type Detail = {
      healthWithheld: boolean;
      explanation: string;
      trace: { inputs: Record<string, { value: unknown }> };
    };
    const read = async (headers: Record<string, string>) =>
      (await t.app.inject({ method: 'GET', url: `/api/decisions/${id}?lang=en`, headers })).json<Detail>();
    const officer = await read(
      await t.staff('officer.health', [
        { role: 'district_officer', area: region, organisation: 'Department' },
      ]),
    );
    expect(officer.healthWithheld).toBe(true);
    expect(officer.trace.inputs['person.disability']?.value).toEqual([]);
    expect(officer.explanation).toContain('health data (shown only to disability staff and to the person)');
    const assessor = await read(
      await t.staff('assessor.health', [
        { role: 'disability_assessor', area: region, organisation: 'Inson' },
      ]),
    );
    expect(assessor.healthWithheld).toBe(false);
    const values = assessor.trace.inputs['person.disability']?.value;
    expect(Array.isArray(values) && values.length > 0).toBe(true);
    expect(assessor.explanation).not.toContain('health data (shown only');
  });

  it("a decision's trace, through the API, names every parameter with its value and act", async () => {
    const list = await t.api({
      method: 'GET',
      url: `/api/decisions?programme=child_allowance&month=${MONTH}&pageSize=1`,
    });
    const id = list.json<{ items: { id: number }[] }>().items[0]?.id;
    expect(id).toBeDefined();
    for (const lang of ['en', 'ru', 'uz-Latn'] as const) {
      const reply = await t.api({ method: 'GET', url: `/api/decisions/${id}?lang=${lang}` });
      expect(reply.statusCode).toBe(200);
      const detail = reply.json<{
        language: string;
        explanation: string;
        parameters: {
          name: string;
          value: number | boolean;
          from: string;
          reference: { act: Record<string, string> };
        }[];
        trace: { format: string; parameters: Record<string, { value: number | boolean }> };
      }>();
      expect(detail.language).toBe(lang);
      expect(detail.trace.format).toBe('himoya.trace/1');
      const traced = Object.keys(detail.trace.parameters);
      expect(traced.length).toBeGreaterThan(5);
      expect(detail.explanation).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      // The decision's programme only: its rule values are among the trace's, and each is in its explanation.
      expect(detail.parameters.length).toBeGreaterThan(0);
      for (const p of detail.parameters) expect(traced).toContain(p.name);
      for (const p of detail.parameters) {
        expect(p.value).toBe(detail.trace.parameters[p.name]?.value);
        expect(p.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const act = p.reference.act[lang];
        expect(act, p.name).toBeTruthy();
        // The plain-language text names the rule value with its act.
        expect(detail.explanation, p.name).toContain(act ?? '');
        const label = defaultParameters().definition(p.name).label[lang];
        expect(detail.explanation, p.name).toContain(label);
      }
    }
    // Uzbek Cyrillic: the Uzbek Latin wording letter by letter, identifiers untouched.
    const latin = (await t.api({ method: 'GET', url: `/api/decisions/${id}?lang=uz-Latn` })).json<{
      explanation: string;
      householdId: string;
    }>();
    const cyrillic = (await t.api({ method: 'GET', url: `/api/decisions/${id}?lang=uz-Cyrl` })).json<{
      explanation: string;
      language: string;
    }>();
    expect(cyrillic.language).toBe('uz-Cyrl');
    expect(cyrillic.explanation).toBe(uzbekCyrillicOf(latin.explanation));
    // No identifier is told: not the household's id, nor a person's.
    expect(cyrillic.explanation).not.toContain(latin.householdId);
    expect(cyrillic.explanation).toMatch(/Оила|оила/);
    expect(cyrillic.explanation).not.toMatch(/\b(oila|va|so'm)\b/i);
  });

  it('a decision opens with three plain sentences in 4 languages; "unverified" is for staff only', async () => {
    const list = await t.api({
      method: 'GET',
      url: `/api/decisions?programme=child_allowance&month=${MONTH}&kind=granted&pageSize=1`,
    });
    const decision = list.json<{ items: { id: number; householdId: string }[] }>().items[0];
    if (!decision) throw new Error('no granted child allowance');
    const member = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', decision.householdId)
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();
    const citizen = await signInCitizen(t.database.db, t.config, member.person_id);
    type Detail = {
      summary: { what: string; why: string; fix: string; facts: { text: string; report: string | null }[] };
      explanation: string;
      parameters: { unverified: boolean }[];
    };
    const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    const SOURCES: Record<string, RegExp> = {
      en: /according to the /,
      ru: /по данным /,
      'uz-Latn': /ma’lumotiga ko‘ra/,
      'uz-Cyrl': /маълумотига кўра/,
    };
    for (const lang of ['uz-Latn', 'uz-Cyrl', 'ru', 'en'] as const) {
      const staff = (
        await t.api({ method: 'GET', url: `/api/decisions/${decision.id}?lang=${lang}` })
      ).json<Detail>();
      const own = (
        await t.app.inject({
          method: 'GET',
          url: `/api/decisions/${decision.id}?lang=${lang}`,
          headers: citizen.headers,
        })
      ).json<Detail>();
      for (const detail of [staff, own]) {
        const { what, why, fix } = detail.summary;
        for (const text of [what, why, fix, detail.explanation]) {
          expect(text, lang).not.toMatch(UUID);
          expect(text, lang).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
          expect(text, lang).not.toMatch(/\b(social_registry|child_allowance|exclusion|common)\.[a-z_]+/);
          expect(text, lang).not.toMatch(/\b(true|false|boolean|count)\b/);
        }
        expect(why, lang).toMatch(SOURCES[lang] ?? /never/);
        expect(detail.summary.facts.length).toBeGreaterThan(0);
      }
      expect(own.summary.facts.some((f) => f.report?.startsWith('/citizen/household/report?fact='))).toBe(
        true,
      );
      // The citizen is never told a rule value is unverified; staff are, once per value.
      const word = {
        en: 'unverified',
        ru: 'не подтверждено',
        'uz-Latn': 'tasdiqlanmagan',
        'uz-Cyrl': 'тасдиқланмаган',
      }[lang];
      expect(own.explanation).not.toContain(word);
      expect(own.parameters.every((p) => !p.unverified)).toBe(true);
      const unverified = staff.parameters.filter((p) => p.unverified).length;
      expect(unverified).toBeGreaterThan(0);
      expect(staff.explanation.split(word).length - 1).toBe(unverified);
    }
  });

  it('an income change, re-evaluated incrementally, ends or changes the entitlement', async () => {
    const entitled = await t.database.db
      .selectFrom('entitlement')
      .select(['household_id', 'amount'])
      .where('programme', '=', 'social_registry')
      .where('to_month', 'is', null)
      .orderBy('household_id')
      .executeTakeFirstOrThrow();
    const householdId = entitled.household_id;
    const member = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', householdId)
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('income')
      .values({
        person_id: member.person_id,
        kind: 'wage',
        monthly_amount: 50_000_000,
        valid_from: '2025-06-01',
        valid_to: null,
        source: 'test',
      })
      .execute();
    const before = await decisionCount();
    const reply = await t.api({
      method: 'POST',
      url: `/api/households/${householdId}/evaluate`,
      payload: { month: MONTH },
    });
    expect(reply.statusCode).toBe(200);
    const summary = reply.json<{
      householdsEvaluated: number;
      decisionsWritten: number;
      byKind: Record<string, number>;
    }>();
    expect(summary.householdsEvaluated).toBe(1);
    expect(summary.decisionsWritten).toBeGreaterThan(0);
    expect((summary.byKind.ended ?? 0) + (summary.byKind.amount_changed ?? 0)).toBe(summary.decisionsWritten);
    expect(await decisionCount()).toBe(before + summary.decisionsWritten);

    const entitlements = await t.api({
      method: 'GET',
      url: `/api/households/${householdId}/entitlements`,
    });
    expect(entitlements.statusCode).toBe(200);
    const registry = entitlements
      .json<{ items: { programme: string; toMonth: string | null; category: string }[] }>()
      .items.find((e) => e.programme === 'social_registry');
    expect(registry).toMatchObject({ toMonth: '2026-02', category: 'none' });

    const ended = await t.api({
      method: 'GET',
      url: `/api/decisions?householdId=${householdId}&programme=social_registry`,
    });
    const kinds = ended.json<{ items: { kind: string; previousDecisionId: number | null }[] }>().items;
    expect(kinds.map((k) => k.kind)).toEqual(['ended', 'granted']);
    expect(kinds[0]?.previousDecisionId).not.toBeNull();

    // The same change evaluated again: nothing new.
    const again = await t.api({
      method: 'POST',
      url: `/api/households/${householdId}/evaluate`,
      payload: { month: MONTH },
    });
    expect(again.json()).toMatchObject({ decisionsWritten: 0 });
  });

  it('a household dissolved before the month: its entitlements end, explained', async () => {
    const entitled = await t.database.db
      .selectFrom('entitlement')
      .select('household_id')
      .where('to_month', 'is', null)
      .orderBy('household_id', 'desc')
      .executeTakeFirstOrThrow();
    const householdId = entitled.household_id;
    const active = await t.database.db
      .selectFrom('entitlement')
      .select('programme')
      .where('household_id', '=', householdId)
      .where('to_month', 'is', null)
      .execute();
    await t.database.db
      .updateTable('household')
      .set({ dissolved_on: '2026-02-20' })
      .where('id', '=', householdId)
      .execute();
    const summary = await evaluateMonth(t.database.db, MONTH, { trigger: 'manual' });
    expect(summary.decisionsWritten).toBe(active.length);
    expect(summary.byKind.ended).toBe(active.length);
    const list = await t.api({
      method: 'GET',
      url: `/api/decisions?householdId=${householdId}&kind=ended`,
    });
    const id = list.json<{ items: { id: number }[] }>().items[0]?.id;
    const detail = await t.api({ method: 'GET', url: `/api/decisions/${id}?lang=en` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      kind: 'ended',
      parameters: [],
      trace: { format: 'himoya.absent/1' },
    });
    expect(detail.json<{ explanation: string }>().explanation).toContain('1 March 2026');
    const again = await evaluateMonth(t.database.db, MONTH, { trigger: 'manual' });
    expect(again.decisionsWritten).toBe(0);
  });

  it('simulates MCE x1.2: households gain support and the month costs more', async () => {
    const reply = await t.api({
      method: 'POST',
      url: '/api/simulations',
      payload: { month: MONTH, changes: [{ parameter: 'common.mce', factor: 1.2 }] },
    });
    expect(reply.statusCode).toBe(200);
    const result = reply.json<{
      total: { gained: number; lost: number; costDifference: number; households: number };
      byDistrict: { district: string; households: number; costDifference: number }[];
      byCategory: { category: string; baselineHouseholds: number; scenarioHouseholds: number }[];
      changes: { parameter: string; value: number }[];
    }>();
    expect(result.total.gained).toBeGreaterThan(0);
    expect(result.total.costDifference).toBeGreaterThan(0);
    expect(result.byDistrict.reduce((a, d) => a + d.households, 0)).toBe(result.total.households);
    expect(result.byDistrict.reduce((a, d) => a + d.costDifference, 0)).toBe(result.total.costDifference);
    const none = result.byCategory.find((c) => c.category === 'none');
    expect(none && none.scenarioHouseholds < none.baselineHouseholds).toBe(true);
    const mce = defaultParameters().at('common.mce', '2026-03-01').value;
    expect(result.changes).toEqual([
      { parameter: 'common.mce', value: Math.round(mce * 1.2), from: '2026-03-01' },
    ]);

    // A new child amount by value: only child allowance costs change, and nobody loses.
    const child = await simulate(t.database.db, {
      month: MONTH,
      changes: [{ parameter: 'child_allowance.second_child_supplement', value: 300_000 }],
    });
    expect(child.total.lost).toBe(0);
    expect(child.total.costDifference).toBeGreaterThan(0);
    // The second scenario of the month reused the data the first one loaded, and says when it was read.
    expect(child.reusedLoadedData).toBe(true);
    expect(child.dataAsOf.toISOString()).toBe(
      new Date(reply.json<{ dataAsOf: string }>().dataAsOf).toISOString(),
    );
    const fresh = await simulate(t.database.db, {
      month: MONTH,
      changes: [{ parameter: 'child_allowance.second_child_supplement', value: 300_000 }],
      fresh: true,
    });
    expect(fresh.reusedLoadedData).toBe(false);
    expect(fresh.total).toEqual(child.total);
  });

  it('queues a month through the API as a durable job, once per month', async () => {
    await t.jobs.start({ work: true });
    const first = await t.api({
      method: 'POST',
      url: '/api/evaluations',
      payload: { month: '2026-04' },
    });
    expect(first.statusCode).toBe(202);
    const queued = first.json<{ runId: number; jobId: string | null }>();
    expect(queued.jobId).toBeTruthy();
    const second = await t.api({
      method: 'POST',
      url: '/api/evaluations',
      payload: { month: '2026-04' },
    });
    const run = second.json<{ runId: number; status: string }>();
    if (run.status !== 'finished') expect(run.runId).toBe(queued.runId);
    let status = '';
    for (let i = 0; i < 120 && status !== 'finished' && status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const reply = await t.api({ method: 'GET', url: `/api/evaluations/${queued.runId}` });
      status = reply.json<{ status: string }>().status;
    }
    expect(status).toBe('finished');
  }, 60_000);

  it('a run left open by a lost job does not block the month', async () => {
    const stale = await t.database.db
      .insertInto('evaluation_run')
      .values({ month: '2026-05', trigger: 'manual', status: 'running', job_id: randomUUID() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reply = await t.api({
      method: 'POST',
      url: '/api/evaluations',
      payload: { month: '2026-05' },
    });
    expect(reply.statusCode).toBe(202);
    expect(reply.json<{ runId: number }>().runId).not.toBe(Number(stale.id));
    const old = await t.api({ method: 'GET', url: `/api/evaluations/${stale.id}` });
    expect(old.json()).toMatchObject({ status: 'failed', error: 'job missing' });
  });

  describe('bad inputs get catalogue errors', () => {
    const cases: {
      name: string;
      method: 'GET' | 'POST';
      url: string;
      payload?: object;
      status: number;
      code: string;
    }[] = [
      {
        name: 'bad month',
        method: 'POST',
        url: '/api/evaluations',
        payload: { month: '2026-13' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'bad month filter',
        method: 'GET',
        url: '/api/decisions?month=March',
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'unknown decision',
        method: 'GET',
        url: '/api/decisions/99999999',
        status: 404,
        code: 'DECISION_NOT_FOUND',
      },
      {
        name: 'bad language',
        method: 'GET',
        url: '/api/decisions/1?lang=fr',
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'unknown run',
        method: 'GET',
        url: '/api/evaluations/99999999',
        status: 404,
        code: 'EVALUATION_NOT_FOUND',
      },
      {
        name: 'unknown household (evaluate)',
        method: 'POST',
        url: '/api/households/00000000-0000-4000-8000-000000000000/evaluate',
        payload: { month: MONTH },
        status: 404,
        code: 'HOUSEHOLD_NOT_FOUND',
      },
      {
        name: 'unknown household (entitlements)',
        method: 'GET',
        url: '/api/households/00000000-0000-4000-8000-000000000000/entitlements',
        status: 404,
        code: 'HOUSEHOLD_NOT_FOUND',
      },
      {
        name: 'unknown parameter',
        method: 'POST',
        url: '/api/simulations',
        payload: { month: MONTH, changes: [{ parameter: 'common.no_such_thing', factor: 1.2 }] },
        status: 422,
        code: 'SIMULATION_PARAMETER_UNKNOWN',
      },
      {
        name: 'value and factor together',
        method: 'POST',
        url: '/api/simulations',
        payload: { month: MONTH, changes: [{ parameter: 'common.mce', value: 1, factor: 1.2 }] },
        status: 422,
        code: 'SIMULATION_CHANGE_INVALID',
      },
      {
        name: 'factor on a switch',
        method: 'POST',
        url: '/api/simulations',
        payload: { month: MONTH, changes: [{ parameter: 'exclusion.dwellings_applies', factor: 2 }] },
        status: 422,
        code: 'SIMULATION_CHANGE_INVALID',
      },
      {
        name: 'simulation bad month',
        method: 'POST',
        url: '/api/simulations',
        payload: { month: '2026-3', changes: [{ parameter: 'common.mce', factor: 1.2 }] },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const reply = await t.api({
          method: c.method,
          url: c.url,
          ...(c.payload ? { payload: c.payload } : {}),
        });
        expect(reply.statusCode).toBe(c.status);
        expect(reply.json<ErrorReply>().error.code).toBe(c.code);
      });
    }
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

    /** The mahalla with the most decisions, a social worker bound to it, and a decision from elsewhere. */
    const setting = async () => {
      const db = t.database.db;
      const busiest = await db
        .selectFrom('decision')
        .innerJoin('household', 'household.id', 'decision.household_id')
        .select(['household.mahalla_code', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('household.mahalla_code')
        .orderBy('n', 'desc')
        .executeTakeFirstOrThrow();
      const mahalla = busiest.mahalla_code;
      const decisionIn = (inside: boolean) =>
        db
          .selectFrom('decision')
          .innerJoin('household', 'household.id', 'decision.household_id')
          .select(['decision.id', 'decision.household_id'])
          .where('household.mahalla_code', inside ? '=' : '!=', mahalla)
          .orderBy('decision.id')
          .executeTakeFirstOrThrow();
      const headers = await t.staff(`worker.${mahalla}`, [
        { role: 'social_worker', area: { kind: 'mahalla', code: mahalla }, organisation: 'Inson' },
      ]);
      return {
        mahalla,
        count: Number(busiest.n),
        own: await decisionIn(true),
        other: await decisionIn(false),
        headers,
      };
    };

    it('anonymous callers get 401 on lists, reads and writes', async () => {
      const { own } = await setting();
      onlyError(await t.api({ as: null, method: 'GET', url: '/api/decisions' }), 401, 'UNAUTHENTICATED');
      onlyError(
        await t.api({ as: null, method: 'GET', url: `/api/decisions/${own.id}` }),
        401,
        'UNAUTHENTICATED',
        [own.household_id],
      );
      onlyError(
        await t.api({
          as: null,
          method: 'POST',
          url: `/api/households/${own.household_id}/evaluate`,
          payload: { month: MONTH },
        }),
        401,
        'UNAUTHENTICATED',
      );
      onlyError(
        await t.api({
          as: null,
          method: 'POST',
          url: '/api/simulations',
          payload: { month: MONTH, changes: [{ parameter: 'common.mce', factor: 1.2 }] },
        }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it("a social worker lists only their mahalla's decisions, and its count", async () => {
      const { mahalla, count, other, headers } = await setting();
      const reply = await t.app.inject({ method: 'GET', url: '/api/decisions?pageSize=100', headers });
      expect(reply.statusCode).toBe(200);
      const page = reply.json<{ items: { householdId: string }[]; total: number }>();
      expect(page.total).toBe(count);
      expect(page.items.length).toBe(Math.min(count, 100));
      const inMahalla = await t.database.db
        .selectFrom('household')
        .select('id')
        .where('mahalla_code', '=', mahalla)
        .execute();
      const ids = new Set(inMahalla.map((h) => h.id));
      for (const item of page.items) expect(ids.has(item.householdId)).toBe(true);
      // Asking for a household elsewhere by filter finds nothing, not even a count.
      const elsewhere = await t.app.inject({
        method: 'GET',
        url: `/api/decisions?householdId=${other.household_id}`,
        headers,
      });
      expect(elsewhere.json()).toMatchObject({ items: [], total: 0 });
      // Staff over the whole region see more.
      const all = await t.api({ method: 'GET', url: '/api/decisions?pageSize=1' });
      expect(all.json<{ total: number }>().total).toBeGreaterThan(count);
    });

    it('a social worker reads a decision of their mahalla (audited), and gets 403 for one elsewhere', async () => {
      const { mahalla, own, other, headers } = await setting();
      const denied = await t.app.inject({
        method: 'GET',
        url: `/api/decisions/${other.id}?lang=en`,
        headers,
      });
      onlyError(denied, 403, 'FORBIDDEN', [other.household_id]);
      onlyError(
        await t.app.inject({
          method: 'GET',
          url: `/api/households/${other.household_id}/entitlements`,
          headers,
        }),
        403,
        'FORBIDDEN',
      );
      const missing = await t.app.inject({ method: 'GET', url: '/api/decisions/999999999', headers });
      expect(missing.statusCode).toBe(404);

      const read = await t.app.inject({ method: 'GET', url: `/api/decisions/${own.id}?lang=en`, headers });
      expect(read.statusCode).toBe(200);
      const entries = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'role', 'organisation', 'area', 'subject_household_ids', 'fields'])
        .where('resource_type', '=', 'decision')
        .where('resource_id', '=', String(own.id))
        .execute();
      expect(entries).toContainEqual({
        action: 'read',
        role: 'social_worker',
        organisation: 'Inson',
        area: `mahalla:${mahalla}`,
        subject_household_ids: [own.household_id],
        fields: ['decision', 'trace'],
      });
      // Nothing was recorded for the refused read.
      const refused = await t.database.db
        .selectFrom('audit_log')
        .select('seq')
        .where('resource_type', '=', 'decision')
        .where('resource_id', '=', String(other.id))
        .execute();
      expect(refused).toEqual([]);
    });

    it('a social worker may neither evaluate nor simulate (403)', async () => {
      const { own, headers } = await setting();
      onlyError(
        await t.app.inject({
          method: 'POST',
          url: `/api/households/${own.household_id}/evaluate`,
          payload: { month: MONTH },
          headers,
        }),
        403,
        'FORBIDDEN',
      );
      onlyError(
        await t.app.inject({ method: 'POST', url: '/api/evaluations', payload: { month: MONTH }, headers }),
        403,
        'FORBIDDEN',
      );
      onlyError(
        await t.app.inject({
          method: 'POST',
          url: '/api/simulations',
          payload: { month: MONTH, changes: [{ parameter: 'common.mce', factor: 1.2 }] },
          headers,
        }),
        403,
        'FORBIDDEN',
      );
    });

    it('a district officer re-evaluates households of their district only', async () => {
      const { own } = await setting();
      const place = await t.database.db
        .selectFrom('household')
        .select('district_code')
        .where('id', '=', own.household_id)
        .executeTakeFirstOrThrow();
      const otherDistrict = await t.database.db
        .selectFrom('district')
        .select('code')
        .where('region_code', '=', '1733')
        .where('code', '!=', place.district_code)
        .orderBy('code')
        .executeTakeFirstOrThrow();
      const grant = (code: string) => [
        {
          role: 'district_officer' as const,
          area: { kind: 'district' as const, code },
          organisation: 'Hokimiyat',
        },
      ];
      const outsider = await t.staff(`officer.${otherDistrict.code}`, grant(otherDistrict.code));
      onlyError(
        await t.app.inject({
          method: 'POST',
          url: `/api/households/${own.household_id}/evaluate`,
          payload: { month: MONTH },
          headers: outsider,
        }),
        403,
        'FORBIDDEN',
        [own.household_id],
      );
      const insider = await t.staff(`officer.${place.district_code}`, grant(place.district_code));
      const reply = await t.app.inject({
        method: 'POST',
        url: `/api/households/${own.household_id}/evaluate`,
        payload: { month: MONTH },
        headers: insider,
      });
      expect(reply.statusCode).toBe(200);
    });
  });
});
