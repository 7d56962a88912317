import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { DB } from '../platform/db/schema.ts';
import { EXCLUSION_BIT } from '../programs/exclusion-filters/variables.ts';
import { CATEGORY } from '../programs/social-registry/rules.ts';
import { dayOf, isoOfDay } from '../rules/dates.ts';
import { evaluate, explain } from '../rules/index.ts';
import { type HouseholdSituation, populationFromSituations } from '../rules/population.builder.ts';
import type { PopulationColumns } from '../rules/population.ts';
import { loadPopulation } from './population.loader.ts';

/**
 * The loader against a real registry: the situations below are written into the registry tables (with
 * extra rows the loader must ignore: an expired disability, superseded and future bank statements, a
 * merged duplicate, a household that does not exist yet), loaded back for a month, and compared column by
 * column with `populationFromSituations` on the same situations; then evaluated.
 */

const HEAD_START = '2026-01-05';

const SITUATIONS: HouseholdSituation[] = [
  {
    id: 'h1',
    district: '1733217',
    residentialDwellings: 1,
    nonResidentialProperties: 1,
    members: [
      {
        id: 'h1-head',
        role: 'head',
        sex: 'M',
        birthDate: '1980-01-01',
        employment: 'employed_formal',
        sector: 'private',
        formalEmploymentStart: HEAD_START,
        incomes: [{ monthly: 3_000_000, from: HEAD_START }],
        vehicles: [2019, 2005],
      },
      {
        id: 'h1-spouse',
        role: 'spouse',
        sex: 'F',
        birthDate: '1982-01-01',
        employment: 'homemaker',
        deposits: 2_500_000,
      },
      { id: 'h1-child', role: 'child', sex: 'F', birthDate: '2023-04-15' },
      {
        id: 'h1-grandmother',
        role: 'other',
        sex: 'F',
        birthDate: '1950-06-01',
        employment: 'retired',
        disability: 'II',
        incomes: [{ monthly: 900_000, from: '2015-01-01' }],
      },
      {
        id: 'h1-grandfather',
        role: 'other',
        sex: 'M',
        birthDate: '1948-01-01',
        deathDate: '2026-02-10',
        employment: 'retired',
        incomes: [{ monthly: 1_500_000, from: '2010-01-01' }],
      },
    ],
  },
  {
    id: 'h3',
    district: '1733217',
    members: [
      {
        id: 'mover',
        role: 'head',
        sex: 'M',
        birthDate: '1975-01-01',
        employment: 'self_employed',
        incomes: [{ monthly: 800_000, from: '2020-01-01' }],
        memberTo: '2026-03-10',
      },
      {
        id: 'h3-wife',
        role: 'spouse',
        sex: 'F',
        birthDate: '1977-01-01',
        employment: 'unemployed',
        incomes: [{ monthly: 1_200_000, from: '2026-02-15', to: '2026-03-20' }],
      },
    ],
  },
  {
    id: 'h2',
    district: '1733401',
    members: [
      {
        id: 'mover',
        role: 'head',
        sex: 'M',
        birthDate: '1975-01-01',
        employment: 'self_employed',
        incomes: [{ monthly: 800_000, from: '2020-01-01' }],
        memberFrom: '2026-03-10',
      },
    ],
  },
  {
    id: 'h4',
    district: '1733401',
    members: [{ id: 'h4-head', role: 'head', sex: 'F', birthDate: '1999-09-09', memberFrom: '2026-05-01' }],
  },
];

