import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { Factory } from '../support/factories.ts';

const MAHALLA = '1733212001';
const OTHER_MAHALLA = '1733401001';

describe('registry: households and persons over HTTP', () => {
  let t: TestApp;
  const factory = new Factory(7);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const counts = async () => {
    const tables = ['person', 'household', 'membership'] as const;
    const out: Record<string, number> = {};
    for (const table of tables) {
      const row = await t.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  };

  it('registers a household with a new head, idempotently by client id', async () => {
    const body = factory.household(
      MAHALLA,
      factory.person({ lastName: "G'ulomov", firstName: 'Xurshid', sex: 'M' }),
    );
    const first = await t.api({ method: 'POST', url: '/api/households', payload: body });
    expect(first.statusCode).toBe(201);
    const view = first.json();
    expect(view.districtCode).toBe('1733212');
    expect(view.members).toHaveLength(1);
    expect(view.members[0]).toMatchObject({
      relationship: 'head',
      lastName: "G'ulomov",
      source: 'social_worker',
    });

    const before = await counts();
    const retry = await t.api({ method: 'POST', url: '/api/households', payload: body });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(view.id);
    expect(await counts()).toEqual(before);
  });

  it('reads the whole record in one: members and facts on a date, the full history, each fact with its source', async () => {
    const create = async (lastName: string, createdOn: string) => {
      const body = factory.household(MAHALLA, factory.person({ lastName, sex: 'M' }), createdOn);
      const created = await t.api({ method: 'POST', url: '/api/households', payload: body });
      expect(created.statusCode).toBe(201);
      return created.json<{ id: string; members: { personId: string }[] }>();
    };
    const home = await create('Record', '2024-01-01');
    const elsewhere = await create('Formerly', '2023-06-01');
    const head = home.members[0]?.personId ?? '';
    const former = elsewhere.members[0]?.personId ?? '';
    const db = t.database.db;
    // The second person lived in this household from 2020 to 2023, before a household of their own.
    await db
      .insertInto('membership')
      .values({
        household_id: home.id,
        person_id: former,
        relationship: 'other',
        valid_from: '2020-01-01',
        valid_to: '2023-01-01',
        source: 'civil_registry',
        change_request_id: null,
      })
      .execute();
    await db
      .insertInto('income')
      .values([
        {
          person_id: head,
          kind: 'wage',
          monthly_amount: 2_500_000,
          valid_from: '2024-01-01',
          valid_to: null,
          source: 'tax',
        },
        {
          person_id: former,
          kind: 'pension',
          monthly_amount: 900_000,
          valid_from: '2020-01-01',
          valid_to: null,
          source: 'pension_fund',
        },
      ])
      .execute();
    await db
      .insertInto('vehicle')
      .values({
        owner_person_id: head,
        plate: '90A777AA',
        make: 'Cobalt',
        model_year: 2021,
        source: 'vehicles',
      })
      .execute();
    await db
      .insertInto('bank_deposit')
      .values({ person_id: head, balance: 1_000_000, as_of: '2026-11-01', source: 'banks' })
      .execute();
    await db
      .insertInto('dwelling')
      .values({
        household_id: home.id,
        owner_person_id: head,
        cadastre_number: '33:212:0001:0777',
        kind: 'residential',
        area_m2: 80,
        source: 'cadastre',
      })
      .execute();

    const today = (await t.api({ method: 'GET', url: `/api/households/${home.id}` })).json();
    expect(today.members.map((m: { personId: string }) => m.personId)).toEqual([head]);
    expect(
      today.history.map((h: { personId: string; validTo: string | null }) => [h.personId, h.validTo]),
    ).toEqual([
      [former, '2023-01-01'],
      [head, null],
    ]);
    // Facts of today's members only, each with its source.
    expect(today.facts.incomes).toEqual([
      expect.objectContaining({ personId: head, kind: 'wage', monthlyAmount: 2_500_000, source: 'tax' }),
    ]);
    expect(today.facts.vehicles).toEqual([
      expect.objectContaining({ plate: '90A777AA', source: 'vehicles' }),
    ]);
    expect(today.facts.bankDeposits).toEqual([
      expect.objectContaining({ personId: head, balance: 1_000_000, source: 'banks' }),
    ]);
    expect(today.facts.dwellings).toEqual([
      expect.objectContaining({ cadastreNumber: '33:212:0001:0777', source: 'cadastre' }),
    ]);

    // On a date when only the former member lived there: their facts, not the head's.
    const then = (await t.api({ method: 'GET', url: `/api/households/${home.id}?date=2021-06-01` })).json();
    expect(then.members.map((m: { personId: string }) => m.personId)).toEqual([former]);
    expect(then.facts.incomes).toEqual([
      expect.objectContaining({ personId: former, kind: 'pension', source: 'pension_fund' }),
    ]);
    expect(then.facts.vehicles).toEqual([]);
    expect(then.facts.bankDeposits).toEqual([]);
    expect(then.history).toHaveLength(2);
  });

  it('rejects an unknown mahalla with 422 MAHALLA_UNKNOWN and writes nothing', async () => {
    const before = await counts();
    const response = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household('1733212999', factory.person()),
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('MAHALLA_UNKNOWN');
    expect(await counts()).toEqual(before);
  });

  it('rejects a malformed PINFL and one that disagrees with the birth date', async () => {
    const before = await counts();
    const malformed = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(MAHALLA, factory.person({ pinfl: '12345' })),
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');

    const person = factory.person({ birthDate: '1990-05-05', sex: 'F' });
    const wrongDigit = `${person.pinfl?.slice(0, 13)}${(Number(person.pinfl?.[13]) + 1) % 10}`;
    const badCheck = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(MAHALLA, { ...person, pinfl: wrongDigit }),
    });
    expect(badCheck.statusCode).toBe(400);
    expect(badCheck.json().error.code).toBe('PINFL_INVALID');

    const mismatch = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(MAHALLA, { ...person, birthDate: '1990-05-06' }),
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error.code).toBe('PINFL_MISMATCH');
    expect(mismatch.json().error.message).toMatch(/JShShIR/);
    expect(await counts()).toEqual(before);
  });

  it('answers in the language asked for', async () => {
    const response = await t.api({
      method: 'GET',
      url: '/api/households/00000000-0000-4000-8000-000000000000',
      headers: { 'accept-language': 'ru-RU,ru;q=0.9' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: 'HOUSEHOLD_NOT_FOUND',
      message: 'Домохозяйство не найдено.',
    });
    expect(response.json().error.requestId).toBeTruthy();
  });

  it('refuses to make one person head of two households at once', async () => {
    const head = factory.person();
    const created = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(MAHALLA, head),
    });
    expect(created.statusCode).toBe(201);
    const before = await counts();
    const again = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(OTHER_MAHALLA, { personId: head.id }, '2024-01-01'),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PERSON_IN_OTHER_HOUSEHOLD');
    expect(await counts()).toEqual(before);
  });

  it('searches households and persons within filters, with totals across pages', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await t.api({
        method: 'POST',
        url: '/api/households',
        payload: factory.household(OTHER_MAHALLA, factory.person({ lastName: 'Rahimov', sex: 'M' })),
      });
      expect(r.statusCode).toBe(201);
    }
    const page1 = await t.api({
      method: 'GET',
      url: `/api/households?mahallaCode=${OTHER_MAHALLA}&pageSize=2`,
    });
    expect(page1.statusCode).toBe(200);
    expect(page1.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.json().items).toHaveLength(2);
    const page2 = await t.api({
      method: 'GET',
      url: `/api/households?mahallaCode=${OTHER_MAHALLA}&pageSize=2&page=2`,
    });
    expect(page2.json().items).toHaveLength(1);
    expect(page2.json().items[0].head.lastName).toBe('Rahimov');

    const byDistrict = await t.api({ method: 'GET', url: '/api/households?districtCode=1733401' });
    expect(byDistrict.json().total).toBe(3);

    // Cyrillic search finds the Latin record through the folded name key.
    const cyr = await t.api({
      method: 'GET',
      url: `/api/persons?name=${encodeURIComponent('Ғуломов')}`,
    });
    expect(cyr.statusCode).toBe(200);
    expect(cyr.json().items.map((p: { lastName: string }) => p.lastName)).toContain("G'ulomov");

    const bad = await t.api({ method: 'GET', url: '/api/households?pageSize=1000' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('shows a person with their household periods', async () => {
    const head = factory.person();
    const created = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(MAHALLA, head, '2021-03-01'),
    });
    const view = await t.api({ method: 'GET', url: `/api/persons/${head.id}` });
    expect(view.statusCode).toBe(200);
    expect(view.json().memberships).toEqual([
      {
        householdId: created.json().id,
        mahallaCode: MAHALLA,
        relationship: 'head',
        validFrom: '2021-03-01',
        validTo: null,
        source: 'social_worker',
      },
    ]);
    const byPinfl = await t.api({ method: 'GET', url: `/api/persons?pinfl=${head.pinfl}` });
    expect(byPinfl.json().items).toHaveLength(1);
    const household = await t.api({
      method: 'GET',
      url: `/api/households/${created.json().id}?date=2021-02-28`,
    });
    expect(household.json().members).toEqual([]);
  });

  it('summarises the registry', async () => {
    const response = await t.api({ method: 'GET', url: '/api/registry/summary' });
    expect(response.statusCode).toBe(200);
    const summary = response.json();
    expect(summary.households).toBeGreaterThanOrEqual(5);
    expect(summary.mahallas).toBeGreaterThan(600);
    expect(summary.byDistrict.find((d: { code: string }) => d.code === '1733401').households).toBe(3);
  });
});
