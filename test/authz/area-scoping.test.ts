import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/access/actor.ts';
import { seedPopulation } from '../../src/synthetic/seed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { signInCitizen } from '../support/auth.ts';

/**
 * Area scoping inside SQL: a social worker of one mahalla searches, counts and exports that mahalla and
 * nothing else; health data reaches disability roles and the person; outside the worklist a purpose is
 * stated; and the citizen sees who read their data.
 */
describe('area scoping, health data, purpose and the citizen access log', () => {
  let t: TestApp;
  let mahalla: string;
  let district: string;
  let inMahalla: number;
  let personsInMahalla: number;
  let otherHousehold: string;
  let worker: Record<string, string>;

  const grant = (role: RoleGrant['role'], area: RoleGrant['area']): RoleGrant[] => [
    { role, area, organisation: 'Inson centre' },
  ];

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      // Enough that a mahalla holds several households (802 mahallas in Khorezm).
      households: 2500,
      seed: 17,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    const busiest = await sql<{ mahalla_code: string; district_code: string; n: number }>`
      select mahalla_code, district_code, count(*)::int as n from household where dissolved_on is null
      group by mahalla_code, district_code order by n desc, mahalla_code limit 1`.execute(t.database.db);
    const row = busiest.rows[0];
    if (!row) throw new Error('no households seeded');
    ({ mahalla_code: mahalla, district_code: district, n: inMahalla } = row);
    const persons = await sql<{ n: number }>`
      select count(*)::int as n from membership m join household h on h.id = m.household_id
      where m.valid_to is null and h.mahalla_code = ${mahalla}`.execute(t.database.db);
    personsInMahalla = persons.rows[0]?.n ?? 0;
    const other = await t.database.db
      .selectFrom('household')
      .select('id')
      .where('mahalla_code', '<>', mahalla)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    otherHousehold = other.id;
    worker = await t.staff('worker.scope', grant('social_worker', { kind: 'mahalla', code: mahalla }));
  }, 180_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const as = (headers: Record<string, string>, url: string) => t.app.inject({ method: 'GET', url, headers });

  it("lists, counts and searches only the social worker's mahalla", async () => {
    expect(inMahalla).toBeGreaterThan(1);
    const list = await as(worker, '/api/households?pageSize=100');
    expect(list.statusCode).toBe(200);
    const page = list.json<{ items: { mahallaCode: string }[]; total: number }>();
    expect(page.total).toBe(inMahalla);
    expect(new Set(page.items.map((h) => h.mahallaCode))).toEqual(new Set([mahalla]));

    // A filter naming another place finds nothing, instead of widening the scope.
    const elsewhere = await as(
      worker,
      `/api/households?districtCode=${district === '1733204' ? '1733208' : '1733204'}`,
    );
    expect(elsewhere.json<{ total: number }>().total).toBe(0);

    const summary = (await as(worker, '/api/registry/summary')).json<{
      households: number;
      persons: number;
      mahallas: number;
      byDistrict: { code: string; households: number }[];
    }>();
    expect(summary).toMatchObject({ households: inMahalla, persons: personsInMahalla, mahallas: 1 });
    expect(summary.byDistrict).toEqual([expect.objectContaining({ code: district, households: inMahalla })]);

    const persons = (await as(worker, '/api/persons?pageSize=100')).json<{ total: number }>();
    expect(persons.total).toBe(personsInMahalla);

    // The same queries by a region-wide officer see everything: the scope, not the data, made the difference.
    const all = (await t.api({ method: 'GET', url: '/api/registry/summary' })).json<{ households: number }>();
    expect(all.households).toBe(2500);
  });

  it("exports the social worker's mahalla only", async () => {
    const csv = await as(worker, '/api/households/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,district_code,mahalla_code,address,members,head_last_name,head_first_name');
    expect(lines).toHaveLength(inMahalla + 1);
    for (const line of lines.slice(1)) expect(line.split(',')[2]).toBe(mahalla);
  });

  it('refuses a record outside the mahalla with 403 and nothing of the record', async () => {
    const refused = await as(worker, `/api/households/${otherHousehold}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    expect(refused.body).not.toContain(otherHousehold);
  });

  it('shows health data to disability roles and to the person, not to others', async () => {
    const disabled = await sql<{ household_id: string; person_id: string }>`
      select m.household_id, m.person_id from disability d
      join membership m on m.person_id = d.person_id and m.valid_to is null
      where d.valid_to is null order by m.household_id limit 1`.execute(t.database.db);
    const row = disabled.rows[0];
    if (!row) throw new Error('the seed has no person with a disability');
    const place = await t.database.db
      .selectFrom('household')
      .select(['district_code', 'mahalla_code'])
      .where('id', '=', row.household_id)
      .executeTakeFirstOrThrow();
    const url = `/api/households/${row.household_id}?purpose=disability_assessment`;
    const disabilitiesOf = async (headers: Record<string, string>) => {
      const reply = await as(headers, url);
      expect(reply.statusCode).toBe(200);
      return reply.json<{ facts: { disabilities: { personId: string }[] } }>().facts.disabilities;
    };
    const assessor = await t.staff(
      'assessor.scope',
      grant('disability_assessor', { kind: 'district', code: place.district_code }),
    );
    expect((await disabilitiesOf(assessor)).map((d) => d.personId)).toContain(row.person_id);
    const officer = await t.staff(
      'officer.scope',
      grant('district_officer', { kind: 'district', code: place.district_code }),
    );
    expect(await disabilitiesOf(officer)).toEqual([]);
    const self = await signInCitizen(t.database.db, t.config, row.person_id);
    expect((await disabilitiesOf(self.headers)).map((d) => d.personId)).toEqual([row.person_id]);
  });

  it('asks staff outside their own area and worklist for a purpose, and records it', async () => {
    // A region-wide grant is oversight reach, not a place of work: opening one family there needs a reason.
    const officer = await t.staff(
      'officer.purpose',
      grant('regional_admin', { kind: 'region', code: '1733' }),
    );
    const districtOfficer = await t.staff(
      'district.purpose',
      grant('district_officer', { kind: 'district', code: district }),
    );
    const household = await t.database.db
      .selectFrom('household')
      .select('id')
      .where('mahalla_code', '=', mahalla)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const without = await as(officer, `/api/households/${household.id}`);
    expect(without.statusCode).toBe(403);
    expect(without.json<{ error: { code: string } }>().error.code).toBe('PURPOSE_REQUIRED');
    const badPurpose = await as(officer, `/api/households/${household.id}?purpose=curiosity`);
    expect(badPurpose.statusCode).toBe(400);
    const stated = await t.app.inject({
      method: 'GET',
      url: `/api/households/${household.id}`,
      headers: { ...officer, 'x-himoya-purpose': 'application_review' },
    });
    expect(stated.statusCode).toBe(200);
    const entry = await t.database.db
      .selectFrom('audit_log')
      .select(['purpose', 'action', 'resource_id', 'role'])
      .where('resource_id', '=', household.id)
      .where('purpose', '=', 'application_review')
      .executeTakeFirst();
    expect(entry).toMatchObject({ action: 'read', role: 'regional_admin' });
    // In the social worker's own mahalla, and the district officer's own district, no purpose is asked.
    expect((await as(districtOfficer, `/api/households/${household.id}`)).statusCode).toBe(200);
    expect((await as(worker, `/api/households/${household.id}`)).statusCode).toBe(200);
  });

  it("shows the citizen who read their data (role and organisation, never the officer's name)", async () => {
    const household = await t.database.db
      .selectFrom('household')
      .select('id')
      .where('mahalla_code', '=', mahalla)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const head = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', household.id)
      .where('relationship', '=', 'head')
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();
    expect((await as(worker, `/api/households/${household.id}`)).statusCode).toBe(200);
    const citizen = await signInCitizen(t.database.db, t.config, head.person_id);
    // The citizen's own read is not an access by someone else.
    expect((await as(citizen.headers, `/api/households/${household.id}`)).statusCode).toBe(200);
    const log = await as(citizen.headers, '/api/me/access-log');
    expect(log.statusCode).toBe(200);
    const items = log.json<{ items: Record<string, unknown>[] }>().items;
    expect(items).toContainEqual(
      expect.objectContaining({ role: 'social_worker', organisation: 'Inson centre', action: 'read' }),
    );
    expect(items.every((i) => i.role !== 'citizen')).toBe(true);
    expect(log.body).not.toContain('worker.scope');
  });
});
