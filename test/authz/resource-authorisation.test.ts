import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/access/actor.ts';
import { submitAppeal } from '../../src/casework/appeal.service.ts';
import { submitApplication } from '../../src/casework/application.service.ts';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { createMachineClient } from '../../src/identity/machine.service.ts';
import { submitChangeRequest } from '../../src/registry/change-requests/change-request.service.ts';
import { createHousehold } from '../../src/registry/households/household.service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { KHOREZM, signInCitizen } from '../support/auth.ts';
import { Factory, type PersonBody } from '../support/factories.ts';

/**
 * Issue 10, findings 1, 2 and the reads of finding 7: authorisation follows the record a handler touches,
 * machine tokens act only within their scopes, and every read of a family's record leaves an audit entry.
 */

const MAHALLA = '1733212001';
/** Another district of Khorezm: outside the social worker's mahalla and the citizen's household. */
const OTHER_MAHALLA = '1733401001';

interface Family {
  householdId: string;
  head: PersonBody;
  child: PersonBody;
}

describe('authorisation follows the resource', () => {
  let t: TestApp;
  const factory = new Factory(1010);
  let mine: Family;
  let theirs: Family;
  let worker: Record<string, string>;
  let citizen: Record<string, string>;

  const family = async (mahallaCode: string): Promise<Family> => {
    const head = factory.person({ sex: 'M', birthDate: '1980-03-03' });
    const householdId = randomUUID();
    await createHousehold(t.database.db, {
      id: householdId,
      mahallaCode,
      address: 'Guliston 5',
      createdOn: '2020-01-01',
      head,
      source: 'social_worker',
    });
    const child = factory.person({ sex: 'F', birthDate: '2012-04-04', lastName: head.lastName });
    await submitChangeRequest(
      t.database.db,
      {
        id: randomUUID(),
        type: 'add_member',
        apply: true,
        householdId,
        person: child,
        relationship: 'child',
        effectiveDate: '2020-01-01',
      },
      'setup',
    );
    // A disability of the child: health data the leak exposed.
    await t.database.db
      .insertInto('disability')
      .values({ person_id: child.id, disability_group: 'II', valid_from: '2020-01-01', source: 'medical' })
      .execute();
    return { householdId, head, child };
  };

  const auditCount = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Nothing of the other family in an answer: no id, no PINFL, no name. */
  const expectNothingOf = (body: string, f: Family) => {
    for (const secret of [
      f.householdId,
      f.head.id,
      f.child.id,
      f.head.pinfl,
      f.child.pinfl,
      f.head.firstName,
    ]) {
      if (secret) expect(body).not.toContain(secret);
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    mine = await family(MAHALLA);
    theirs = await family(OTHER_MAHALLA);
    const grants: RoleGrant[] = [
      { role: 'social_worker', area: { kind: 'mahalla', code: MAHALLA }, organisation: 'Mahalla' },
    ];
    worker = await t.staff('worker-of-mahalla', grants);
    citizen = (await signInCitizen(t.database.db, t.config, mine.head.id)).headers;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const newHousehold = (overrides: Record<string, unknown>) => ({
    id: randomUUID(),
    mahallaCode: MAHALLA,
    address: 'Guliston 9',
    createdOn: '2024-01-01',
    head: { lastName: 'Yangi', firstName: 'Bosh', sex: 'M', birthDate: '1990-01-01' },
    ...overrides,
  });

  describe('finding 1: POST /api/households with the id of an existing household', () => {
    for (const [who, headers] of [
      ['a social worker', () => worker],
      ['a citizen', () => citizen],
    ] as const) {
      it(`refuses ${who} another area's household, with nothing of it and no audit entry`, async () => {
        for (const mahallaCode of [MAHALLA, '1733212999']) {
          const before = await auditCount();
          const reply = await t.app.inject({
            method: 'POST',
            url: '/api/households',
            headers: headers(),
            payload: newHousehold({ id: theirs.householdId, mahallaCode }),
          });
          expect(reply.statusCode).toBeGreaterThanOrEqual(400);
          expect(reply.statusCode).toBeLessThan(500);
          expectNothingOf(reply.body, theirs);
          expect(await auditCount()).toBe(before);
        }
      });
    }

    it('answers 409 HOUSEHOLD_ID_TAKEN for an id of its own area described otherwise', async () => {
      const reply = await t.app.inject({
        method: 'POST',
        url: '/api/households',
        headers: worker,
        payload: newHousehold({ id: mine.householdId }),
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json().error.code).toBe('HOUSEHOLD_ID_TAKEN');
      expectNothingOf(reply.body.replace(mine.householdId, ''), mine);
    });

    it('hands a true retry its household back, recorded as a read, without health data', async () => {
      const body = newHousehold({});
      const first = await t.app.inject({
        method: 'POST',
        url: '/api/households',
        headers: worker,
        payload: body,
      });
      expect(first.statusCode).toBe(201);
      const before = await auditCount();
      const retry = await t.app.inject({
        method: 'POST',
        url: '/api/households',
        headers: worker,
        payload: body,
      });
      expect(retry.statusCode).toBe(200);
      expect(retry.json().id).toBe(body.id);
      expect(retry.json().facts.disabilities).toEqual([]);
      expect(await auditCount()).toBe(before + 1);
      const entry = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'resource_id'])
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(entry).toEqual({ action: 'read', resource_id: body.id });
    });

    it('refuses a head taken from another area’s family (403, no household named)', async () => {
      const reply = await t.app.inject({
        method: 'POST',
        url: '/api/households',
        headers: worker,
        payload: newHousehold({ head: { personId: theirs.child.id } }),
      });
      expect(reply.statusCode).toBe(403);
      expectNothingOf(reply.body.replace(theirs.child.id, ''), theirs);
    });
  });

  describe('finding 1: change requests naming another family', () => {
    it('refuses add_member of another area’s person with 403, naming no household', async () => {
      const reply = await t.app.inject({
        method: 'POST',
        url: '/api/change-requests',
        headers: worker,
        payload: {
          id: randomUUID(),
          type: 'add_member',
          householdId: mine.householdId,
          person: { personId: theirs.child.id },
          relationship: 'other',
          effectiveDate: '2026-02-01',
        },
      });
      expect(reply.statusCode).toBe(403);
      expect(reply.body).not.toContain(theirs.householdId);
    });

    it('names no other household when the person is elsewhere in the caller’s own area', async () => {
      const officer = await t.staff('district-officer', [
        { role: 'district_officer', area: { kind: 'region', code: KHOREZM }, organisation: 'Region' },
      ]);
      const reply = await t.app.inject({
        method: 'POST',
        url: '/api/change-requests',
        headers: officer,
        payload: {
          id: randomUUID(),
          type: 'add_member',
          householdId: mine.householdId,
          person: { personId: theirs.child.id },
          relationship: 'other',
          effectiveDate: '2026-02-01',
        },
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json().error.code).toBe('PERSON_IN_OTHER_HOUSEHOLD');
      expect(reply.body).not.toContain(theirs.householdId);
    });

    it('does not name who holds a PINFL already taken', async () => {
      const reply = await t.app.inject({
        method: 'POST',
        url: '/api/change-requests',
        headers: worker,
        payload: {
          id: randomUUID(),
          type: 'add_member',
          householdId: mine.householdId,
          person: { ...factory.person({ sex: 'M', birthDate: '1980-03-03' }), pinfl: theirs.head.pinfl },
          relationship: 'other',
          effectiveDate: '2026-02-01',
        },
      });
      expect(reply.statusCode).toBe(409);
      expect(reply.json().error.code).toBe('PINFL_TAKEN');
      expectNothingOf(reply.body.replace(theirs.head.pinfl ?? '', ''), theirs);
    });
  });

  describe('finding 2: machine tokens act within their scopes only', () => {
    const tokenFor = async (clientId: string, scopes: string[]) => {
      await createMachineClient(t.database.db, {
        clientId,
        secret: `${clientId}-secret`,
        agency: 'tax',
        scopes,
        area: { kind: 'region', code: KHOREZM },
      });
      const reply = await t.app.inject({
        method: 'POST',
        url: '/auth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: `${clientId}-secret`,
        },
      });
      return { authorization: `Bearer ${reply.json<{ access_token: string }>().access_token}` };
    };

    it('a dci.search token reads nothing through /api', async () => {
      const headers = await tokenFor('dci-only', ['dci.search']);
      for (const url of [
        '/api/households',
        '/api/persons',
        '/api/households/export.csv',
        '/api/registry/summary',
      ]) {
        const reply = await t.app.inject({ method: 'GET', url, headers });
        expect({ url, status: reply.statusCode }).toEqual({ url, status: 403 });
        expect(reply.json().error.code).toBe('FORBIDDEN');
      }
      const record = await t.app.inject({
        method: 'GET',
        url: `/api/households/${mine.householdId}`,
        headers,
      });
      expect(record.statusCode).toBe(403);
    });

    it('a registry.read token lists within its area, and is refused the DCI API', async () => {
      const headers = await tokenFor('registry-reader', ['registry.read']);
      const list = await t.app.inject({ method: 'GET', url: '/api/households', headers });
      expect(list.statusCode).toBe(200);
      expect(list.json().total).toBeGreaterThanOrEqual(2);
      const dci = await t.app.inject({
        method: 'POST',
        url: '/dci/registry/sync/search',
        headers,
        payload: {},
      });
      expect(dci.statusCode).toBe(403);
    });

    it('a client cannot be registered with a scope outside the known list', async () => {
      await expect(
        createMachineClient(t.database.db, {
          clientId: 'odd',
          secret: 'odd-secret',
          agency: 'tax',
          scopes: ['registry.write'],
          area: null,
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('finding 7: every read of a family’s casework is audited', () => {
    it('GET /api/decisions, /api/cases and the casework reads each append an audit entry', async () => {
      const officer = await t.staff('auditing-officer');
      const reads = ['/api/decisions', '/api/cases', '/api/applications', '/api/appeals', '/api/overrides'];
      const pending = await submitChangeRequest(
        t.database.db,
        {
          id: randomUUID(),
          type: 'correct_personal_data',
          personId: mine.head.id,
          changes: { phone: '+998901112233' },
          effectiveDate: '2026-01-01',
        },
        'setup',
      );
      reads.push(`/api/change-requests/${pending.request.id}`, '/api/change-requests');
      const db = t.database.db;
      const approved = randomUUID();
      const override = {
        householdId: mine.householdId,
        programme: 'material_assistance' as const,
        month: '2026-03',
        amount: 380_000,
        reason: 'setup',
        legalBasis: 'setup',
      };
      await createOverride(db, { ...override, id: approved }, 'staff:a');
      const decided = await db.transaction().execute((trx) => approveOverride(trx, approved, 'staff:b'));
      const { appeal } = await submitAppeal(
        db,
        { id: randomUUID(), decisionId: decided.decisionId ?? 0, grounds: 'setup' },
        'setup',
      );
      const { application } = await submitApplication(
        db,
        {
          id: randomUUID(),
          householdId: mine.householdId,
          programme: 'social_registry',
          channel: 'portal',
          submittedOn: '2026-03-05',
        },
        'setup',
      );
      reads.push(
        `/api/overrides/${approved}`,
        `/api/appeals/${appeal.id}`,
        `/api/applications/${application.id}`,
        `/api/decisions/${decided.decisionId}`,
      );
      for (const url of reads) {
        const before = await auditCount();
        const reply = await t.app.inject({ method: 'GET', url, headers: officer });
        expect({ url, status: reply.statusCode }).toEqual({ url, status: 200 });
        expect({ url, entries: (await auditCount()) - before }).toEqual({ url, entries: 1 });
      }
    });
  });
});
