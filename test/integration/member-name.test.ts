import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { Factory } from '../support/factories.ts';

const MAHALLA = '1733212001';
const OTHER_MAHALLA = '1733401001';

/**
 * member_name (migration 030): the current, unmerged members' folded names by mahalla, which a search
 * confined to mahallas reads. Its triggers keep it equal to its defining view (member_name_source) through
 * every kind of change, checked both ways: the table against the view, and what a social worker finds.
 */
describe('registry: member_name stays exact', () => {
  let t: TestApp;
  const factory = new Factory(30);
  let worker: Record<string, string>;
  let otherWorker: Record<string, string>;
  let nextWorker: Record<string, string>;
  let nextMahalla: string;
  let home: { id: string; head: string };
  let away: { id: string; head: string };

  const register = async (mahalla: string, lastName: string, firstName: string) => {
    const response = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(mahalla, factory.person({ lastName, firstName, sex: 'M' })),
    });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ id: string; members: { personId: string }[] }>();
    return { id: body.id, head: body.members[0]?.personId ?? '' };
  };

  /** Household ids a staff member finds for the text (page of 25). */
  const found = async (q: string, headers: Record<string, string>) => {
    const url = `/api/households?pageSize=25&q=${encodeURIComponent(q)}`;
    const response = await t.app.inject({ method: 'GET', url, headers });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: { id: string; mahallaCode: string }[] }>().items;
  };
  const ids = async (q: string, headers: Record<string, string>) =>
    (await found(q, headers)).map((h) => h.id);

  /** The table and its defining view, row for row (the view is the definition; the table must equal it). */
  const expectExact = async () => {
    const order = sql`order by household_id, person_id`;
    const table =
      await sql`select mahalla_code, search_name, household_id, person_id from member_name ${order}`.execute(
        t.database.db,
      );
    const view =
      await sql`select mahalla_code, search_name, household_id, person_id from member_name_source ${order}`.execute(
        t.database.db,
      );
    expect(table.rows).toEqual(view.rows);
    return table.rows.length;
  };

  const socialWorker = (username: string, mahalla: string) =>
    t.staff(username, [
      { role: 'social_worker', area: { kind: 'mahalla', code: mahalla }, organisation: 'Inson centre' },
    ]);

  beforeAll(async () => {
    t = await createTestApp();
    home = await register(MAHALLA, 'Rustamov', 'Jasur');
    away = await register(OTHER_MAHALLA, 'Sobirov', 'Anvar');
    const other = await t.database.db
      .selectFrom('mahalla')
      .select('code')
      .where('district_code', '=', MAHALLA.slice(0, 7))
      .where('code', '<>', MAHALLA)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    nextMahalla = other.code;
    worker = await socialWorker('worker.names', MAHALLA);
    otherWorker = await socialWorker('worker.other', OTHER_MAHALLA);
    nextWorker = await socialWorker('worker.next', nextMahalla);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('holds every current member from the start, and a worker finds only their mahalla', async () => {
    expect(await expectExact()).toBe(2);
    expect(await ids('Rustamov', worker)).toEqual([home.id]);
    expect(await ids('Sobirov', worker)).toEqual([]);
    expect(await ids('Sobirov', otherWorker)).toEqual([away.id]);
    // A mahalla filter reads member_name too, and still only inside the actor's areas.
    const officer = await t.staff('officer.names', [
      {
        role: 'district_officer',
        area: { kind: 'district', code: MAHALLA.slice(0, 7) },
        organisation: 'Inson centre',
      },
    ]);
    const inMahalla = async (mahalla: string, q: string) => {
      const url = `/api/households?pageSize=25&mahallaCode=${mahalla}&q=${encodeURIComponent(q)}`;
      const response = await t.app.inject({ method: 'GET', url, headers: officer });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: { id: string }[] }>().items.map((h) => h.id);
    };
    expect(await inMahalla(MAHALLA, 'Rustamov')).toEqual([home.id]);
    expect(await inMahalla(OTHER_MAHALLA, 'Sobirov')).toEqual([]);
    // Every reading (beginning, inside, anywhere, similar) stays in the worker's mahalla.
    expect(await ids('ov', worker)).toEqual([home.id]);
    for (const q of ['Ru', 'So', 'ov', 'obir', 'Sobirof', 'Anvar']) {
      for (const h of await found(q, worker)) expect(h.mahallaCode).toBe(MAHALLA);
    }
  });

  it('follows a member who leaves one household (valid_to set) and joins another', async () => {
    await t.database.db
      .updateTable('membership')
      .set({ valid_to: '2025-01-01' })
      .where('person_id', '=', away.head)
      .where('valid_to', 'is', null)
      .execute();
    await expectExact();
    expect(await ids('Sobirov', otherWorker)).toEqual([]);
    expect(await ids('Sobirov', worker)).toEqual([]);

    await t.database.db
      .insertInto('membership')
      .values({
        household_id: home.id,
        person_id: away.head,
        relationship: 'other',
        valid_from: '2025-01-01',
        source: 'social_worker',
      })
      .execute();
    await expectExact();
    expect(await ids('Sobirov', worker)).toEqual([home.id]);
    expect(await ids('Sobirov', otherWorker)).toEqual([]);
  });

  it('follows a renamed person', async () => {
    await t.database.db
      .updateTable('person')
      .set({ last_name: 'Toshmatov' })
      .where('id', '=', home.head)
      .execute();
    await expectExact();
    expect(await ids('Toshmatov', worker)).toEqual([home.id]);
    expect(await ids('Rustamov', worker)).toEqual([]);
    // Other changes of a person leave the table alone (and exact).
    await t.database.db
      .updateTable('person')
      .set({ phone: '+998901112233' })
      .where('id', '=', home.head)
      .execute();
    await expectExact();
  });

  it('drops a person merged into another', async () => {
    await t.database.db
      .updateTable('person')
      .set({ merged_into: home.head })
      .where('id', '=', away.head)
      .execute();
    await expectExact();
    expect(await ids('Sobirov', worker)).toEqual([]);
    expect(await ids('Toshmatov', worker)).toEqual([home.id]);
  });

  it('follows a household moved to another mahalla', async () => {
    await t.database.db
      .updateTable('household')
      .set({ mahalla_code: nextMahalla })
      .where('id', '=', home.id)
      .execute();
    await expectExact();
    expect(await ids('Toshmatov', worker)).toEqual([]);
    expect(await ids('Toshmatov', nextWorker)).toEqual([home.id]);
    const rows = await t.database.db
      .selectFrom('member_name')
      .select('mahalla_code')
      .where('household_id', '=', home.id)
      .execute();
    expect(rows.map((r) => r.mahalla_code)).toEqual([nextMahalla]);
  });

  it('follows a membership deleted outright', async () => {
    await t.database.db
      .deleteFrom('membership')
      .where('person_id', '=', away.head)
      .where('valid_to', 'is', null)
      .execute();
    await expectExact();
  });

  it('stays exact when two transactions change the same person at once (PostgreSQL)', async (ctx) => {
    if (t.database.kind !== 'postgres') ctx.skip();
    const person = await register(MAHALLA, 'Yusupov', 'Sardor');
    // One renames the person and holds its transaction open; the other ends their membership meanwhile. Each
    // re-derives the person's row: the second must see the first's rename, or the renamed row would stay.
    let renamed!: () => void;
    const renaming = new Promise<void>((resolve) => {
      renamed = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = t.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('person').set({ last_name: 'Yusupova' }).where('id', '=', person.head).execute();
      renamed();
      await gate;
    });
    await renaming;
    const second = t.database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('membership')
        .set({ valid_to: '2025-06-01' })
        .where('person_id', '=', person.head)
        .where('valid_to', 'is', null)
        .execute();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second]);
    await expectExact();
    expect(await ids('Yusupov', worker)).toEqual([]);
  });

  it('gives a name that matches its matches only; a misspelling finds by similarity', async () => {
    const near = await register(nextMahalla, 'Toshmatova', 'Malika');
    const far = await register(nextMahalla, 'Toshmanov', 'Ilhom');
    await expectExact();
    // "Toshmatov" matches two names as typed: the look-alike Toshmanov is not added to them.
    const exact = await ids('Toshmatov', nextWorker);
    expect(exact).toEqual(expect.arrayContaining([home.id, near.id]));
    expect(exact).not.toContain(far.id);
    // Nothing matches "Toshmatof" as typed: the similar names are the answer.
    expect(await ids('Toshmatof', nextWorker)).toEqual(expect.arrayContaining([home.id, near.id, far.id]));
  });
});
