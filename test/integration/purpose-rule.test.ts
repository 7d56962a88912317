import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/access/actor.ts';
import { uploadDocument } from '../../src/documents/documents.service.ts';
import { createHousehold } from '../../src/registry/households/household.service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { KHOREZM } from '../support/auth.ts';
import { Factory } from '../support/factories.ts';

/**
 * The purpose rule of issue 12, point 5: no purpose inside one's own area (a district officer's district),
 * a purpose outside it (a region-wide administrator or auditor opening one family), and once stated it
 * covers every section the role may read, the documents included, without stating it again.
 */

/** The smallest PNG: a file that is what it says it is. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

interface Access {
  allowedActions: string[];
  purposeRequired: boolean;
  purpose: string | null;
}

describe('the purpose rule', () => {
  let t: TestApp;
  let district: string;
  let own: string;
  let elsewhere: string;
  const grant = (role: RoleGrant['role'], area: RoleGrant['area']): RoleGrant[] => [
    { role, area, organisation: 'Test office' },
  ];

  const household = async (mahallaCode: string, factory: Factory) => {
    const head = factory.person({ birthDate: '1980-05-05', sex: 'M' });
    const id = randomUUID();
    await createHousehold(t.database.db, {
      id,
      mahallaCode,
      address: 'Test street 1',
      createdOn: '2020-01-01',
      head,
      source: 'social_worker',
    });
    await uploadDocument(
      t.database.db,
      {
        id: randomUUID(),
        personId: head.id ?? '',
        householdId: id,
        filename: 'passport.png',
        contentType: 'image/png',
        data: TINY_PNG,
      },
      { maxCount: 10, maxBytes: 1_000_000 },
    );
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const mahallas = await t.database.db
      .selectFrom('mahalla')
      .select(['code', 'district_code'])
      .where('district_code', 'like', `${KHOREZM}%`)
      .orderBy('code')
      .execute();
    const first = mahallas[0];
    const other = mahallas.find((m) => m.district_code !== first?.district_code);
    if (!first || !other) throw new Error('the Khorezm territory is not installed');
    district = first.district_code;
    const factory = new Factory(31);
    // Neither household has open casework: only the area decides.
    own = await household(first.code, factory);
    elsewhere = await household(other.code, factory);
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const get = (headers: Record<string, string>, url: string) => t.app.inject({ method: 'GET', url, headers });

  it('asks a district officer for no purpose in their own district', async () => {
    const officer = await t.staff(
      'purpose.district',
      grant('district_officer', { kind: 'district', code: district }),
    );
    const access = (await get(officer, `/api/households/${own}/access`)).json<Access>();
    expect(access).toMatchObject({ purposeRequired: false, purpose: null });
    expect(access.allowedActions).toEqual(expect.arrayContaining(['documents.read', 'override.propose']));
    expect((await get(officer, `/api/households/${own}`)).statusCode).toBe(200);
    expect((await get(officer, `/api/households/${own}/documents`)).statusCode).toBe(200);
    // Another district is not theirs at all: refused, not a purpose asked.
    const outside = await get(officer, `/api/households/${elsewhere}`);
    expect(outside.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
  });

  for (const role of ['regional_admin', 'auditor'] as const) {
    it(`asks the ${role} for a purpose in a district, then reads the documents under it`, async () => {
      const staff = await t.staff(`purpose.${role}`, grant(role, { kind: 'region', code: KHOREZM }));
      const before = (await get(staff, `/api/households/${elsewhere}/access`)).json<Access>();
      expect(before).toMatchObject({ purposeRequired: true, purpose: null });
      const refused = await get(staff, `/api/households/${elsewhere}`);
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ error: { code: string } }>().error.code).toBe('PURPOSE_REQUIRED');
      expect((await get(staff, `/api/households/${elsewhere}/documents`)).statusCode).toBe(403);

      const opened = await get(staff, `/api/households/${elsewhere}?purpose=audit`);
      expect(opened.statusCode).toBe(200);
      expect(opened.json<Access>()).toMatchObject({ purposeRequired: true, purpose: 'audit' });
      expect(opened.json<Access>().allowedActions).toContain('documents.read');

      // The documents box asks without the purpose: the one stated for the record covers it.
      const documents = await get(staff, `/api/households/${elsewhere}/documents`);
      expect(documents.statusCode).toBe(200);
      expect(documents.json<{ items: { filename: string }[] }>().items.map((d) => d.filename)).toEqual([
        'passport.png',
      ]);
      const entry = await t.database.db
        .selectFrom('audit_log')
        .select(['purpose', 'role'])
        .where('resource_type', '=', 'document')
        .where('resource_id', '=', elsewhere)
        .where('role', '=', role)
        .executeTakeFirstOrThrow();
      expect(entry.purpose).toBe('audit');

      // The purpose covers that household only.
      expect((await get(staff, `/api/households/${own}/documents`)).statusCode).toBe(403);
    });
  }

  it('lets a stated purpose lapse after its hour', async () => {
    const admin = await t.staff('purpose.lapse', grant('regional_admin', { kind: 'region', code: KHOREZM }));
    expect((await get(admin, `/api/households/${own}?purpose=statistics`)).statusCode).toBe(200);
    expect((await get(admin, `/api/households/${own}/documents`)).statusCode).toBe(200);
    await t.database.db
      .updateTable('purpose_grant')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('household_id', '=', own)
      .execute();
    const lapsed = await get(admin, `/api/households/${own}/documents`);
    expect(lapsed.json<{ error: { code: string } }>().error.code).toBe('PURPOSE_REQUIRED');
  });
});
