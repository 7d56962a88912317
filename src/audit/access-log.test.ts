import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInCitizen, signInStaff } from '../../test/support/auth.ts';
import type { Actor } from '../access/actor.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import {
  type AuditEntryInput,
  actorFields,
  appendAudit,
  unsealedEntries,
  verifyAuditChain,
} from './audit.service.ts';
import { type ActorTestApp, citizen, createActorTestApp, official } from './audit.test-support.ts';

interface Page<T> {
  items: T[];
  total: number;
}
interface AccessItem {
  seq: number;
  role: string | null;
  organisation: string | null;
  purpose: string | null;
  purposeLabel: string | null;
  action: string;
  resourceType: string;
  fields: string[];
}
interface ErrorReply {
  error: { code: string };
}

describe("citizens' access log, complaints and the auditor's view", () => {
  let t: ActorTestApp;
  /** A person in a household with others, another member, and someone of another household. */
  let me: string;
  let myHousehold: string;
  let other: string;
  let otherHousehold: string;
  const worker = official('acc-7f3e', 'social_worker');
  const auditor = official('acc-audit-1', 'auditor');
  const seqs = { personRead: 0, householdRead: 0, ownRead: 0, strangerRead: 0 };

  const entry = (actor: Actor, extra: Omit<AuditEntryInput, 'actorKind' | 'actorId'>): AuditEntryInput => ({
    ...actorFields(actor),
    ...extra,
  });

  beforeAll(async () => {
    t = await createActorTestApp();
    await seedPopulation(t.database, { households: 6, seed: 11, scope: 'khorezm', progress: false });
    const members = await t.database.db
      .selectFrom('membership')
      .select(['person_id', 'household_id'])
      .where('valid_to', 'is', null)
      .orderBy('household_id')
      .orderBy('person_id')
      .execute();
    const first = members[0];
    const stranger = members.find((m) => m.household_id !== first?.household_id);
    if (!first || !stranger) throw new Error('the seed made too few households');
    me = first.person_id;
    myHousehold = first.household_id;
    other = stranger.person_id;
    otherHousehold = stranger.household_id;

    const appended = await appendAudit(t.database.db, [
      entry(worker, {
        action: 'read',
        resourceType: 'person',
        resourceId: me,
        subjectPersonIds: [me],
        fields: ['disability', 'incomes'],
        purpose: 'disability_assessment',
      }),
      entry(worker, {
        action: 'read',
        resourceType: 'household',
        resourceId: myHousehold,
        subjectHouseholdIds: [myHousehold],
        fields: ['members'],
      }),
      entry(citizen(me), { action: 'read', resourceType: 'person', resourceId: me, subjectPersonIds: [me] }),
      entry(worker, {
        action: 'read',
        resourceType: 'household',
        resourceId: otherHousehold,
        subjectPersonIds: [other],
        subjectHouseholdIds: [otherHousehold],
      }),
    ]);
    const [personRead, householdRead, ownRead, strangerRead] = appended.map((a) => a.seq);
    if (!personRead || !householdRead || !ownRead || !strangerRead) throw new Error('entries not appended');
    Object.assign(seqs, { personRead, householdRead, ownRead, strangerRead });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const get = (url: string, actor?: Actor, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...(actor ? t.as(actor) : {}), ...headers } });
  const post = (url: string, actor: Actor | undefined, payload: unknown) =>
    t.app.inject({ method: 'POST', url, headers: actor ? t.as(actor) : {}, payload: payload as object });

  it("shows staff accesses to the citizen and their household, not the citizen's own, nor anyone else's", async () => {
    // Nothing has sealed them yet (no sealer runs in this app): the log shows entries as soon as written.
    const sealed = await t.database.db.selectFrom('audit_batch').select('seqs').execute();
    expect(sealed.flatMap((b) => b.seqs.map(Number))).not.toContain(seqs.personRead);
    expect(await unsealedEntries(t.database.db)).toBeGreaterThanOrEqual(4);
    const reply = await get('/api/me/access-log', citizen(me));
    expect(reply.statusCode).toBe(200);
    const body = reply.json<Page<AccessItem>>();
    expect(body.items.map((i) => i.seq)).toEqual([seqs.householdRead, seqs.personRead]);
    expect(body.total).toBe(2);
    expect(body.items[1]).toMatchObject({
      role: 'social_worker',
      organisation: 'Inson centre, Urganch district',
      purpose: 'disability_assessment',
      purposeLabel: 'Nogironlikni baholash',
      action: 'read',
      resourceType: 'person',
      fields: ['disability', 'incomes'],
    });
    // Never the official's private name or account.
    expect(reply.body).not.toContain('Dilnoza');
    expect(reply.body).not.toContain('acc-7f3e');
    expect(body.items[1]).not.toHaveProperty('actorId');
  });

  it('labels the purpose in the language asked for and pages', async () => {
    const reply = await get('/api/me/access-log?page=2&pageSize=1', citizen(me), { 'accept-language': 'ru' });
    const body = reply.json<Page<AccessItem>>();
    expect(body.total).toBe(2);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]?.purposeLabel).toBe('Оценка инвалидности');
  });

  it('writes who, what and which sections in the asked language, never the codes', async () => {
    const reply = await get('/api/me/access-log', citizen(me), { 'accept-language': 'en' });
    const item =
      reply.json<Page<AccessItem & { who: string; actionLabel: string; fieldLabels: string[] }>>().items[1];
    expect(item?.who).toMatch(/^Social worker/);
    expect(item?.actionLabel).toBe('Viewed');
    expect(item?.fieldLabels).toEqual(['disability', 'income']);
    const ru = await get('/api/me/access-log', citizen(me), { 'accept-language': 'ru' });
    const ruItem =
      ru.json<Page<AccessItem & { who: string; actionLabel: string; fieldLabels: string[] }>>().items[1];
    expect(ruItem?.who).toMatch(/^Социальный работник/);
    expect(ruItem?.actionLabel).toBe('Просмотр');
    expect(ruItem?.fieldLabels).toEqual(['инвалидность', 'доходы']);
  });

  it('refuses the access log to nobody (401) and to officials and machines (403)', async () => {
    expect((await get('/api/me/access-log')).json<ErrorReply>().error.code).toBe('UNAUTHENTICATED');
    expect((await get('/api/me/access-log')).statusCode).toBe(401);
    const anonymous = await get('/api/me/access-log', { kind: 'anonymous' });
    expect(anonymous.statusCode).toBe(401);
    const staff = await get('/api/me/access-log', worker);
    expect(staff.statusCode).toBe(403);
    expect(staff.json<ErrorReply>().error.code).toBe('FORBIDDEN');
    const machine = await get('/api/me/access-log', {
      kind: 'machine',
      id: 'tax-client',
      agency: 'tax',
      scopes: [],
      grants: [],
    });
    expect(machine.statusCode).toBe(403);
    expect((await get('/api/me/access-complaints', worker)).statusCode).toBe(403);
    // Checked before the body is validated: nobody learns the route's validation rules.
    const noBody = await post(`/api/me/access-log/${seqs.personRead}/complaints`, undefined, {});
    expect(noBody.statusCode).toBe(401);
    const valid = { id: randomUUID(), text: 'Who?' };
    expect((await post(`/api/me/access-log/${seqs.personRead}/complaints`, worker, valid)).statusCode).toBe(
      403,
    );
  });

  it('files a complaint about an own entry, idempotently, and records it in the log', async () => {
    const complaint = { id: randomUUID(), text: 'I did not ask for a disability assessment.' };
    const url = `/api/me/access-log/${seqs.personRead}/complaints`;
    const created = await post(url, citizen(me), complaint);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: complaint.id, seq: seqs.personRead, status: 'open' });

    const retried = await post(url, citizen(me), complaint);
    expect(retried.statusCode).toBe(200);
    const reused = await post(url, citizen(me), { ...complaint, text: 'Something else' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json<ErrorReply>().error.code).toBe('ACCESS_COMPLAINT_ID_REUSED');

    const list = await get('/api/me/access-complaints', citizen(me));
    expect(list.json<Page<{ id: string }>>().items.map((c) => c.id)).toEqual([complaint.id]);
    expect((await get('/api/me/access-complaints', citizen(other))).json<Page<unknown>>().total).toBe(0);

    // Recorded once (not on the retry), as the citizen's own act, with the request id.
    const recorded = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_kind', 'actor_id', 'request_id'])
      .where('resource_type', '=', 'access_complaint')
      .execute();
    expect(recorded).toEqual([
      { actor_kind: 'citizen', actor_id: me, request_id: created.headers['x-request-id'] },
    ]);
  });

  it("refuses a complaint about an entry that is not in the citizen's log (404)", async () => {
    for (const seq of [seqs.strangerRead, seqs.ownRead, 999_999]) {
      const reply = await post(`/api/me/access-log/${seq}/complaints`, citizen(me), {
        id: randomUUID(),
        text: 'Who was this?',
      });
      expect(reply.statusCode).toBe(404);
      expect(reply.json<ErrorReply>().error.code).toBe('NOT_FOUND');
    }
    // A household member sees (and may complain about) the household's accesses, not the person's own.
    const sibling = await t.database.db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', myHousehold)
      .where('person_id', '!=', me)
      .where('valid_to', 'is', null)
      .executeTakeFirst();
    if (sibling) {
      const log = await get('/api/me/access-log', citizen(sibling.person_id));
      expect(log.json<Page<AccessItem>>().items.map((i) => i.seq)).toEqual([seqs.householdRead]);
    }
  });

  it('gives the auditor the entries, filtered, and records the search', async () => {
    expect((await get('/api/audit/entries', worker)).statusCode).toBe(403);
    expect((await get('/api/audit/entries', citizen(me))).statusCode).toBe(403);
    expect((await get('/api/audit/entries')).statusCode).toBe(401);

    const reply = await get(`/api/audit/entries?personId=${other}`, auditor);
    expect(reply.statusCode).toBe(200);
    const body = reply.json<Page<{ seq: number; actorId: string }>>();
    expect(body.items.map((e) => e.seq)).toEqual([seqs.strangerRead]);
    expect(body.items[0]?.actorId).toBe('acc-7f3e');

    const byActor = await get(`/api/audit/entries?actorId=acc-7f3e&action=read`, auditor);
    expect(byActor.json<Page<unknown>>().total).toBe(3);
    const future = await get(
      `/api/audit/entries?from=${encodeURIComponent('2099-01-01T00:00:00Z')}`,
      auditor,
    );
    expect(future.json<Page<unknown>>().total).toBe(0);

    // The auditor's look at the other person's entries is itself in that person's access log.
    const log = (await get('/api/me/access-log', citizen(other))).json<Page<AccessItem>>();
    expect(log.items[0]).toMatchObject({
      role: 'auditor',
      organisation: 'Inspection of personal data',
      purpose: 'audit',
      action: 'search',
      resourceType: 'audit_log',
    });
  });

  it('works with real sign-in sessions (cookie and CSRF token), not only the test hook', async () => {
    const db = t.database.db;
    const mine = await signInCitizen(db, t.config, me);
    const log = await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: mine.headers });
    expect(log.statusCode).toBe(200);
    expect(log.json<Page<AccessItem>>().items.map((i) => i.seq)).toEqual([
      seqs.householdRead,
      seqs.personRead,
    ]);

    const region = { kind: 'region' as const, code: '1733' };
    const realAuditor = await signInStaff(db, t.config, 'audit-real', [
      { role: 'auditor', area: region, organisation: 'Ichki audit' },
    ]);
    const verify = await t.app.inject({
      method: 'GET',
      url: '/api/audit/verify',
      headers: realAuditor.headers,
    });
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ ok: true });

    const realWorker = await signInStaff(db, t.config, 'worker-real', [
      { role: 'social_worker', area: region, organisation: 'Inson' },
    ]);
    for (const url of ['/api/audit/verify', '/api/me/access-log']) {
      expect((await t.app.inject({ method: 'GET', url, headers: realWorker.headers })).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/me/access-log' })).statusCode).toBe(401);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const reply = await get('/openapi.json');
    expect(reply.statusCode).toBe(200);
    const paths = Object.keys(reply.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/me/access-log',
        '/api/me/access-log/{seq}/complaints',
        '/api/me/access-complaints',
        '/api/audit/entries',
        '/api/audit/verify',
        '/api/me/consents',
        '/api/me/consents/{id}/withdraw',
      ]),
    );
  });

  it('verifies the chain for an auditor or regional administrator only', async () => {
    expect((await get('/api/audit/verify', worker)).statusCode).toBe(403);
    const reply = await get('/api/audit/verify', official('acc-admin', 'regional_admin'));
    expect(reply.statusCode).toBe(200);
    // The route seals what has ended before it verifies: the entries above are in a batch now.
    expect(reply.json()).toMatchObject({ ok: true, lastBatch: { batch: expect.any(Number) } });
    expect(reply.json<{ entries: number }>().entries).toBeGreaterThanOrEqual(4);
    expect((await verifyAuditChain(t.database.db)).ok).toBe(true);
  });
});
