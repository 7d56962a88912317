import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/access/actor.ts';
import { submitApplication } from '../../src/casework/application.service.ts';
import { enqueue } from '../../src/outbox/outbox.service.ts';
import { seedPopulation } from '../../src/synthetic/seed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { signInCitizen } from '../support/auth.ts';

/**
 * The worklists' counts (`GET <list>/count`): the list's own filters and area scoping, nothing read. An
 * officer counts their district only, a citizen their own family's, and a role that cannot open a list is
 * refused its count as it is refused the list (the staff home hides that list on the 403).
 */
describe('worklist counts', () => {
  let t: TestApp;
  let homeA: { id: string; district: string };
  let homeB: { id: string; district: string };
  let officer: Record<string, string>;
  let admin: Record<string, string>;

  const grant = (role: RoleGrant['role'], area: RoleGrant['area']): RoleGrant[] => [
    { role, area, organisation: 'Inson centre' },
  ];
  const get = async (headers: Record<string, string>, url: string) => {
    const reply = await t.app.inject({ method: 'GET', url, headers });
    return { status: reply.statusCode, body: reply.json() as { total: number; items?: unknown[] } };
  };
  const apply = (householdId: string) =>
    submitApplication(
      t.database.db,
      {
        id: randomUUID(),
        householdId,
        programme: 'social_registry',
        channel: 'centre',
        submittedOn: '2026-03-02',
      },
      'worker.count',
    );

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 60,
      seed: 23,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    const rows = await t.database.db
      .selectFrom('household')
      .select(['id', 'district_code'])
      .where('dissolved_on', 'is', null)
      .orderBy('id')
      .execute();
    const first = rows[0];
    const other = rows.find((r) => r.district_code !== first?.district_code);
    if (!first || !other) throw new Error('the seed holds no two districts');
    homeA = { id: first.id, district: first.district_code };
    homeB = { id: other.id, district: other.district_code };
    // Two applications in A's district (one of them decided already), one in B's.
    const decided = await apply(homeA.id);
    await apply(homeA.id);
    await apply(homeB.id);
    await t.database.db
      .updateTable('application')
      .set({ status: 'decided' })
      .where('id', '=', decided.application.id)
      .execute();
    officer = await t.staff(
      'officer.count',
      grant('district_officer', { kind: 'district', code: homeA.district }),
    );
    admin = await t.staff('admin.count', grant('regional_admin', null));
  }, 180_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it("counts an officer's district only, open ones with open=true, as the list's total says", async () => {
    const all = await get(officer, '/api/applications/count');
    const open = await get(officer, '/api/applications/count?open=true');
    expect(all).toEqual({ status: 200, body: { total: 2 } });
    expect(open).toEqual({ status: 200, body: { total: 1 } });
    const list = await get(officer, '/api/applications?open=true');
    expect(list.body.total).toBe(1);
    expect(list.body.items).toHaveLength(1);
    // The region-wide administrator counts both districts (B's application is not in the officer's count).
    expect((await get(admin, '/api/applications/count?open=true')).body.total).toBe(2);
  });

  it("counts a citizen's own family's applications only", async () => {
    const head = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', homeB.id)
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();
    const citizen = (await signInCitizen(t.database.db, t.config, head.person_id)).headers;
    expect(await get(citizen, '/api/applications/count?open=true')).toEqual({
      status: 200,
      body: { total: 1 },
    });
  });

  it('counts the other worklists with the same filters as their lists', async () => {
    for (const [count, list] of [
      ['/api/change-requests/count?status=pending', '/api/change-requests?status=pending'],
      ['/api/overrides/count?status=pending', '/api/overrides?status=pending'],
      ['/api/appeals/count?open=true', '/api/appeals?open=true'],
      ['/api/duplicates/count', '/api/duplicates'],
    ] as const) {
      const counted = await get(officer, count);
      expect(counted.status, count).toBe(200);
      expect(counted.body.total, count).toBe((await get(officer, list)).body.total);
    }
  });

  it('counts dead letters for administrators and refuses the count where the list is refused', async () => {
    const before = (await get(admin, '/api/outbox/dead-letters/count')).body.total;
    const { id } = await enqueue(t.database.db, {
      kind: 'sms',
      payload: {},
      target: '+998901112233',
      idempotencyKey: `count:${randomUUID()}`,
    });
    await t.database.db
      .updateTable('outbox_message')
      .set({ status: 'dead', dead_reason: 'refused', dead_at: new Date() })
      .where('id', '=', id)
      .execute();
    expect(await get(admin, '/api/outbox/dead-letters/count')).toEqual({
      status: 200,
      body: { total: before + 1 },
    });
    expect((await get(officer, '/api/outbox/dead-letters/count')).status).toBe(403);
    expect((await get(officer, '/api/outbox/dead-letters')).status).toBe(403);
    const worker = await t.staff(
      'worker.count',
      grant('social_worker', { kind: 'district', code: homeA.district }),
    );
    expect((await get(worker, '/api/duplicates/count')).status).toBe(403);
    expect((await get(worker, '/api/overrides/count')).status).toBe(403);
  });
});