/** Writes the situations into the registry tables; returns registry ids by situation id. */
async function insertSituations(db: Kysely<DB>, situations: readonly HouseholdSituation[]) {
  const ids = new Map<string, string>();
  const idOf = (key: string) => {
    let id = ids.get(key);
    if (!id) {
      id = randomUUID();
      ids.set(key, id);
    }
    return id;
  };
  const mahallaOf = async (district: string) =>
    (
      await db
        .selectFrom('mahalla')
        .select('code')
        .where('district_code', '=', district)
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).code;
  const insertedPersons = new Set<string>();
  let serial = 0;
  for (const h of situations) {
    const district = h.district ?? '1733217';
    const householdId = idOf(h.id);
    const from = h.members.map((m) => m.memberFrom ?? '2000-01-01').sort()[0] ?? '2000-01-01';
    await db
      .insertInto('household')
      .values({
        id: householdId,
        district_code: district,
        mahalla_code: await mahallaOf(district),
        address: `${h.id} ko'chasi, 1-uy`,
        created_on: from,
        source: 'test',
      })
      .execute();
    for (let d = 0; d < (h.residentialDwellings ?? 1); d++) {
      serial++;
      await db
        .insertInto('dwelling')
        .values({
          household_id: householdId,
          cadastre_number: `T-${serial}`,
          kind: 'residential',
          area_m2: 80,
          source: 'test',
        })
        .execute();
    }
    for (let d = 0; d < (h.nonResidentialProperties ?? 0); d++) {
      serial++;
      await db
        .insertInto('dwelling')
        .values({
          household_id: householdId,
          cadastre_number: `T-${serial}`,
          kind: 'non_residential',
          area_m2: 30,
          source: 'test',
        })
        .execute();
    }
    for (const m of h.members) {
      const personId = idOf(m.id);
      if (!insertedPersons.has(m.id)) {
        insertedPersons.add(m.id);
        await db
          .insertInto('person')
          .values({
            id: personId,
            pinfl: null,
            last_name: 'Test',
            first_name: m.id,
            name_key: `test ${m.id}`,
            sex: m.sex,
            birth_date: m.birthDate,
            death_date: m.deathDate ?? null,
            employment: m.employment ?? 'none',
            employment_sector: m.sector ?? null,
            source: 'test',
          })
          .execute();
        for (const income of m.incomes ?? []) {
          await db
            .insertInto('income')
            .values({
              person_id: personId,
              kind: m.employment === 'employed_formal' ? 'wage' : 'other',
              monthly_amount: income.monthly,
              valid_from: income.from ?? '2000-01-01',
              valid_to: income.to ?? null,
              source: 'test',
            })
            .execute();
        }
        for (const year of m.vehicles ?? []) {
          serial++;
          await db
            .insertInto('vehicle')
            .values({
              owner_person_id: personId,
              plate: `90 T ${serial}`,
              make: 'Chevrolet',
              model_year: year,
              source: 'test',
            })
            .execute();
        }
        if (m.disability) {
          await db
            .insertInto('disability')
            .values([
              {
                person_id: personId,
                disability_group: m.disability,
                valid_from: '2020-01-01',
                valid_to: null,
                source: 'test',
              },
              // Expired: must not count.
              {
                person_id: personId,
                disability_group: 'I',
                valid_from: '2010-01-01',
                valid_to: '2015-01-01',
                source: 'test',
              },
            ])
            .execute();
        }
        if (m.deposits) {
          await db
            .insertInto('bank_deposit')
            .values([
              // Superseded by the later statement, and one after the first day of April: neither counts.
              { person_id: personId, balance: 1_000_000, as_of: '2026-01-31', source: 'test' },
              { person_id: personId, balance: m.deposits - 500_000, as_of: '2026-02-28', source: 'test' },
              { person_id: personId, balance: 500_000, as_of: '2026-02-28', source: 'test' },
              { person_id: personId, balance: 9_000_000, as_of: '2026-04-15', source: 'test' },
            ])
            .execute();
        }
      }
      await db
        .insertInto('membership')
        .values({
          household_id: householdId,
          person_id: personId,
          relationship: m.role === 'other' ? 'parent' : (m.role ?? 'other'),
          valid_from: m.memberFrom ?? '2000-01-01',
          valid_to: m.memberTo ?? null,
          source: 'test',
        })
        .execute();
    }
  }
  // A merged duplicate of the spouse with a membership of its own: the loader must leave it out.
  const duplicate = randomUUID();
  await db
    .insertInto('person')
    .values({
      id: duplicate,
      pinfl: null,
      last_name: 'Test',
      first_name: 'duplicate',
      name_key: 'test duplicate',
      sex: 'F',
      birth_date: '1982-01-01',
      merged_into: idOf('h1-spouse'),
      source: 'test',
    })
    .execute();
  await db
    .insertInto('membership')
    .values({
      household_id: idOf('h1'),
      person_id: duplicate,
      relationship: 'other',
      valid_from: '2000-01-01',
      source: 'test',
    })
    .execute();
  return ids;
}

/** Columns keyed by situation ids, so that loader and builder can be compared whatever their row order. */
function byId(population: PopulationColumns, names: ReadonlyMap<string, string>) {
  const nameOf = new Map([...names].map(([k, v]) => [v, k]));
  const persons: Record<string, Record<string, number | string>> = {};
  Array.from(population.personIds ?? []).forEach((id, i) => {
    const key = nameOf.get(id) ?? id;
    const row: Record<string, number | string> = {};
    for (const [column, values] of Object.entries(population.person)) {
      row[column] =
        column === 'household' ? (population.householdIds?.[values[i] ?? -1] ?? '') : (values[i] ?? NaN);
    }
    row.household = nameOf.get(String(row.household)) ?? String(row.household);
    persons[key] = row;
  });
  const households: Record<string, Record<string, number | string>> = {};
  population.householdIds?.forEach((id, h) => {
    const row: Record<string, number | string> = {};
    for (const [column, values] of Object.entries(population.household)) row[column] = values[h] ?? NaN;
    row.district = population.districts[population.household.district[h] ?? -1] ?? '';
    households[nameOf.get(id) ?? id] = row;
  });
  return { persons, households };
}

