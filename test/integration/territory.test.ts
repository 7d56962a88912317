import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('territory API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('lists the 14 regions with names in four scripts', async () => {
    const response = await t.api({ method: 'GET', url: '/api/territory/regions' });
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(items).toHaveLength(14);
    expect(items.find((r: { code: string }) => r.code === '1733')).toMatchObject({
      names: {
        'uz-Latn': 'Xorazm viloyati',
        'uz-Cyrl': 'Хоразм вилояти',
        ru: 'Хорезмская область',
        en: 'Khorezm Region',
      },
    });
  });

  it("lists Khorezm's 11 districts and 2 cities, remote ones flagged", async () => {
    const response = await t.api({ method: 'GET', url: '/api/territory/regions/1733/districts' });
    const { items } = response.json();
    expect(items).toHaveLength(13);
    expect(items.filter((d: { kind: string }) => d.kind === 'city')).toHaveLength(2);
    expect(items.filter((d: { remote: boolean }) => d.remote).map((d: { code: string }) => d.code)).toEqual([
      '1733212',
      '1733221',
      '1733233',
    ]);
    const urganch = items.find((d: { code: string }) => d.code === '1733401');
    expect(urganch).toMatchObject({ population: 153800, names: { ru: 'город Ургенч' } });
  });

  it("lists a district's mahallas and refuses unknown or malformed codes", async () => {
    const mahallas = await t.api({ method: 'GET', url: '/api/territory/districts/1733221/mahallas' });
    expect(mahallas.statusCode).toBe(200);
    expect(mahallas.json().items.length).toBe(24);
    const unknown = await t.api({ method: 'GET', url: '/api/territory/districts/1733999/mahallas' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TERRITORY_NOT_FOUND');
    const malformed = await t.api({ method: 'GET', url: '/api/territory/regions/17x3/districts' });
    expect(malformed.statusCode).toBe(400);
  });
});
