import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { refreshDciFigures } from './dci.figures.ts';
import { parseQuery, parseSort } from './dci.query.ts';
import { searchDates } from './dci.records.ts';
import * as repo from './dci.repository.ts';

/**
 * The maintained figures (migration 028) answer exactly what the per-request computation answers: the same
 * pages for conditions and sorts on poverty_score and group_size, before and after a refresh, and right after
 * a member's income or a membership changes (the changed households are computed live until the next refresh).
 */
describe('DCI maintained figures', () => {
  let t: TestDatabase;
  const at = new Date();
  const dates = searchDates(at);
  const SEARCHES = [
    { query: { poverty_score: { $lt: 1 } }, sort: [{ attribute_name: 'poverty_score', sort_order: 'asc' }] },
    { query: { group_size: { $gte: 5 } }, sort: [{ attribute_name: 'group_size', sort_order: 'desc' }] },
    {
      query: { $and: [{ poverty_score: { $gte: 1 } }, { poverty_score: { $lt: 1.5 } }] },
      sort: [{ attribute_name: 'poverty_score', sort_order: 'desc' }],
    },
  ] as const;

  const searchAll = async () => {
    const pages = [];
    for (const search of SEARCHES) {
      const { entity, condition } = parseQuery(
        'expression',
        { type: 'expression', value: { expression: { collection: 'Group', query: search.query } } },
        'Group',
      );
      for (const e of [entity, 'Member' as const]) {
        pages.push(
          await repo.searchPage(t.database.db, {
            scope: { kind: 'all' },
            dates,
            entity: e,
            condition,
            sort: parseSort([...search.sort], e),
            pageSize: 1000,
            pageNumber: 1,
          }),
        );
      }
    }
    return pages;
  };
  /** The definition alone: every row stale, so every figure is computed live. */
  const computedLive = async () => {
    await sql`update dci_household_figure set basis = null`.execute(t.database.db);
    return searchAll();
  };
  const figureOf = (householdId: string) =>
    t.database.db
      .selectFrom('dci_household_figure')
      .select(['basis', 'group_size', 'poverty_score'])
      .where('household_id', '=', householdId)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedPopulation(t.database, { households: 150, seed: 28, scope: 'khorezm', progress: false });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps a row for every household (seeded by COPY) and serves the same pages once refreshed', async () => {
    const households = await t.database.db
      .selectFrom('household')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(await repo.countStaleFigures(t.database.db, dates)).toBe(Number(households.n));
    const live = await searchAll();
    expect(live[0]?.total).toBeGreaterThan(0);
    expect(live[2]?.total).toBeGreaterThan(0);

    expect(await refreshDciFigures(t.database.db, at)).toBe(Number(households.n));
    expect(await repo.countStaleFigures(t.database.db, dates)).toBe(0);
    expect(await searchAll()).toEqual(live);
    // Another day is another basis: nothing stored for today is used for it.
    expect(
      await repo.countStaleFigures(t.database.db, searchDates(new Date(at.getTime() + 86_400_000))),
    ).toBe(Number(households.n));
  });

  it('marks a household stale in the writing statement and still answers what the computation answers', async () => {
    await refreshDciFigures(t.database.db, at);
    const { db } = t.database;
    const members = await db
      .selectFrom('membership')
      .innerJoin('household', 'household.id', 'membership.household_id')
      .select(['membership.id', 'membership.person_id', 'membership.household_id'])
      .where('membership.valid_to', 'is', null)
      .where('membership.relationship', '<>', 'head')
      .where('household.dissolved_on', 'is', null)
      .orderBy('membership.id')
      .limit(20)
      .execute();
    const earner = members[0];
    const leaver = members.find((m) => m.household_id !== earner?.household_id);
    if (!earner || !leaver) throw new Error('the seeded population has no two households with members');
    const before = await figureOf(earner.household_id);
    const leaverBefore = await figureOf(leaver.household_id);
    expect(before.basis).toBe(repo.figureBasis(dates));

    await db
      .insertInto('income')
      .values({
        person_id: earner.person_id,
        kind: 'wage',
        monthly_amount: 9_000_000,
        valid_from: dates.windowStart,
        valid_to: null,
        source: 'test',
      })
      .execute();
    await db
      .updateTable('membership')
      .set({ valid_to: dates.windowStart })
      .where('id', '=', leaver.id)
      .execute();
    expect((await figureOf(earner.household_id)).basis).toBeNull();
    expect((await figureOf(leaver.household_id)).basis).toBeNull();
    expect(await repo.countStaleFigures(db, dates)).toBe(2);

    const mixed = await searchAll();
    expect(await computedLive()).toEqual(mixed);
    expect(await refreshDciFigures(db, at)).toBeGreaterThan(2);
    expect(await searchAll()).toEqual(mixed);
    const after = await figureOf(earner.household_id);
    expect(after.poverty_score).toBeGreaterThan(before.poverty_score ?? 0);
    expect((await figureOf(leaver.household_id)).group_size).toBe((leaverBefore.group_size ?? 0) - 1);
  });
});
