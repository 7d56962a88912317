import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { parseMonth } from '../rules/index.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { populationSnapshot, SNAPSHOT_TTL_MS } from './population-snapshots.ts';

describe('population snapshots for simulations', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedPopulation(t.database, {
      households: 5,
      seed: 11,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('reuses a loaded month within its time to live, then reads the registry again', async () => {
    const month = parseMonth('2026-03');
    let clock = 1_000_000;
    const now = () => clock;
    const first = await populationSnapshot(t.database.db, month, { now });
    expect(first.reused).toBe(false);
    expect(first.population.householdCount).toBe(5);

    const again = await populationSnapshot(t.database.db, month, { now });
    expect(again.reused).toBe(true);
    expect(again.population).toBe(first.population);

    // A household dissolved meanwhile is seen only once the snapshot is stale or a fresh one is asked for.
    const gone = await t.database.db
      .selectFrom('household')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await t.database.db
      .updateTable('household')
      .set({ dissolved_on: '2026-02-01' })
      .where('id', '=', gone.id)
      .execute();
    expect((await populationSnapshot(t.database.db, month, { now })).population.householdCount).toBe(5);
    expect(
      (await populationSnapshot(t.database.db, month, { now, fresh: true })).population.householdCount,
    ).toBe(4);

    clock += SNAPSHOT_TTL_MS + 1;
    await t.database.db
      .updateTable('household')
      .set({ dissolved_on: null })
      .where('id', '=', gone.id)
      .execute();
    const stale = await populationSnapshot(t.database.db, month, { now });
    expect(stale.reused).toBe(false);
    expect(stale.population.householdCount).toBe(5);
  });
});
