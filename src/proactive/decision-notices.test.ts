import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { Factory } from '../../test/support/factories.ts';
import { submitAppeal, transitionAppeal } from '../casework/appeal.service.ts';
import { submitApplication } from '../casework/application.service.ts';
import { approveOverride, createOverride } from '../casework/override.service.ts';
import { decisionsOfRun, evaluateHousehold, evaluateMonth } from '../decisions/decision.service.ts';
import { enqueueNotification, setPreferredLanguage } from '../notifications/notification.service.ts';
import type { Language } from '../platform/errors.ts';
import { createHousehold, currentHeadOf } from '../registry/households/household.service.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { messageOf, notifyRunDecisions } from './run-notices.ts';

/**
 * Issue 12, point 6: every new or changed entitlement, whichever path wrote it (a month's run, a household
 * re-evaluated, an approved override, an overturned appeal), queues one message to the family, in its
 * language; writing again queues none.
 */
describe('families are told of every decision, by every path', () => {
  let t: TestApp;
  const factory = new Factory(612);

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 40,
      seed: 12,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  /** A family with no income and no property, whose head reads messages in `language`. */
  async function family(language: Language) {
    const db = t.database.db;
    const head = factory.person({ sex: 'F', birthDate: '1985-05-05', phone: '+998901234567' });
    const householdId = randomUUID();
    await createHousehold(db, {
      id: householdId,
      mahallaCode: '1733204001',
      address: 'Bog 7',
      createdOn: '2020-01-01',
      head,
      source: 'civil_registry',
    });
    const headId = head.id ?? '';
    await setPreferredLanguage(db, headId, language);
    return { householdId, headId };
  }

  const messagesTo = (personId: string) =>
    t.database.db
      .selectFrom('notification')
      .select(['channel', 'template', 'language', 'body', 'dedupe_key'])
      .where('person_id', '=', personId)
      .orderBy('dedupe_key')
      .orderBy('channel')
      .execute();

  async function approvedOverride(householdId: string, amount: number) {
    const id = randomUUID();
    await createOverride(
      t.database.db,
      {
        id,
        householdId,
        programme: 'material_assistance',
        month: '2026-03',
        amount,
        reason: 'A flood took the harvest',
        legalBasis: 'Resolution 12, item 4',
      },
      'staff:a',
    );
    return t.database.db.transaction().execute((trx) => approveOverride(trx, id, 'staff:b'));
  }

  it('a household re-evaluation: one message per decision in the head’s language; again, none', async () => {
    const { householdId, headId } = await family('ru');
    const summary = await evaluateHousehold(t.database.db, householdId, '2026-03');
    const decisions = await decisionsOfRun(t.database.db, summary.runId);
    expect(decisions.length).toBeGreaterThan(0);
    const portal = (await messagesTo(headId)).filter((m) => m.channel === 'portal');
    expect(portal.map((m) => m.dedupe_key).sort()).toEqual(decisions.map((d) => `decision:${d.id}`).sort());
    expect(portal.every((m) => m.language === 'ru')).toBe(true);
    expect(portal.find((m) => m.template === 'offer.granted')?.body).toContain('Вашей семье назначено');
    // The SMS too (the head has a phone), one per decision.
    expect((await messagesTo(headId)).filter((m) => m.channel === 'sms')).toHaveLength(decisions.length);

    const before = (await messagesTo(headId)).length;
    const again = await evaluateHousehold(t.database.db, householdId, '2026-03');
    expect(again.decisionsWritten).toBe(0);
    expect(await notifyRunDecisions(t.database.db, summary.runId)).toEqual({ messages: 0, unreachable: 0 });
    expect(await messagesTo(headId)).toHaveLength(before);
  });

  it('an approved override: one message "after a review" in the head’s language; a retry, none', async () => {
    const { householdId, headId } = await family('en');
    const approved = await approvedOverride(householdId, 420_000);
    const messages = await messagesTo(headId);
    expect(messages.filter((m) => m.channel === 'portal')).toEqual([
      expect.objectContaining({
        template: 'decision.after_review',
        language: 'en',
        dedupe_key: `decision:${approved.decisionId}`,
      }),
    ]);
    expect(messages[0]?.body).toMatch(/^After a review of your case, your family has been granted .*420,000/);
    // The approver's retry returns the override unchanged and tells nobody again.
    await t.database.db.transaction().execute((trx) => approveOverride(trx, approved.id, 'staff:b'));
    expect(await messagesTo(headId)).toHaveLength(messages.length);
  });

  it('an overturned appeal, its remedy approved: one message "after your appeal"; again, none', async () => {
    const { householdId, headId } = await family('uz-Latn');
    const first = await approvedOverride(householdId, 300_000);
    const appealId = randomUUID();
    const db = t.database.db;
    await db.transaction().execute(async (trx) => {
      await submitAppeal(
        trx,
        { id: appealId, decisionId: first.decisionId ?? 0, grounds: 'Too little' },
        'citizen',
      );
      await transitionAppeal(trx, appealId, 'under_review', 'staff:a', null);
      await transitionAppeal(trx, appealId, 'overturned', 'staff:a', 'Two children were missed', {
        amount: 500_000,
        legalBasis: 'Resolution 12, item 4',
      });
    });
    const appeal = await db
      .selectFrom('appeal')
      .select('override_id')
      .where('id', '=', appealId)
      .executeTakeFirstOrThrow();
    const remedy = await db
      .transaction()
      .execute((trx) => approveOverride(trx, appeal.override_id ?? '', 'staff:b'));
    const told = (await messagesTo(headId)).filter(
      (m) => m.channel === 'portal' && m.dedupe_key === `decision:${remedy.decisionId}`,
    );
    expect(told).toEqual([
      expect.objectContaining({ template: 'decision.after_appeal', language: 'uz-Latn' }),
    ]);
    expect(told[0]?.body).toMatch(/^Shikoyatingiz bo'yicha: .*o'zgardi/);
    const count = (await messagesTo(headId)).length;
    await db.transaction().execute((trx) => approveOverride(trx, appeal.override_id ?? '', 'staff:b'));
    expect(await messagesTo(headId)).toHaveLength(count);
  });

  it('a submitted application is confirmed to the family with its reference, once', async () => {
    const { householdId, headId } = await family('en');
    const input = {
      id: randomUUID(),
      householdId,
      programme: 'child_allowance' as const,
      channel: 'centre' as const,
      submittedOn: '2026-03-02',
    };
    const { application } = await submitApplication(t.database.db, input, 'staff:a');
    await submitApplication(t.database.db, input, 'staff:a');
    const received = (await messagesTo(headId)).filter(
      (m) => m.template === 'application.received' && m.channel === 'portal',
    );
    expect(received).toHaveLength(1);
    expect(application.reference).toMatch(/^A-/);
    expect(received[0]?.body).toContain(application.reference);
  });

  it('a month’s run: the batched path queues what one message at a time did, and again nothing', async () => {
    const db = t.database.db;
    const summary = await evaluateMonth(db, '2026-04', { trigger: 'manual' });
    expect(summary.decisionsWritten).toBeGreaterThan(10);
    const keys = (await decisionsOfRun(db, summary.runId)).map((d) => `decision:${d.id}`);
    const read = () =>
      db
        .selectFrom('notification')
        .select(['person_id', 'channel', 'template', 'language', 'body', 'phone', 'dedupe_key'])
        .where('dedupe_key', 'in', keys)
        .orderBy('dedupe_key')
        .orderBy('channel')
        .execute();
    const batched = await read();
    expect(new Set(batched.map((n) => n.dedupe_key)).size).toBeGreaterThan(0);
    expect(await notifyRunDecisions(db, summary.runId)).toMatchObject({ messages: 0 });

    // The old path, one enqueueNotification and one head read per decision, over the same decisions.
    await db.deleteFrom('notification').where('dedupe_key', 'in', keys).execute();
    let told = 0;
    for (const d of await decisionsOfRun(db, summary.runId)) {
      const head = await currentHeadOf(db, d.householdId);
      if (!head) continue;
      const sent = await enqueueNotification(db, messageOf(d, head, 'run'));
      if (sent.created) told++;
    }
    expect(await read()).toEqual(batched);
    expect(told).toBe(new Set(batched.map((n) => n.dedupe_key)).size);
  }, 180_000);
});
