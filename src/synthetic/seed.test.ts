import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Database } from '../platform/db/database.ts';
import { checkPinflAgainst } from '../registry/pinfl.ts';
import { buildTerritory } from '../territory/territory.builder.ts';
import { type SeedReport, seedPopulation } from './seed.ts';

const HOUSEHOLDS = 1500;
const REFERENCE_DATE = '2026-07-01';

async function rows<R>(database: Database, text: string, values: unknown[] = []): Promise<R[]> {
  return (await database.query<R>(text, values)).rows;
}

async function count(database: Database, text: string): Promise<number> {
  const [row] = await rows<{ n: number }>(database, `select count(*)::int as n from (${text}) as q`);
  return row?.n ?? -1;
}

/**
 * Constraints and indexes of the registry tables (and of member_name, filled after the load), and whether
 * each trigger is on, to check that bulk loading put them all back.
 */
async function schemaShape(database: Database): Promise<string[]> {
  const result = await rows<{ line: string }>(
    database,
    `select c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) as line
       from pg_constraint c
      where c.conrelid::regclass::text in ('person', 'household', 'membership', 'income', 'dwelling', 'vehicle',
                                           'bank_deposit', 'disability', 'person_history', 'duplicate_candidate')
     union all
     select pg_get_indexdef(i.indexrelid) from pg_index i
      where i.indrelid::regclass::text in ('person', 'household', 'membership', 'income', 'dwelling', 'vehicle',
                                           'bank_deposit', 'disability', 'member_name')
     union all
     select tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text from pg_trigger
      where not tgisinternal and tgrelid::regclass::text in ('person', 'household', 'membership')`,
  );
  return result.map((r) => r.line).sort();
}

