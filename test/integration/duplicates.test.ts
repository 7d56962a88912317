import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { Factory } from '../support/factories.ts';

const MAHALLA = '1733233002';

describe('duplicate detection and review', () => {
  let t: TestApp;
  const factory = new Factory(11);

  beforeAll(async () => {
    t = await createTestApp();
    await t.jobs.start({ work: true });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function register(person: ReturnType<Factory['person']>, mahalla = MAHALLA) {
    const response = await t.api({
      method: 'POST',
      url: '/api/households',
      payload: factory.household(mahalla, person),
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  }

  async function scan() {
    const queued = await t.api({ method: 'POST', url: '/api/duplicates/scan' });
    expect(queued.statusCode).toBe(202);
    const { jobId } = queued.json();
    expect(jobId).toBeTruthy();
    for (let i = 0; i < 100; i++) {
      const status = await t.api({ method: 'GET', url: `/api/duplicates/scans/${jobId}` });
      if (status.json().state === 'completed') return;
      expect(status.json().state).not.toBe('failed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('duplicate scan did not complete');
  }

  it('queues the same person entered in two scripts, and not namesakes elsewhere', async () => {
    const latin = factory.person({
      pinfl: null,
      lastName: "Yo'ldoshev",
      firstName: 'Shuhrat',
      birthDate: '1979-04-02',
      sex: 'M',
    });
    const cyrillic = { ...latin, id: factory.person().id, lastName: 'Йўлдошев', firstName: 'Шуҳрат' };
    const namesakeElsewhere = { ...latin, id: factory.person().id };
    const differentBirth = { ...latin, id: factory.person().id, birthDate: '1979-04-03' };
    await register(latin);
    await register(cyrillic);
    await register(namesakeElsewhere, '1733401002');
    await register(differentBirth);

    await scan();
    const queue = await t.api({ method: 'GET', url: '/api/duplicates?status=pending' });
    expect(queue.statusCode).toBe(200);
    expect(queue.json().total).toBe(1);
    const pair = queue.json().items[0];
    expect([pair.personA.personId, pair.personB.personId].sort()).toEqual([latin.id, cyrillic.id].sort());

    // A second scan finds nothing new.
    await scan();
    const again = await t.api({ method: 'GET', url: '/api/duplicates' });
    expect(again.json().total).toBe(1);
  });

  it('merges a confirmed duplicate: its membership closes, its household dissolves, history says why', async () => {
    const queue = await t.api({ method: 'GET', url: '/api/duplicates' });
    const pair = queue.json().items[0];
    const keep = pair.personA.personId as string;
    const review = await t.api({
      method: 'POST',
      url: `/api/duplicates/${pair.id}/review`,
      as: 'worker.qoshkopir',
      payload: { decision: 'duplicate', keepPersonId: keep, note: 'same passport' },
    });
    expect(review.statusCode).toBe(200);
    const merged = review.json().merged.merged as string;
    expect(review.json().merged.kept).toBe(keep);

    const person = await t.api({ method: 'GET', url: `/api/persons/${merged}` });
    expect(person.json().mergedInto).toBe(keep);
    expect(person.json().memberships[0].validTo).not.toBeNull();
    expect(person.json().history.map((h: { field: string }) => h.field)).toContain('merged_into');
    const search = await t.api({
      method: 'GET',
      url: `/api/persons?birthDate=1979-04-02&mahallaCode=${MAHALLA}`,
    });
    expect(search.json().items.map((p: { id: string }) => p.id)).toEqual([keep]);

    const twice = await t.api({
      method: 'POST',
      url: `/api/duplicates/${pair.id}/review`,
      payload: { decision: 'distinct' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('DUPLICATE_ALREADY_REVIEWED');
    const reviewed = await t.api({ method: 'GET', url: '/api/duplicates?status=duplicate' });
    expect(reviewed.json().items[0]).toMatchObject({
      reviewedBy: 'staff:worker.qoshkopir',
      note: 'same passport',
    });
  });

  it('rejects a keep-person outside the pair and an unknown candidate', async () => {
    const a = factory.person({
      pinfl: null,
      lastName: 'Sobirova',
      firstName: 'Nodira',
      birthDate: '1990-01-01',
      sex: 'F',
    });
    await register(a);
    await register({ ...a, id: factory.person().id, lastName: 'Собирова', firstName: 'Нодира' });
    await scan();
    const pending = await t.api({ method: 'GET', url: '/api/duplicates' });
    const pair = pending.json().items[0];
    const outside = await t.api({
      method: 'POST',
      url: `/api/duplicates/${pair.id}/review`,
      payload: { decision: 'duplicate', keepPersonId: factory.person().id },
    });
    expect(outside.statusCode).toBe(400);
    const distinct = await t.api({
      method: 'POST',
      url: `/api/duplicates/${pair.id}/review`,
      payload: { decision: 'distinct' },
    });
    expect(distinct.statusCode).toBe(200);
    expect(distinct.json()).toEqual({ id: pair.id, status: 'distinct' });
    const unknown = await t.api({
      method: 'POST',
      url: '/api/duplicates/999999/review',
      payload: { decision: 'distinct' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('DUPLICATE_CANDIDATE_NOT_FOUND');
  });
});
