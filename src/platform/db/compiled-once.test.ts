import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { compiledOnce } from './compiled-once.ts';
import type { DB } from './schema.ts';

describe('statements compiled once per database handle', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ territory: true });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('builds once, then answers each call with its own arguments', async () => {
    let builds = 0;
    const districtsOf = compiledOnce((db: Kysely<DB>, region: string, after: string) => {
      builds += 1;
      return db
        .selectFrom('district')
        .select('code')
        .where('region_code', '=', region)
        .where('code', '>', after)
        .orderBy('code');
    });
    const { db } = t.database;
    const all = await db.selectFrom('district').select('code').orderBy('code').execute();
    expect(all.length).toBeGreaterThan(2);
    const region = (await db.selectFrom('district').select('region_code').executeTakeFirstOrThrow())
      .region_code;
    const first = await districtsOf(db, region, '');
    const fromSecond = await districtsOf(db, region, first.rows[0]?.code ?? '');
    const none = await districtsOf(db, 'no such region', '');
    expect(first.rows.length).toBeGreaterThan(1);
    expect(fromSecond.rows).toEqual(first.rows.slice(1));
    expect(none.rows).toEqual([]);
    expect(builds).toBe(1);
  });

  it('refuses a statement that leaves an argument out (its value would be silently ignored)', async () => {
    const careless = compiledOnce((db: Kysely<DB>, _region: string) =>
      db.selectFrom('district').select('code'),
    );
    await expect(careless(t.database.db, 'x')).rejects.toThrow(/every argument/);
  });
});