describe('seedPopulation', () => {
  let test: TestDatabase;
  let database: Database;
  let report: SeedReport;
  let shapeBefore: string[];

  beforeAll(async () => {
    test = await createTestDatabase();
    database = test.database;
    shapeBefore = await schemaShape(database);
    report = await seedPopulation(database, {
      households: HOUSEHOLDS,
      seed: 11,
      scope: 'khorezm',
      progress: false,
      referenceDate: REFERENCE_DATE,
    });
  });

  afterAll(async () => {
    await test?.cleanup();
  });

  it('reports what it loaded and records the run', async () => {
    expect(report.households).toBe(HOUSEHOLDS);
    expect(report.database).toBe(database.kind);
    for (const [table, n] of Object.entries(report.rows)) {
      expect(await count(database, `select 1 from ${table}`)).toBe(n);
    }
    expect(report.rows.person).toBe(report.persons);
    expect(report.persons / HOUSEHOLDS).toBeGreaterThan(4);
    expect(report.rowsPerSecond).toBeGreaterThan(0);
    const [run] = await rows<{ seed: number; households: number; persons: number; reference_date: string }>(
      database,
      'select seed, households, persons, reference_date from seed_run',
    );
    expect(run).toEqual({
      seed: 11,
      households: HOUSEHOLDS,
      persons: report.persons,
      reference_date: REFERENCE_DATE,
    });
  });

  it('puts every constraint and index back after the bulk load', async () => {
    expect(await schemaShape(database)).toEqual(shapeBefore);
    expect(shapeBefore.some((line) => line.includes('membership_one_household_at_a_time'))).toBe(true);
    expect(shapeBefore.some((line) => line.includes('membership_person_id_fkey'))).toBe(true);
  });

  it('fills member_name after the load, its triggers on again', async () => {
    const sourceRows = 'select mahalla_code, search_name, household_id, person_id from member_name_source';
    const tableRows = 'select mahalla_code, search_name, household_id, person_id from member_name';
    expect(await count(database, tableRows)).toBeGreaterThan(HOUSEHOLDS);
    expect(await count(database, `(${tableRows}) except all (${sourceRows})`)).toBe(0);
    expect(await count(database, `(${sourceRows}) except all (${tableRows})`)).toBe(0);
    expect(shapeBefore.filter((line) => line.includes('member_name_insert'))).toEqual([
      'membership member_name_insert O',
    ]);
  });

  it('gives every household exactly one head and nobody two households', async () => {
    expect(
      await count(
        database,
        `select h.id from household h left join membership m on m.household_id = h.id and m.relationship = 'head'
          group by h.id having count(m.id) <> 1`,
      ),
    ).toBe(0);
    expect(
      await count(database, 'select person_id from membership group by person_id having count(*) > 1'),
    ).toBe(0);
    expect(
      await count(
        database,
        'select p.id from person p left join membership m on m.person_id = p.id where m.id is null',
      ),
    ).toBe(0);
  });

  it('stores PINFLs that agree with birth date and sex', async () => {
    const people = await rows<{ pinfl: string | null; birth_date: string; sex: 'M' | 'F' }>(
      database,
      'select pinfl, birth_date, sex from person',
    );
    const withPinfl = people.filter((p) => p.pinfl !== null);
    expect(withPinfl.length / people.length).toBeGreaterThan(0.985);
    const wrong = withPinfl.filter(
      (p) => !checkPinflAgainst(p.pinfl ?? '', { birthDate: p.birth_date, sex: p.sex }).ok,
    );
    expect(wrong).toEqual([]);
  });

  it('spreads households like the population and makes rural households larger than city ones', async () => {
    const territory = buildTerritory('khorezm');
    const total = territory.districts.reduce((a, d) => a + d.population, 0);
    const shares = await rows<{ district_code: string; n: number }>(
      database,
      'select district_code, count(*)::int as n from household group by district_code',
    );
    expect(shares).toHaveLength(territory.districts.length);
    for (const share of shares) {
      const district = territory.districts.find((d) => d.code === share.district_code);
      expect(Math.abs(share.n / HOUSEHOLDS - (district?.population ?? 0) / total)).toBeLessThan(0.005);
    }
    const sizes = await rows<{ kind: string; mean: number }>(
      database,
      `select d.kind, avg(s.n)::float8 as mean
         from (select household_id, count(*) as n from membership group by household_id) s
         join household h on h.id = s.household_id join district d on d.code = h.district_code
        group by d.kind`,
    );
    const mean = (kind: string) => sizes.find((s) => s.kind === kind)?.mean ?? 0;
    expect(mean('district')).toBeGreaterThan(mean('city'));
    expect(mean('district')).toBeGreaterThan(4.3);
    expect(mean('city')).toBeLessThan(4.4);
  });

  it('has about 3% disability and a plausible share of youth', async () => {
    const [shares] = await rows<{ disabled: number; youth: number }>(
      database,
      `select (select count(distinct person_id) from disability)::float8 / count(*) as disabled,
              count(*) filter (where birth_date > $1::date - interval '31 years' and birth_date <= $1::date - interval '14 years')::float8
                / count(*) as youth
         from person`,
      [REFERENCE_DATE],
    );
    expect(shares?.disabled).toBeGreaterThan(0.02);
    expect(shares?.disabled).toBeLessThan(0.045);
    expect(shares?.youth).toBeGreaterThan(0.2);
    expect(shares?.youth).toBeLessThan(0.36);
  });

  it('leaves planted duplicates for the review queue: same name key, birth date and mahalla, no PINFL', async () => {
    const pairs = await rows<{ a: string; b: string; spelled_a: string; spelled_b: string }>(
      database,
      `select a.id as a, b.id as b, concat_ws(' ', a.last_name, a.first_name, a.patronymic) as spelled_a,
              concat_ws(' ', b.last_name, b.first_name, b.patronymic) as spelled_b
         from person a
         join person b on b.name_key = a.name_key and b.birth_date = a.birth_date and b.id > a.id
         join membership ma on ma.person_id = a.id join household ha on ha.id = ma.household_id
         join membership mb on mb.person_id = b.id join household hb on hb.id = mb.household_id
        where a.pinfl is null and b.pinfl is null and ha.mahalla_code = hb.mahalla_code and ha.id <> hb.id`,
    );
    expect(pairs.length).toBeGreaterThan(0);
    // Spelled another way: another script, or without the apostrophes.
    for (const pair of pairs) expect(pair.spelled_a).not.toBe(pair.spelled_b);
  });

  it('refuses to seed into a registry that already has people', async () => {
    await expect(
      seedPopulation(database, { households: 10, seed: 1, scope: 'khorezm', progress: false }),
    ).rejects.toThrow(/empty registry/);
    expect(await count(database, 'select 1 from household')).toBe(HOUSEHOLDS);
  });
});

describe('seedPopulation when loading fails', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase();
  });

  afterAll(async () => {
    await test?.cleanup();
  });

  it('leaves an empty registry with every constraint back', async () => {
    const { database } = test;
    const before = await schemaShape(database);
    // A trigger that rejects one household in the middle of the COPY stream.
    await database.exec(`
      create function seed_test_reject() returns trigger language plpgsql as $$
      begin
        if new.mahalla_code like '1733230%' then raise exception 'rejected by test trigger'; end if;
        return new;
      end $$;
      create trigger seed_test_reject before insert on household for each row execute function seed_test_reject();`);
    try {
      await expect(
        seedPopulation(database, { households: 800, seed: 5, scope: 'khorezm', progress: false }),
      ).rejects.toThrow(/rejected by test trigger/);
    } finally {
      await database.exec('drop trigger seed_test_reject on household; drop function seed_test_reject();');
    }
    expect(await schemaShape(database)).toEqual(before);
    for (const table of ['household', 'person', 'membership', 'income', 'dwelling', 'vehicle']) {
      expect(await count(database, `select 1 from ${table}`)).toBe(0);
    }
    // And the registry can be seeded afterwards.
    const report = await seedPopulation(database, {
      households: 50,
      seed: 5,
      scope: 'khorezm',
      progress: false,
    });
    expect(await count(database, 'select 1 from household')).toBe(report.households);
  });
});
