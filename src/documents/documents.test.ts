import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { signInCitizen } from '../../test/support/auth.ts';
import { Factory } from '../../test/support/factories.ts';
import { createHousehold } from '../registry/households/household.service.ts';
import { MAX_DOCUMENT_BYTES } from './documents.service.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

describe('documents a family uploads', () => {
  let t: TestApp;
  const factory = new Factory(44);

  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  async function family() {
    const head = factory.person({ sex: 'F', birthDate: '1985-05-05' });
    const householdId = randomUUID();
    await createHousehold(t.database.db, {
      id: householdId,
      mahallaCode: '1733204001',
      address: 'Test 1',
      createdOn: '2020-01-01',
      head,
      source: 'civil_registry',
    });
    return { householdId, headers: (await signInCitizen(t.database.db, t.config, head.id)).headers };
  }

  const upload = (headers: Record<string, string>, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/me/documents', headers, payload: body });

  it('stores a file that is what it says, idempotently, and gives it back to the family only', async () => {
    const mine = await family();
    const body = {
      id: randomUUID(),
      filename: 'passport.png',
      contentType: 'image/png',
      dataBase64: PNG.toString('base64'),
    };
    const first = await upload(mine.headers, body);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      filename: 'passport.png',
      size: PNG.length,
      contentType: 'image/png',
    });
    expect((await upload(mine.headers, body)).statusCode).toBe(200);
    const other = await upload(mine.headers, {
      ...body,
      dataBase64: Buffer.concat([PNG, Buffer.from('x')]).toString('base64'),
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('DOCUMENT_ID_REUSED');

    const list = await t.app.inject({ method: 'GET', url: '/api/me/documents', headers: mine.headers });
    expect(list.json().items.map((d: { id: string }) => d.id)).toEqual([body.id]);
    const content = await t.app.inject({
      method: 'GET',
      url: `/api/me/documents/${body.id}/content`,
      headers: mine.headers,
    });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(content.rawPayload, PNG)).toBe(0);

    const theirs = await family();
    const stolen = await t.app.inject({
      method: 'GET',
      url: `/api/me/documents/${body.id}/content`,
      headers: theirs.headers,
    });
    expect(stolen.statusCode).toBe(404);

    // Staff of the area read the list (with a purpose outside their worklist), and the read is audited.
    const staff = await t.api({ method: 'GET', url: `/api/households/${mine.householdId}/documents` });
    expect(staff.json().items).toHaveLength(1);
  });

  it('refuses a file that is not what its type says, one too large, and a foreign application', async () => {
    const mine = await family();
    const fake = await upload(mine.headers, {
      id: randomUUID(),
      filename: 'virus.pdf',
      contentType: 'application/pdf',
      dataBase64: Buffer.from('MZ this is an executable').toString('base64'),
    });
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.code).toBe('DOCUMENT_TYPE_NOT_ALLOWED');
    const big = Buffer.alloc(MAX_DOCUMENT_BYTES + 1);
    PNG.copy(big);
    const tooLarge = await upload(mine.headers, {
      id: randomUUID(),
      filename: 'big.png',
      contentType: 'image/png',
      dataBase64: big.toString('base64'),
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('DOCUMENT_TOO_LARGE');
    const foreign = await upload(mine.headers, {
      id: randomUUID(),
      applicationId: randomUUID(),
      filename: 'a.png',
      contentType: 'image/png',
      dataBase64: PNG.toString('base64'),
    });
    expect(foreign.statusCode).toBe(404);
    const stored = await t.database.db
      .selectFrom('document')
      .select('id')
      .where('household_id', '=', mine.householdId)
      .execute();
    expect(stored).toEqual([]);
  });
});
