import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { CATALOGUE } from '../programs/catalogue.ts';

describe('GET /api/programmes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('lists the catalogue to anyone, with labels in the language asked', async () => {
    const res = await t.api({ method: 'GET', url: '/api/programmes?lang=ru' });
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: { id: string; label: string; outcome: string }[] }>();
    expect(items.map((p) => p.id)).toEqual(CATALOGUE.map((p) => p.id));
    expect(items.map((p) => p.label)).toEqual(CATALOGUE.map((p) => p.label.ru));
    expect(items.find((p) => p.outcome === 'category')).toBeDefined();
    const latin = await t.api({ method: 'GET', url: '/api/programmes' });
    expect(latin.json<{ items: { label: string }[] }>().items[0]?.label).toBe(CATALOGUE[0]?.label['uz-Latn']);
    expect((await t.api({ method: 'GET', url: '/api/programmes?lang=fr' })).statusCode).toBe(400);
  });

  it('the database knows every programme of the catalogue', async () => {
    const rows = await t.database.db.selectFrom('programme').select('id').execute();
    expect(rows.map((r) => r.id).sort()).toEqual(CATALOGUE.map((p) => p.id).sort());
  });
});
