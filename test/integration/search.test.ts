import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/access/actor.ts';
import { readSearchTerms } from '../../src/registry/search/search-terms.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { Factory } from '../support/factories.ts';

const MAHALLA = '1733212001';
const OTHER_MAHALLA = '1733401001';

interface Item {
  id: string;
  reference: string;
  head: { lastName: string; firstName: string } | null;
}

/** Staff search (GET /api/households?q=): every identifier kind, name folding, ranking, area scoping. */
describe('registry: search that finds people', () => {
  let t: TestApp;
  const factory = new Factory(12);
  let karimov: { id: string; reference: string; pinfl: string };
  let gulomova: { id: string; reference: string };
  let outside: { id: string; pinfl: string };
  let officer: Record<string, string>;

  const register = async (mahalla: string, person: ReturnType<Factory['person']>) => {
    const response = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(mahalla, person),
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; reference: string; members: { personId: string }[] }>();
  };

  beforeAll(async () => {
    t = await createTestApp();
    const k = factory.person({ lastName: 'Karimov', firstName: "O'tkir", sex: 'M', phone: '+998901234567' });
    const kh = await register(MAHALLA, k);
    karimov = { id: kh.id, reference: kh.reference, pinfl: k.pinfl ?? '' };
    const g = factory.person({ lastName: 'Гуломова', firstName: 'Дилноза', sex: 'F' });
    const gh = await register(MAHALLA, g);
    gulomova = { id: gh.id, reference: gh.reference };
    const o = factory.person({ lastName: 'Karimov', firstName: 'Bobur', sex: 'M' });
    const oh = await register(OTHER_MAHALLA, o);
    outside = { id: oh.id, pinfl: o.pinfl ?? '' };

    const owner = kh.members[0]?.personId ?? '';
    await t.database.db
      .insertInto('vehicle')
      .values({
        owner_person_id: owner,
        plate: '90 A 123 BC',
        make: 'Cobalt',
        model_year: 2019,
        source: 'vehicle_registry',
      })
      .execute();
    await t.database.db
      .insertInto('dwelling')
      .values({
        household_id: kh.id,
        owner_person_id: owner,
        cadastre_number: '33:212:0001:0042',
        kind: 'residential',
        area_m2: 120,
        source: 'cadastre',
      })
      .execute();
    const grants: RoleGrant[] = [
      { role: 'district_officer', area: { kind: 'district', code: '1733212' }, organisation: 'Inson centre' },
    ];
    officer = await t.staff('officer.search', grants);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const search = async (q: string, headers?: Record<string, string>) => {
    const url = `/api/households?pageSize=25&q=${encodeURIComponent(q)}`;
    const response = headers
      ? await t.app.inject({ method: 'GET', url, headers })
      : await t.api({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: Item[]; total: number }>().items;
  };
  const ids = async (q: string) => (await search(q)).map((h) => h.id);

  it('gives households and applications short human references', () => {
    expect(karimov.reference).toMatch(/^H-\d{4}-\d{6}$/);
    expect(gulomova.reference).not.toBe(karimov.reference);
  });

  it('finds by PINFL (14 digits, exact)', async () => {
    expect(await ids(karimov.pinfl)).toEqual([karimov.id]);
  });

  it('finds by phone typed any way', async () => {
    for (const q of ['+998 90 123 45 67', '90-123-45-67', '998901234567', '(90) 1234567']) {
      expect(await ids(q)).toEqual([karimov.id]);
    }
  });

  it('finds by vehicle plate: spaces, case and Cyrillic look-alikes', async () => {
    for (const q of ['90A123BC', '90 a 123 bc', '90 А 123 ВС']) expect(await ids(q)).toEqual([karimov.id]);
  });

  it('finds by cadastre number', async () => {
    expect(await ids('33:212:0001:0042')).toEqual([karimov.id]);
  });

  it('finds by household reference, with or without zeros and dashes', async () => {
    expect(await ids(karimov.reference)).toEqual([karimov.id]);
    const [, year, number] = karimov.reference.split('-');
    expect(await ids(`h ${year} ${Number(number)}`)).toEqual([karimov.id]);
  });

  it('folds script and spelling: Cyrillic finds Latin and back, o‘/oʻ/ў alike', async () => {
    expect(await ids('Каримов Ўткир')).toContain(karimov.id);
    expect(await ids('karimov oʻtkir')).toContain(karimov.id);
    expect(await ids('Karimov O‘tkir')).toContain(karimov.id);
    expect(await ids("G'ulomova")).toEqual([gulomova.id]);
    expect(await ids('Gulomova Dilnoza')).toEqual([gulomova.id]);
  });

  it('finds partial words anywhere in the name, ranked full name first', async () => {
    expect(await ids('rimo')).toEqual(expect.arrayContaining([karimov.id, outside.id]));
    expect(await ids('lomov')).toEqual([gulomova.id]);
    // A misspelling still finds by similarity.
    expect(await ids('Karimof Otkir')).toContain(karimov.id);
    const ranked = await search('Karimov Otkir');
    expect(ranked[0]?.id).toBe(karimov.id);
  });

  it('reads parts shorter than 3 letters as word starts first, then anywhere in the name', async () => {
    // Alone, a short text is the beginning of the name, ranked first.
    expect(await ids('Ka')).toEqual(expect.arrayContaining([karimov.id, outside.id]));
    expect(await ids('Ka')).not.toContain(gulomova.id);
    // No name begins with "ov": it is found inside them (Karimov, G'ulomova).
    expect(await ids('ov')).toEqual(expect.arrayContaining([karimov.id, gulomova.id]));
    const ranked = await search('Gu');
    expect(ranked[0]?.id).toBe(gulomova.id);
    // Beside a longer part, a short one narrows to names with a word that begins so.
    expect(await ids('rimo ot')).toEqual([karimov.id]);
    expect(await ids('rimo bo')).toEqual([outside.id]);
    expect(await ids('Гу Ди')).toEqual([gulomova.id]);
  });

  it('finds by passport number, typed with a space or in lower case', async () => {
    const owner = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', karimov.id)
      .executeTakeFirstOrThrow();
    await t.database.db
      .updateTable('person')
      .set({ passport: 'AB1234567' })
      .where('id', '=', owner.person_id)
      .execute();
    for (const q of ['AB1234567', 'ab 1234567', 'AB-1234567']) expect(await ids(q)).toEqual([karimov.id]);
    expect(await ids('AB7654321')).toEqual([]);
    // Unique when known: a second person cannot hold it.
    await expect(
      t.database.db
        .updateTable('person')
        .set({ passport: 'AB1234567' })
        .where('id', '!=', owner.person_id)
        .execute(),
    ).rejects.toThrow();
  });

  it('keeps search inside the actor’s area: a district officer does not find another district’s person', async () => {
    const byName = (await search('Karimov', officer)).map((h) => h.id);
    expect(byName).toContain(karimov.id);
    expect(byName).not.toContain(outside.id);
    expect(await search(outside.pinfl, officer)).toEqual([]);
    // Somebody with the whole country finds them.
    expect(await ids(outside.pinfl)).toEqual([outside.id]);
  });

  it('finds names inside a social worker’s mahalla by every reading, and none of another mahalla', async () => {
    // A search confined to mahallas reads the mahallas' people first (not the region's name indexes).
    const worker = await t.staff('worker.search', [
      { role: 'social_worker', area: { kind: 'mahalla', code: MAHALLA }, organisation: 'Inson centre' },
    ]);
    const found = async (q: string) => (await search(q, worker)).map((h) => h.id);
    expect(await found('Karimov')).toEqual([karimov.id]);
    expect(await found('rimo')).toEqual([karimov.id]);
    expect(await found('Ka')).toEqual([karimov.id]);
    expect(await found('ov')).toEqual(expect.arrayContaining([karimov.id, gulomova.id]));
    expect(await found('ov')).not.toContain(outside.id);
    expect(await found('Karimof Otkir')).toEqual([karimov.id]);
    expect(await found('Гуломова')).toEqual([gulomova.id]);
    expect(await found('Bobur')).toEqual([]);
    expect(await found(outside.pinfl)).toEqual([]);
    // The whole country narrowed to one mahalla reads the same way.
    const inOther = async (q: string) => {
      const url = `/api/households?pageSize=25&mahallaCode=${OTHER_MAHALLA}&q=${encodeURIComponent(q)}`;
      const response = await t.api({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: Item[] }>().items.map((h) => h.id);
    };
    expect(await inOther('Karimov')).toEqual([outside.id]);
    expect(await inOther('Ka')).toEqual([outside.id]);
  });

  it('answers hostile input with 400 or nothing, never 500', async () => {
    for (const q of [
      '%%',
      '__',
      "'; drop table person; --",
      '"\'"',
      '%_%',
      'a'.repeat(10_000),
      'ab\u0000cd',
      '١٢٣',
    ]) {
      const response = await t.api({ method: 'GET', url: `/api/households?q=${encodeURIComponent(q)}` });
      expect([200, 400]).toContain(response.statusCode);
      if (response.statusCode === 200) expect(response.json().items).toEqual([]);
    }
  });

  it('reads every identifier kind out of the text', () => {
    expect(readSearchTerms('12345678901234').pinfl).toBe('12345678901234');
    expect(readSearchTerms('+998 (90) 123-45-67').phone).toBe('+998901234567');
    expect(readSearchTerms('A-2026-4213').reference).toBe('A-2026-004213');
    expect(readSearchTerms('33:212:0001:0042').cadastre).toBe('33:212:0001:0042');
    expect(readSearchTerms('90 A 123 BC').plate).toBe('90A123BC');
    expect(readSearchTerms('Karimov').name).toBe(true);
    expect(readSearchTerms('ab 1234567').passport).toBe('AB1234567');
    expect(readSearchTerms('AB12345678').passport).toBeUndefined();
  });
});
