import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { signInCitizen } from '../../test/support/auth.ts';
import { Factory } from '../../test/support/factories.ts';
import { approveOverride, createOverride } from '../casework/override.service.ts';
import { createHousehold } from '../registry/households/household.service.ts';

describe("the citizen's own data and offers", () => {
  let t: TestApp;
  const factory = new Factory(8);

  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  /** A family with one offer: an approved override grants material assistance, as a decision. */
  async function familyWithOffer() {
    const db = t.database.db;
    const head = factory.person({ sex: 'F', birthDate: '1980-01-01' });
    const householdId = randomUUID();
    await createHousehold(db, {
      id: householdId,
      mahallaCode: '1733204001',
      address: 'Navoiy 1',
      createdOn: '2020-01-01',
      head,
      source: 'civil_registry',
    });
    const id = randomUUID();
    await createOverride(
      db,
      {
        id,
        householdId,
        programme: 'material_assistance',
        month: '2026-03',
        amount: 380_000,
        reason: 'test',
        legalBasis: 'test',
      },
      'staff:a',
    );
    const approved = await db.transaction().execute((trx) => approveOverride(trx, id, 'staff:b'));
    const session = await signInCitizen(db, t.config, head.id);
    return { householdId, headId: head.id, decisionId: approved.decisionId ?? 0, headers: session.headers };
  }

  it('tells the citizen who they are and lists the offers, with answers that can change', async () => {
    const family = await familyWithOffer();
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: family.headers });
    expect(me.json()).toMatchObject({
      personId: family.headId,
      householdId: family.householdId,
      preferredLanguage: 'uz-Latn',
    });

    const offers = await t.app.inject({ method: 'GET', url: '/api/me/offers', headers: family.headers });
    expect(offers.json<{ items: unknown[] }>().items).toEqual([
      expect.objectContaining({
        decisionId: family.decisionId,
        programme: 'material_assistance',
        amount: 380_000,
        response: null,
      }),
    ]);

    const answer = (verb: 'accept' | 'decline') =>
      t.app.inject({
        method: 'POST',
        url: `/api/me/offers/${family.decisionId}/${verb}`,
        headers: family.headers,
      });
    const accepted = await answer('accept');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ decisionId: family.decisionId, response: 'accepted' });
    // A retry is the same answer, at the same time.
    const again = await answer('accept');
    expect(again.json<{ respondedAt: string }>().respondedAt).toBe(
      accepted.json<{ respondedAt: string }>().respondedAt,
    );
    const declined = await answer('decline');
    expect(declined.json()).toMatchObject({ response: 'declined' });
    await answer('accept');
    // The acceptance is confirmed to the family once (retries and a change of mind back are not told again).
    const confirmations = await t.database.db
      .selectFrom('notification')
      .select(['person_id', 'body'])
      .where('template', '=', 'offer.accepted')
      .where('channel', '=', 'portal')
      .where('dedupe_key', '=', `offer:${family.decisionId}:accepted`)
      .execute();
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]?.person_id).toBe(family.headId);
    const listed = await t.app.inject({ method: 'GET', url: '/api/me/offers', headers: family.headers });
    expect(listed.json<{ items: { response: string }[] }>().items[0]?.response).toBe('accepted');

    // The answer is in the audit trail.
    const audited = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'resource_type'])
      .where('resource_type', '=', 'offer')
      .where('resource_id', '=', String(family.decisionId))
      .execute();
    expect(audited).toHaveLength(4);
  });

  it("refuses another family's offer as unknown, and staff entirely", async () => {
    const mine = await familyWithOffer();
    const theirs = await familyWithOffer();
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/me/offers/${theirs.decisionId}/accept`,
      headers: mine.headers,
    });
    expect(other.statusCode).toBe(404);
    expect(other.json<{ error: { code: string } }>().error.code).toBe('DECISION_NOT_FOUND');
    const staff = await t.api({ method: 'GET', url: '/api/me/offers' });
    expect(staff.statusCode).toBe(403);
    const answers = await t.database.db.selectFrom('offer_response').select('decision_id').execute();
    expect(answers.map((a) => Number(a.decision_id))).not.toContain(theirs.decisionId);
  });

  it('keeps the language the citizen chose for their messages', async () => {
    const family = await familyWithOffer();
    const set = await t.app.inject({
      method: 'PUT',
      url: '/api/me/language',
      headers: family.headers,
      payload: { language: 'uz-Cyrl' },
    });
    expect(set.json()).toMatchObject({ preferredLanguage: 'uz-Cyrl' });
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/me/language',
      headers: family.headers,
      payload: { language: 'de' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
