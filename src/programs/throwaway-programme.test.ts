import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { evaluateMonth, getDecision } from '../decisions/decision.service.ts';
import { declareProgrammes } from '../decisions/programme.repository.ts';
import { renderTemplate } from '../notifications/templates.ts';
import { householdArray } from '../rules/engine.ts';
import { parameterFile } from '../rules/parameters.ts';
import { defineVariable, type Programme } from '../rules/variables.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { listProgrammes, programmeIds, programmeLabels, programmesFor } from './catalogue.ts';
import { defineProgramme } from './description.ts';
import { buildRegistry, MODULES, type ProgrammeModule } from './index.ts';
import { BENEFIT_SHARE } from './social-registry/variables.ts';

/**
 * Acceptance test of the programme registry: a throw-away programme, written as a folder would write it
 * (a web-safe description, a rule, a parameter file) and added to the registry by one line, is evaluated,
 * decided, explained, notified and listed, with no edit anywhere else.
 */

// --- what src/programs/winter-fuel/describe.ts would hold ---------------------------------------------
const WINTER_FUEL_DESCRIPTION = defineProgramme({
  id: 'winter_fuel',
  label: {
    'uz-Latn': 'Qishki yoqilg‘i yordami',
    'uz-Cyrl': 'Қишки ёқилғи ёрдами',
    ru: 'Помощь на зимнее топливо',
    en: 'Winter fuel help',
  },
  notificationName: {
    'uz-Latn': 'Qishki yoqilg‘i yordami',
    'uz-Cyrl': 'Қишки ёқилғи ёрдами',
    ru: 'Помощь на зимнее топливо',
    en: 'Winter fuel help',
  },
  outcome: { kind: 'amount', amount: 'winter_fuel.amount' },
  channels: { applications: true, overrides: false, intake: false },
  payment: { schedule: 'monthly' },
  notifications: {
    'offer.granted': {
      body: {
        'uz-Latn': '{programme}: {month} oyidan har oy {amount}. Batafsil: {link}',
        'uz-Cyrl': '{programme}: {month} ойидан ҳар ой {amount}. Батафсил: {link}',
        ru: '{programme}: {amount} ежемесячно с {month}. Подробнее: {link}',
        en: '{programme}: {amount} a month from {month}, to keep your home warm. Details: {link}',
      },
    },
  },
});

// --- what src/programs/winter-fuel/parameters.json and parameters.ts would hold -----------------------
const WINTER_FUEL_PARAMETERS = parameterFile('winter_fuel', {
  parameters: {
    monthly_amount: {
      label: {
        'uz-Latn': 'Yoqilg‘i yordami miqdori',
        ru: 'Размер помощи на топливо',
        en: 'Fuel help amount',
      },
      description: 'A test programme: a fixed monthly amount for every low-income family.',
      unit: 'som',
      values: [
        {
          from: '2021-01-01',
          value: 150000,
          reference: {
            act: { 'uz-Latn': 'Sinov hujjati', ru: 'Тестовый акт', en: 'A test act' },
            source: 'the throw-away programme test',
          },
        },
      ],
    },
  },
});

// --- what src/programs/winter-fuel/variables.ts and index.ts would hold -------------------------------
const WINTER_FUEL_AMOUNT = defineVariable({
  name: 'winter_fuel.amount',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'Qishki yoqilg‘i yordami (oyiga)',
    ru: 'Помощь на зимнее топливо (в месяц)',
    en: 'Winter fuel help (per month)',
  },
  description: 'The monthly amount for families with a benefit share (low-income), 0 otherwise.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const share = ctx.get(BENEFIT_SHARE);
        const amount = ctx.param(WINTER_FUEL_PARAMETERS.names.monthly_amount);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = (share[h] ?? 0) > 0 ? amount : 0;
        return out;
      },
      scalar: (ctx) =>
        ctx.get(BENEFIT_SHARE) > 0 ? ctx.param(WINTER_FUEL_PARAMETERS.names.monthly_amount) : 0,
    },
  ],
});

const WINTER_FUEL_RULES: Programme = {
  id: WINTER_FUEL_DESCRIPTION.id,
  label: { 'uz-Latn': 'Qishki yoqilg‘i yordami', ru: 'Помощь на зимнее топливо', en: 'Winter fuel help' },
  outputs: [WINTER_FUEL_AMOUNT],
  variables: [WINTER_FUEL_AMOUNT],
};

