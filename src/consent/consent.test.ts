import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInCitizen } from '../../test/support/auth.ts';
import type { Actor } from '../access/actor.ts';
import { auditActorOf, verifyAuditChain } from '../audit/audit.service.ts';
import { type ActorTestApp, citizen, createActorTestApp, official } from '../audit/audit.test-support.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { grantConsent, hasConsent, listConsents, withdrawConsent } from './consent.service.ts';

interface ConsentReply {
  id: string;
  kind: string;
  counterpart: string;
  grantedAt: string;
  withdrawnAt: string | null;
  inForce: boolean;
  channel: string;
}
interface ErrorReply {
  error: { code: string };
}

describe('consent records', () => {
  let t: ActorTestApp;
  let alice: string;
  let bob: string;
  const worker = official('acc-sw-9', 'social_worker');

  beforeAll(async () => {
    t = await createActorTestApp();
    await seedPopulation(t.database, { households: 3, seed: 5, scope: 'khorezm', progress: false });
    const persons = await t.database.db.selectFrom('person').select('id').orderBy('id').limit(2).execute();
    const [a, b] = persons;
    if (!a || !b) throw new Error('the seed made too few persons');
    alice = a.id;
    bob = b.id;
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  // What auditActorOf makes of a request from this actor.
  const who = (actor: Actor) => auditActorOf({ actor, id: 'req-test' } as never);

  describe('service', () => {
    it('grants idempotently, answers hasConsent over time, withdraws keeping the row', async () => {
      const db = t.database.db;
      const input = {
        personId: alice,
        kind: 'data_sharing' as const,
        counterpart: 'tax',
        channel: 'social_worker' as const,
      };
      const first = await db.transaction().execute((trx) => grantConsent(trx, input, who(worker)));
      expect(first.created).toBe(true);
      expect(first.consent).toMatchObject({ inForce: true, recordedBy: 'staff:acc-sw-9', withdrawnAt: null });
      const again = await db.transaction().execute((trx) => grantConsent(trx, input, who(worker)));
      expect(again).toMatchObject({ created: false, consent: { id: first.consent.id } });

      const granted = first.consent.grantedAt.getTime();
      const later = new Date(granted + 60_000);
      const withdrawn = await db
        .transaction()
        .execute((trx) => withdrawConsent(trx, first.consent.id, alice, who(citizen(alice)), later));
      expect(withdrawn).toMatchObject({ inForce: false, withdrawnBy: `citizen:${alice}` });
      expect(withdrawn.withdrawnAt?.getTime()).toBe(later.getTime());

      expect(await hasConsent(db, alice, 'data_sharing', 'tax', new Date(granted - 1))).toBe(false);
      expect(await hasConsent(db, alice, 'data_sharing', 'tax', new Date(granted + 30_000))).toBe(true);
      expect(await hasConsent(db, alice, 'data_sharing', 'tax', new Date(granted + 61_000))).toBe(false);
      expect(await hasConsent(db, alice, 'data_sharing', 'cadastre', new Date(granted + 30_000))).toBe(false);
      expect(await hasConsent(db, alice, 'proactive_offers', 'tax', new Date(granted + 30_000))).toBe(false);
      expect(await hasConsent(db, bob, 'data_sharing', 'tax', new Date(granted + 30_000))).toBe(false);

      // Withdrawing twice changes nothing; someone else's consent does not exist for you.
      const twice = await db
        .transaction()
        .execute((trx) => withdrawConsent(trx, first.consent.id, alice, who(citizen(alice))));
      expect(twice.withdrawnAt?.getTime()).toBe(later.getTime());
      await expect(
        db.transaction().execute((trx) => withdrawConsent(trx, first.consent.id, bob, who(citizen(bob)))),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });

      // A new grant after the withdrawal is a new row; the history keeps both.
      const regrant = await db.transaction().execute((trx) => grantConsent(trx, input, who(citizen(alice))));
      expect(regrant.created).toBe(true);
      expect(regrant.consent.id).not.toBe(first.consent.id);
      const all = await listConsents(db, alice);
      expect(all.map((c) => [c.id, c.inForce])).toEqual(
        expect.arrayContaining([
          [first.consent.id, false],
          [regrant.consent.id, true],
        ]),
      );
      expect(await hasConsent(db, alice, 'data_sharing', 'tax')).toBe(true);
    });

    it("lets '*' cover every counterpart", async () => {
      const db = t.database.db;
      await db
        .transaction()
        .execute((trx) =>
          grantConsent(
            trx,
            { personId: bob, kind: 'proactive_offers', counterpart: '*', channel: 'my.gov.uz' },
            who(citizen(bob)),
          ),
        );
      expect(await hasConsent(db, bob, 'proactive_offers', 'child_allowance')).toBe(true);
      expect(await hasConsent(db, bob, 'data_sharing', 'child_allowance')).toBe(false);
    });

    it('writes an audit entry for every grant and withdrawal, and none for a repeated grant', async () => {
      const rows = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_kind', 'actor_id', 'subject_person_ids', 'fields'])
        .where('resource_type', '=', 'consent')
        .orderBy('seq')
        .execute();
      expect(rows.map((r) => [r.action, r.actor_kind, r.actor_id])).toEqual([
        ['grant', 'staff', 'acc-sw-9'],
        ['withdraw', 'citizen', alice],
        ['grant', 'citizen', alice],
        ['grant', 'citizen', bob],
      ]);
      expect(rows[0]).toMatchObject({ subject_person_ids: [alice], fields: ['consent.data_sharing'] });
      expect((await verifyAuditChain(t.database.db)).ok).toBe(true);
    });
  });

  describe('routes', () => {
    const get = (url: string, actor?: Actor) =>
      t.app.inject({ method: 'GET', url, headers: actor ? t.as(actor) : {} });
    const post = (url: string, actor: Actor | undefined, payload: object = {}) =>
      t.app.inject({ method: 'POST', url, headers: actor ? t.as(actor) : {}, payload });

    it('lets a citizen give, list and withdraw consent', async () => {
      const body = { kind: 'data_sharing', counterpart: 'my.gov.uz' };
      const created = await post('/api/me/consents', citizen(bob), body);
      expect(created.statusCode).toBe(201);
      const consent = created.json<ConsentReply>();
      expect(consent).toMatchObject({ ...body, inForce: true, channel: 'portal', withdrawnAt: null });
      expect(consent).not.toHaveProperty('recordedBy');
      const repeated = await post('/api/me/consents', citizen(bob), body);
      expect(repeated.statusCode).toBe(200);
      expect(repeated.json<ConsentReply>().id).toBe(consent.id);

      const list = await get('/api/me/consents', citizen(bob));
      expect(list.json<{ items: ConsentReply[] }>().items.map((c) => c.counterpart)).toEqual(
        expect.arrayContaining(['my.gov.uz', '*']),
      );

      expect((await post(`/api/me/consents/${consent.id}/withdraw`, citizen(alice))).statusCode).toBe(404);
      const withdrawn = await post(`/api/me/consents/${consent.id}/withdraw`, citizen(bob));
      expect(withdrawn.statusCode).toBe(200);
      expect(withdrawn.json<ConsentReply>()).toMatchObject({ id: consent.id, inForce: false });
      expect(withdrawn.json<ConsentReply>().withdrawnAt).not.toBeNull();
      expect(await hasConsent(t.database.db, bob, 'data_sharing', 'my.gov.uz')).toBe(false);
    });

    it('takes a consent from a real citizen session, with its CSRF token', async () => {
      const session = await signInCitizen(t.database.db, t.config, alice);
      const body = { kind: 'proactive_offers', counterpart: 'child_allowance' };
      const { cookie } = session.headers;
      const forged = await t.app.inject({
        method: 'POST',
        url: '/api/me/consents',
        headers: cookie ? { cookie } : {},
        payload: body,
      });
      expect(forged.statusCode).toBe(403);
      const given = await t.app.inject({
        method: 'POST',
        url: '/api/me/consents',
        headers: session.headers,
        payload: body,
      });
      expect(given.statusCode).toBe(201);
      expect(await hasConsent(t.database.db, alice, 'proactive_offers', 'child_allowance')).toBe(true);
    });

    it('validates the kind and the counterpart', async () => {
      for (const body of [
        { kind: 'everything', counterpart: 'tax' },
        { kind: 'data_sharing', counterpart: 'DROP TABLE' },
        { kind: 'data_sharing' },
      ]) {
        const reply = await post('/api/me/consents', citizen(bob), body);
        expect(reply.statusCode).toBe(400);
        expect(reply.json<ErrorReply>().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('refuses nobody (401) and officials (403)', async () => {
      expect((await get('/api/me/consents')).statusCode).toBe(401);
      expect((await get('/api/me/consents')).json<ErrorReply>().error.code).toBe('UNAUTHENTICATED');
      const staff = await post('/api/me/consents', worker, { kind: 'data_sharing', counterpart: 'tax' });
      expect(staff.statusCode).toBe(403);
      expect(staff.json<ErrorReply>().error.code).toBe('FORBIDDEN');
      const consents = await listConsents(t.database.db, alice);
      const id = consents[0]?.id;
      expect((await post(`/api/me/consents/${id}/withdraw`, worker)).statusCode).toBe(403);
    });
  });
});
