import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
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

/** A PNG chunk with its length and CRC, as an encoder writes it. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The PNG with a text chunk before its IEND: another well-formed PNG. */
const withText = (png: Buffer, text: string) =>
  Buffer.concat([
    png.subarray(0, png.length - 12),
    chunk('tEXt', Buffer.from(text, 'latin1')),
    png.subarray(-12),
  ]);

const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb0043000101ffd9', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

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
      dataBase64: withText(PNG, 'Comment\0another scan').toString('base64'),
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
    // Never opened in the browser's window, never sniffed into another type.
    expect(content.headers['content-disposition']).toBe('attachment; filename="passport.png"');
    expect(content.headers['x-content-type-options']).toBe('nosniff');
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

  it('checks a file from its first byte to its last: PNG chunks to IEND, JPEG SOI to EOI, PDF to %%EOF', async () => {
    const mine = await family();
    const send = (contentType: string, data: Buffer) =>
      upload(mine.headers, {
        id: randomUUID(),
        filename: 'f',
        contentType,
        dataBase64: data.toString('base64'),
      });
    const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
    const refused: [string, Buffer][] = [
      // A PNG signature followed by an HTML page: the first bytes alone would pass.
      ['image/png', Buffer.concat([PNG.subarray(0, 8), html])],
      ['image/png', Buffer.concat([PNG, html])],
      ['image/png', withText(PNG, 'Comment\0<script src=//evil.example/x.js></script>')],
      ['image/png', Buffer.concat([PNG.subarray(0, 30), Buffer.from([0, 0]), PNG.subarray(32)])],
      ['image/png', PNG.subarray(0, PNG.length - 12)],
      ['image/jpeg', JPEG.subarray(0, JPEG.length - 2)],
      ['image/jpeg', Buffer.concat([JPEG.subarray(0, 4), Buffer.from('<!DOCTYPE html>'), JPEG.subarray(4)])],
      ['application/pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), html])],
      ['application/pdf', Buffer.concat([PDF, Buffer.alloc(2000, 0x20)])],
    ];
    for (const [type, data] of refused) {
      const res = await send(type, data);
      expect(res.statusCode, `${type} ${data.subarray(0, 40).toString('latin1')}`).toBe(400);
      expect(res.json().error.code).toBe('DOCUMENT_TYPE_NOT_ALLOWED');
    }
    for (const [type, data] of [
      ['image/png', withText(PNG, 'Comment\0scan of a passport')],
      ['image/jpeg', JPEG],
      ['application/pdf', PDF],
    ] as const) {
      expect((await send(type, data)).statusCode).toBe(201);
    }
  });
});

describe('the upload quota of a person', () => {
  let t: TestApp;
  const factory = new Factory(45);

  beforeAll(async () => {
    t = await createTestApp({
      env: { DOCUMENT_MAX_PER_PERSON: '3', DOCUMENT_MAX_BYTES_PER_PERSON: String(PNG.length * 3 + 200) },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  async function citizen() {
    const head = factory.person({ sex: 'M', birthDate: '1980-02-02' });
    await createHousehold(t.database.db, {
      id: randomUUID(),
      mahallaCode: '1733204001',
      address: 'Test 2',
      createdOn: '2020-01-01',
      head,
      source: 'civil_registry',
    });
    return (await signInCitizen(t.database.db, t.config, head.id)).headers;
  }
  const send = (headers: Record<string, string>, data: Buffer, id: string = randomUUID()) =>
    t.app.inject({
      method: 'POST',
      url: '/api/me/documents',
      headers,
      payload: { id, filename: 'scan.png', contentType: 'image/png', dataBase64: data.toString('base64') },
    });

  it('refuses the upload past the count, with the limits in the error, and still answers a repeat', async () => {
    const headers = await citizen();
    const first = randomUUID();
    expect((await send(headers, PNG, first)).statusCode).toBe(201);
    expect((await send(headers, withText(PNG, 'Comment\0two'))).statusCode).toBe(201);
    expect((await send(headers, withText(PNG, 'Comment\0three'))).statusCode).toBe(201);
    const over = await send(headers, withText(PNG, 'Comment\0four'));
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'DOCUMENT_QUOTA_EXCEEDED',
      details: { count: 3, maxCount: 3 },
    });
    // The same upload again is the same document, quota or not.
    expect((await send(headers, PNG, first)).statusCode).toBe(200);
  });

  it('refuses the upload past the total size', async () => {
    const headers = await citizen();
    expect((await send(headers, withText(PNG, `Comment\0${'a'.repeat(PNG.length + 150)}`))).statusCode).toBe(
      201,
    );
    expect((await send(headers, PNG)).statusCode).toBe(201);
    const over = await send(headers, withText(PNG, `Comment\0${'b'.repeat(PNG.length)}`));
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe('DOCUMENT_QUOTA_EXCEEDED');
  });

  it('holds under parallel uploads: no more than the quota is stored', async () => {
    const headers = await citizen();
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) => send(headers, withText(PNG, `Comment\0parallel ${i}`))),
    );
    const statuses = replies.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409]);
  });
});