describe('loadPopulation', () => {
  let t: TestDatabase;
  let ids: Map<string, string>;

  beforeAll(async () => {
    t = await createTestDatabase();
    ids = await insertSituations(t.database.db, SITUATIONS);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  for (const month of ['2026-03', '2026-04']) {
    it(`loads the same columns as the situation builder for ${month}`, async () => {
      const loaded = await loadPopulation(t.database.db, month);
      const built = populationFromSituations(SITUATIONS, month);
      expect(loaded.month).toBe(month);
      const fromRegistry = byId(loaded, ids);
      const fromSituations = byId(built, new Map([...ids].map(([k]) => [k, k])));
      expect(Object.keys(fromRegistry.persons).sort()).toEqual(Object.keys(fromSituations.persons).sort());
      expect(Object.keys(fromRegistry.persons)).toHaveLength(loaded.personCount);
      expect(fromRegistry).toEqual(fromSituations);
    });
  }

  it('leaves out the dead, the merged, the moved-away and the not-yet-members', async () => {
    const april = await loadPopulation(t.database.db, '2026-04');
    const members = new Set(april.personIds);
    expect(members.has(ids.get('h1-grandfather') ?? '')).toBe(false);
    expect(april.personCount).toBe(4 + 1 + 1);
    expect(april.householdIds?.includes(ids.get('h4') ?? '')).toBe(false);
    const march = await loadPopulation(t.database.db, '2026-03');
    expect(march.householdIds?.includes(ids.get('h2') ?? '')).toBe(false);
    expect(march.personCount).toBe(4 + 2);
  });

  it('loads only the households asked for (incremental path)', async () => {
    const one = await loadPopulation(t.database.db, '2026-04', { householdIds: [ids.get('h3') ?? ''] });
    expect(one.householdIds).toEqual([ids.get('h3')]);
    expect(one.personIds).toEqual([ids.get('h3-wife')]);
    const full = await loadPopulation(t.database.db, '2026-04');
    const h3 = full.householdIds?.indexOf(ids.get('h3') ?? '') ?? -1;
    expect(evaluate(one, '2026-04').values.get('social_registry.category')?.[0]).toBe(
      evaluate(full, '2026-04').values.get('social_registry.category')?.[h3],
    );
    const none = await loadPopulation(t.database.db, '2026-04', { householdIds: [] });
    expect(none.householdCount).toBe(0);
    expect(evaluate(none, '2026-04').householdCount).toBe(0);
  });

  it('evaluates the loaded registry', async () => {
    const april = await loadPopulation(t.database.db, '2026-04');
    const result = evaluate(april, '2026-04');
    const at = (key: string) => april.householdIds?.indexOf(ids.get(key) ?? '') ?? -1;
    const category = result.values.get('social_registry.category');
    const reasons = result.values.get('exclusion.reasons');
    const h1 = at('h1');
    expect(reasons?.[h1]).toBe(
      EXCLUSION_BIT.non_residential_property | EXCLUSION_BIT.recent_car | EXCLUSION_BIT.several_cars,
    );
    expect(category?.[h1]).toBe(CATEGORY.none);
    // The wife who stayed: 14 of 28 February days and 19 of 31 March days of 1,200,000.
    const h3 = at('h3');
    const wifeIndex = april.personIds?.indexOf(ids.get('h3-wife') ?? '') ?? -1;
    expect(april.person.income3m[wifeIndex]).toBe(Math.round(600_000 + (1_200_000 * 19) / 31));
    expect(category?.[h3]).toBe(CATEGORY.poor);
    // The man who moved counts in his new district's household from April.
    const h2 = at('h2');
    expect(april.districts[april.household.district[h2] ?? -1]).toBe('1733401');
    expect(category?.[h2]).toBe(CATEGORY.borderline);
    expect(result.values.get('material_assistance.amount')?.[h2]).toBe(285_000);
    expect(april.person.formalEmploymentStart[april.personIds?.indexOf(ids.get('h1-head') ?? '') ?? -1]).toBe(
      dayOf(HEAD_START),
    );

    const trace = explain(april, h1, '2026-04');
    expect(trace.household.id).toBe(ids.get('h1'));
    expect(trace.members.map((m) => m.id)).toContain(ids.get('h1-spouse'));
    expect(isoOfDay(dayOf(trace.referenceDate))).toBe('2026-04-01');
  });
});