const WINTER_FUEL_MODULE: ProgrammeModule = {
  rules: WINTER_FUEL_RULES,
  parameters: WINTER_FUEL_PARAMETERS,
  description: WINTER_FUEL_DESCRIPTION,
};

// --- the one line a new programme adds to the registry -------------------------------------------------
const REGISTRY = buildRegistry([...MODULES, WINTER_FUEL_MODULE]);
const CATALOGUE = REGISTRY.decided;

const MONTH = '2026-03';

describe('a throw-away programme added by its own folder', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 120,
      seed: 7,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    // What the application does at start with its registry.
    await declareProgrammes(t.database.db, CATALOGUE);
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('is evaluated and decided: decisions and entitlements with a trace, counted in the run', async () => {
    const summary = await evaluateMonth(t.database.db, MONTH, { trigger: 'manual', registry: REGISTRY });
    expect(summary.byProgramme.winter_fuel).toBeGreaterThan(0);
    const rows = await t.database.db
      .selectFrom('decision')
      .innerJoin('decision_trace', 'decision_trace.id', 'decision.trace_id')
      .select(['decision.id', 'decision.kind', 'decision.amount_after', 'decision_trace.trace'])
      .where('decision.programme', '=', 'winter_fuel')
      .execute();
    expect(rows).toHaveLength(summary.byProgramme.winter_fuel ?? -1);
    expect(rows.every((r) => r.kind === 'granted' && Number(r.amount_after) === 150_000)).toBe(true);
    const entitlements = await t.database.db
      .selectFrom('entitlement')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('programme', '=', 'winter_fuel')
      .executeTakeFirstOrThrow();
    expect(Number(entitlements.n)).toBe(rows.length);
  });

  it('is explained in plain language, with its own variable and parameter', async () => {
    const decision = await t.database.db
      .selectFrom('decision')
      .select('id')
      .where('programme', '=', 'winter_fuel')
      .executeTakeFirstOrThrow();
    const detail = await getDecision(t.database.db, Number(decision.id), 'en', { registry: REGISTRY });
    expect(detail.programme).toBe('winter_fuel');
    expect(detail.explanation).toContain('Winter fuel help (per month)');
    expect(detail.parameters.map((p) => p.name)).toContain('winter_fuel.monthly_amount');
    const russian = await getDecision(t.database.db, Number(decision.id), 'ru', { registry: REGISTRY });
    expect(russian.explanation).toContain('Помощь на зимнее топливо (в месяц)');
  });

  it('is notified with its own wording, and named in the shared messages', () => {
    const params = { programme: 'winter_fuel', amount: 150_000, month: MONTH, link: '/offers/1' };
    expect(renderTemplate('offer.granted', params, 'en', CATALOGUE)).toBe(
      'Winter fuel help: 150,000 so\u2018m a month from March 2026, to keep your home warm. Details: /offers/1',
    );
    expect(renderTemplate('offer.granted', params, 'uz-Cyrl', CATALOGUE)).toContain('Қишки ёқилғи ёрдами:');
    expect(renderTemplate('entitlement.ended', params, 'ru', CATALOGUE)).toContain(
      '«Помощь на зимнее топливо» прекращена',
    );
  });

  it('is listed: by GET /api/programmes, in the zod enums and on the portal', () => {
    const listed = listProgrammes('uz-Cyrl', CATALOGUE).find((p) => p.id === 'winter_fuel');
    expect(listed).toEqual({
      id: 'winter_fuel',
      label: 'Қишки ёқилғи ёрдами',
      outcome: 'amount',
      channels: { applications: true, overrides: false, intake: false },
      payment: { schedule: 'monthly' },
    });
    expect(programmeIds('applications', CATALOGUE)).toContain('winter_fuel');
    expect(programmeIds('overrides', CATALOGUE)).not.toContain('winter_fuel');
    // The portal's apply page lists programmesFor('applications'); its labels are programmeLabels(language).
    expect(programmesFor('applications', CATALOGUE).map((p) => p.id)).toContain('winter_fuel');
    expect(programmeLabels('en', CATALOGUE).winter_fuel).toBe('Winter fuel help');
  });
});
