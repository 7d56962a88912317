import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Database } from '../platform/db/database.ts';
import { parseMonth } from '../rules/dates.ts';
import type { PopulationColumns } from '../rules/population.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { loadPopulation } from './population.loader.ts';
import { refreshFacts } from './population-facts.repository.ts';

/**
 * The maintained facts (population_fact) against the registry itself: a seeded population loaded through
 * the facts (binary COPY) and derived directly (the incremental path's SQL over every household) must give
 * the same columns, before and after registry changes, which the facts only see through the households the
 * triggers marked stale.
 */

const MONTH = parseMonth('2026-08');
const CHANGED_ON = '2026-07-10';

/** Every column, the ids and the districts, as plain arrays (a failing comparison names the column). */
function plain(population: PopulationColumns) {
  return {
    month: population.month,
    personCount: population.personCount,
    householdCount: population.householdCount,
    districts: [...population.districts],
    householdIds: Array.from(population.householdIds ?? []),
    personIds: Array.from(population.personIds ?? []),
    person: Object.fromEntries(Object.entries(population.person).map(([k, v]) => [k, Array.from(v)])),
    household: Object.fromEntries(Object.entries(population.household).map(([k, v]) => [k, Array.from(v)])),
  };
}

async function one<R>(database: Database, text: string, values: unknown[] = []): Promise<R> {
  const { rows } = await database.query<R>(text, values);
  const [row] = rows;
  if (row === undefined) throw new Error(`No row: ${text}`);
  return row;
}

describe('population facts', () => {
  let test: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    test = await createTestDatabase();
    database = test.database;
    await seedPopulation(database, {
      households: 400,
      seed: 5,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-07-01',
    });
  }, 120_000);

  afterAll(async () => {
    await test?.cleanup();
  });

  it('loads the same columns as the direct derivation, and builds the month once', async () => {
    const facts = await loadPopulation(database.db, MONTH);
    const direct = await loadPopulation(database.db, MONTH, { source: 'registry' });
    expect(facts.householdCount).toBeGreaterThan(350);
    expect(plain(facts)).toEqual(plain(direct));
    // Already built and nothing changed since: neither rebuilt nor anything derived again.
    expect(await refreshFacts(database.db, MONTH)).toMatchObject({ built: false, rederived: 0 });
  });

  it('follows registry changes through the stale households only', async () => {
    const before = await loadPopulation(database.db, MONTH);
    // A member (not the head) of a household of three or more, who will move to another household.
    const mover = await one<{ person_id: string; household_id: string }>(
      database,
      `select m.person_id, m.household_id from membership m
       where m.relationship <> 'head' and m.valid_to is null
         and (select count(*) from membership o where o.household_id = m.household_id and o.valid_to is null) >= 3
       order by m.person_id limit 1`,
    );
    const target = await one<{ id: string }>(
      database,
      'select id from household where id <> $1 order by id limit 1',
      [mover.household_id],
    );
    // Three other people: one earns a new income, one dies, one is given a disability.
    const others = (
      await database.query<{ person_id: string }>(
        `select m.person_id from membership m
         where m.valid_to is null and m.household_id not in ($1, $2)
         order by m.person_id desc limit 3`,
        [mover.household_id, target.id],
      )
    ).rows.map((r) => r.person_id);
    const [earner, deceased, disabled] = others;
    if (earner === undefined || deceased === undefined || disabled === undefined) throw new Error('too few');

    await database.query(
      `insert into income (person_id, kind, monthly_amount, valid_from, source) values ($1, 'wage', 4100000, $2, 'test')`,
      [earner, '2026-06-01'],
    );
    await database.query('update person set death_date = $2 where id = $1', [deceased, CHANGED_ON]);
    await database.query(
      `insert into disability (person_id, disability_group, valid_from, source) values ($1, 'I', $2, 'test')`,
      [disabled, CHANGED_ON],
    );
    await database.query('update membership set valid_to = $2 where person_id = $1 and valid_to is null', [
      mover.person_id,
      CHANGED_ON,
    ]);
    await database.query(
      `insert into membership (household_id, person_id, relationship, valid_from, source)
       values ($1, $2, 'other', $3, 'test')`,
      [target.id, mover.person_id, CHANGED_ON],
    );

    const touched = await one<{ n: number }>(
      database,
      'select count(distinct household_id)::int as n from membership where person_id = any($1::uuid[])',
      [[earner, deceased, disabled, mover.person_id]],
    );
    const state = await refreshFacts(database.db, MONTH);
    // The households of the four people (the mover's two), no more: the rest of the month was not derived again.
    expect(touched.n).toBeGreaterThanOrEqual(3);
    expect(state).toEqual({ ...state, built: false, rederived: touched.n });

    const facts = await loadPopulation(database.db, MONTH);
    const direct = await loadPopulation(database.db, MONTH, { source: 'registry' });
    expect(plain(facts)).toEqual(plain(direct));

    // The changes are in the facts: the loads differ from the one before them where they should.
    const index = (p: PopulationColumns, id: string) => Array.from(p.personIds ?? []).indexOf(id);
    expect(index(facts, deceased)).toBe(-1);
    expect(index(before, deceased)).toBeGreaterThanOrEqual(0);
    expect(facts.person.disability[index(facts, disabled)]).toBe(1);
    expect(facts.person.income3m[index(facts, earner)]).toBeGreaterThan(
      before.person.income3m[index(before, earner)] ?? 0,
    );
    const moved = index(facts, mover.person_id);
    expect(facts.householdIds?.[facts.person.household[moved] ?? -1]).toBe(target.id);
  });

  it('is rebuilt in full after the registry is emptied', async () => {
    await loadPopulation(database.db, MONTH);
    await database.exec(
      'truncate person, household, membership, income, dwelling, vehicle, bank_deposit, disability cascade',
    );
    const { rows } = await database.query<{ n: number }>(
      'select count(*)::int as n from population_fact_month',
    );
    expect(rows[0]?.n).toBe(0);
    const empty = await loadPopulation(database.db, MONTH);
    expect(empty.householdCount).toBe(0);
  });
});
