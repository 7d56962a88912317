import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { DB } from '../../platform/db/schema.ts';
import { createFactory, type Factory, snapshot } from './test-factory.ts';

let t: TestApp;
let db: Kysely<DB>;
let make: Factory;

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.db;
  make = createFactory(db);
});
afterAll(async () => {
  await t?.cleanup();
});

// Signed in as staff holding every role over the region (test/support/auth.ts).
const post = (url: string, payload: unknown, actor = 'worker-7') =>
  t.api({ method: 'POST', url, payload: payload as object, as: actor });
const get = (url: string) => t.api({ method: 'GET', url });

/** Posts a request that must be refused with `status` and `code`, and checks the registry is untouched. */
async function expectRefused(status: number, code: string, payload: unknown): Promise<void> {
  const before = await snapshot(db);
  const response = await post('/api/change-requests', payload);
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  expect(body.error).toMatchObject({ code, requestId: expect.any(String), message: expect.any(String) });
  expect(await snapshot(db)).toEqual(before);
}

describe('POST /api/change-requests: refusals leave the registry unchanged', () => {
  it('malformed PINFL → 400, wrong check digit → 400 PINFL_INVALID, disagreeing PINFL → 422', async () => {
    const h = await make.household();
    const person = { lastName: 'Yusupova', firstName: 'Malika', sex: 'F', birthDate: '2024-03-03' };
    const base = {
      id: randomUUID(),
      type: 'add_member',
      householdId: h.id,
      relationship: 'child',
      effectiveDate: '2024-03-03',
    };
    await expectRefused(400, 'VALIDATION_FAILED', { ...base, person: { ...person, pinfl: '12345678' } });
    const good = make.pinfl('2024-03-03', 'F');
    const badDigit = `${good.slice(0, 13)}${(Number(good[13]) + 1) % 10}`;
    await expectRefused(400, 'PINFL_INVALID', { ...base, person: { ...person, pinfl: badDigit } });
    await expectRefused(422, 'PINFL_MISMATCH', {
      ...base,
      person: { ...person, pinfl: make.pinfl('2024-03-04', 'F') },
    });
    await expectRefused(422, 'PINFL_MISMATCH', { ...base, person: { ...person, sex: 'M', pinfl: good } });
  });

  it('unknown mahalla → 422 MAHALLA_UNKNOWN', async () => {
    const h = await make.household();
    await expectRefused(422, 'MAHALLA_UNKNOWN', {
      id: randomUUID(),
      type: 'split_household',
      householdId: h.id,
      newHouseholdId: randomUUID(),
      personIds: [h.memberIds[2]],
      newHeadPersonId: h.memberIds[2],
      mahallaCode: '1733204999',
      address: 'Bogot, Yangi hayot 1',
      effectiveDate: '2024-01-01',
      apply: true,
    });
  });

  it('a person in two households at once → 409 PERSON_IN_OTHER_HOUSEHOLD', async () => {
    const h1 = await make.household();
    const h2 = await make.household();
    await expectRefused(409, 'PERSON_IN_OTHER_HOUSEHOLD', {
      id: randomUUID(),
      type: 'add_member',
      householdId: h1.id,
      person: { personId: h2.memberIds[1] },
      relationship: 'other',
      effectiveDate: '2024-01-01',
      apply: true,
    });
  });

  it('removing the head without naming a new one → 422 HEAD_REMOVAL_REQUIRES_NEW_HEAD', async () => {
    const h = await make.household();
    await expectRefused(422, 'HEAD_REMOVAL_REQUIRES_NEW_HEAD', {
      id: randomUUID(),
      type: 'remove_member',
      householdId: h.id,
      personId: h.headId,
      reason: 'moved',
      effectiveDate: '2024-01-01',
    });
  });

  it('an unknown type or a missing field → 400 VALIDATION_FAILED', async () => {
    const h = await make.household();
    await expectRefused(400, 'VALIDATION_FAILED', { id: randomUUID(), type: 'adopt_cat', householdId: h.id });
    await expectRefused(400, 'VALIDATION_FAILED', {
      id: randomUUID(),
      type: 'change_head',
      householdId: h.id,
      newHeadPersonId: h.memberIds[1],
      effectiveDate: '2024-01-01',
    });
    await expectRefused(400, 'VALIDATION_FAILED', {
      id: 'not-a-uuid',
      type: 'remove_member',
      householdId: h.id,
      personId: h.memberIds[2],
      reason: 'moved',
      effectiveDate: '2024-01-01',
    });
  });
});

