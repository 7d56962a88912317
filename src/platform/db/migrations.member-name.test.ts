import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { seedPopulation } from '../../synthetic/seed.ts';
import { listMigrations } from './migrate.ts';

/** Migration 030: member_name is filled from the registry the migration finds, not only kept from then on. */
describe('migration 030: member_name', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.cleanup());

  it('fills the table from the people already registered, then keeps it', async () => {
    await seedPopulation(t.database, { households: 60, seed: 30, scope: 'khorezm', progress: false });
    // Back to the registry as migration 029 left it, with people in it; then the migration itself.
    await t.database.exec(`
      drop view member_name_source;
      drop table member_name;
      drop function member_name_membership_changed, member_name_person_changed, member_name_household_changed,
        member_name_forget, member_name_refresh_pairs, member_name_lock cascade;`);
    const migration = listMigrations().find((m) => m.version === 30);
    if (!migration) throw new Error('migration 030 missing');
    await t.database.exec(migration.sql);

    const differing = `(select * from member_name except all select * from member_name_source)
      union all (select * from member_name_source except all select * from member_name)`;
    const members = await t.database.query<{ n: number }>(
      'select count(*)::int as n from membership where valid_to is null',
    );
    const rows = await t.database.query<{ n: number }>('select count(*)::int as n from member_name');
    expect(rows.rows[0]?.n).toBe(members.rows[0]?.n);
    expect((await t.database.query(differing)).rows).toEqual([]);
    // And its triggers are in place: a member leaving is followed.
    await t.database.exec(
      `update membership set valid_to = valid_from + 1
        where id = (select min(id) from membership where valid_to is null and relationship <> 'head')`,
    );
    expect((await t.database.query(differing)).rows).toEqual([]);
    const after = await t.database.query<{ n: number }>('select count(*)::int as n from member_name');
    expect(after.rows[0]?.n).toBe((members.rows[0]?.n ?? 0) - 1);
  });
});