describe('change-request workflow over HTTP', () => {
  it('submit pending, retry, conflict, apply, apply again, read', async () => {
    const h = await make.household();
    const p = await make.person();
    const body = {
      id: randomUUID(),
      type: 'add_member',
      householdId: h.id,
      person: { personId: p },
      relationship: 'sibling',
      effectiveDate: '2024-02-01',
      source: 'mahalla_committee',
    };
    const created = await post('/api/change-requests', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      id: body.id,
      status: 'pending',
      submittedBy: 'staff:worker-7',
      source: 'mahalla_committee',
      householdId: h.id,
      personId: p,
      effectiveDate: '2024-02-01',
      payload: {
        householdId: h.id,
        person: { personId: p },
        relationship: 'sibling',
        effectiveDate: '2024-02-01',
      },
    });

    const retry = await post('/api/change-requests', { ...body });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(created.json());
    await expectRefused(409, 'CHANGE_REQUEST_CONFLICT', { ...body, relationship: 'parent' });

    const applied = await post(`/api/change-requests/${body.id}/apply`, undefined, 'supervisor-1');
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({
      status: 'applied',
      decidedBy: 'staff:supervisor-1',
      submittedBy: 'staff:worker-7',
    });
    expect(applied.json().result.membershipsCreated).toHaveLength(1);

    const twice = await post(`/api/change-requests/${body.id}/apply`, undefined, 'supervisor-1');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('CHANGE_REQUEST_NOT_PENDING');

    // A retry of the original submission after it was applied still has no second effect.
    const memberships = await db.selectFrom('membership').selectAll().execute();
    const late = await post('/api/change-requests', body);
    expect(late.statusCode).toBe(200);
    expect(late.json().status).toBe('applied');
    expect(await db.selectFrom('membership').selectAll().execute()).toEqual(memberships);

    const read = await get(`/api/change-requests/${body.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(applied.json());
    const missing = await get(`/api/change-requests/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CHANGE_REQUEST_NOT_FOUND');
  });

  it('applies at once with apply: true (201) and rejects pending requests with a reason', async () => {
    const h = await make.household();
    const now = await post('/api/change-requests', {
      id: randomUUID(),
      type: 'change_head',
      householdId: h.id,
      newHeadPersonId: h.memberIds[1],
      formerHeadRelationship: 'spouse',
      effectiveDate: '2024-03-01',
      apply: true,
    });
    expect(now.statusCode, now.body).toBe(201);
    expect(now.json()).toMatchObject({
      status: 'applied',
      decidedBy: 'staff:worker-7',
      source: 'social_worker',
    });

    const id = randomUUID();
    const pending = await post('/api/change-requests', {
      id,
      type: 'correct_personal_data',
      personId: h.memberIds[2],
      changes: { firstName: 'Jahongir' },
      effectiveDate: '2024-03-01',
    });
    expect(pending.statusCode, pending.body).toBe(201);
    const noReason = await post(`/api/change-requests/${id}/reject`, {});
    expect(noReason.statusCode).toBe(400);
    const rejected = await post(`/api/change-requests/${id}/reject`, {
      reason: 'Birth certificate says otherwise',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionNote: 'Birth certificate says otherwise',
    });
    const apply = await post(`/api/change-requests/${id}/apply`, undefined);
    expect(apply.statusCode).toBe(409);
    const person = await db
      .selectFrom('person')
      .select('first_name')
      .where('id', '=', h.memberIds[2] ?? '')
      .executeTakeFirstOrThrow();
    expect(person.first_name).not.toBe('Jahongir');
  });

  it('lists with filters and pages', async () => {
    const h = await make.household({ members: ['head', 'spouse', 'child', 'child', 'child'] });
    for (const [i, personId] of h.memberIds.slice(2).entries()) {
      const response = await post('/api/change-requests', {
        id: randomUUID(),
        type: 'correct_personal_data',
        personId,
        changes: { phone: `+99890000000${i}` },
        effectiveDate: '2024-01-01',
      });
      expect(response.statusCode).toBe(201);
    }
    await post('/api/change-requests', {
      id: randomUUID(),
      type: 'remove_member',
      householdId: h.id,
      personId: h.memberIds[4],
      reason: 'moved',
      effectiveDate: '2024-05-01',
    });
    const byHousehold = await get(`/api/change-requests?householdId=${h.id}`);
    expect(byHousehold.json()).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    const corrections = await get(
      '/api/change-requests?type=correct_personal_data&status=pending&page=2&pageSize=2',
    );
    expect(corrections.statusCode).toBe(200);
    const page = corrections.json();
    expect(page.page).toBe(2);
    expect(page.pageSize).toBe(2);
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.items.length).toBeLessThanOrEqual(2);
    for (const item of page.items)
      expect(item).toMatchObject({ type: 'correct_personal_data', status: 'pending' });
    const bad = await get('/api/change-requests?status=maybe');
    expect(bad.statusCode).toBe(400);
  });

  it('documents each request type in the OpenAPI document', async () => {
    const response = await get('/openapi.json');
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    const body = doc.paths['/api/change-requests'].post.requestBody.content['application/json'].schema;
    const variants: { properties: { type: { const?: string; enum?: string[] } } }[] =
      body.oneOf ?? body.anyOf;
    const types = variants.map((v) => v.properties.type.const ?? v.properties.type.enum?.[0]);
    expect(types.sort()).toEqual(
      [
        'add_member',
        'change_head',
        'correct_personal_data',
        'merge_households',
        'remove_member',
        'split_household',
      ].sort(),
    );
    expect(doc.paths['/api/change-requests/{id}/apply']).toBeDefined();
  });
});
