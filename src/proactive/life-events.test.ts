import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { Factory } from '../../test/support/factories.ts';
import { evaluateMonth } from '../decisions/decision.service.ts';
import type { AppContext } from '../platform/context.ts';
import { submitChangeRequest } from '../registry/change-requests/change-request.service.ts';
import { createHousehold } from '../registry/households/household.service.ts';
import { firstAffectedMonth, reactToLifeEvent } from './life-events.service.ts';

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tashkent' }).format(new Date());

describe('the first month an event counts in', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  it('is the next month for an event after the 1st, that month for one on the 1st', () => {
    expect(firstAffectedMonth('2026-11-20', now)).toBe('2026-12');
    expect(firstAffectedMonth('2026-12-01', now)).toBe('2026-12');
    expect(firstAffectedMonth('2026-12-31', now)).toBe('2027-01');
  });
  it('never reopens a month before the current one (a late report)', () => {
    expect(firstAffectedMonth('2026-03-05', now)).toBe('2026-11');
  });
});

describe('a life event, reacted to without any application', () => {
  let t: TestApp;
  let ctx: AppContext;
  const factory = new Factory(31);

  beforeAll(async () => {
    t = await createTestApp();
    ctx = { config: t.config, database: t.database, logger: pino({ level: 'silent' }), jobs: t.jobs };
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  /** A family with no income and no property: poor, and entitled to child allowance for its children. */
  async function poorFamily() {
    const db = t.database.db;
    const mother = factory.person({ sex: 'F', birthDate: '1994-04-04', phone: '+998901112233' });
    const householdId = randomUUID();
    await createHousehold(db, {
      id: householdId,
      mahallaCode: '1733204001',
      address: 'Gullar 4',
      createdOn: '2020-01-01',
      head: mother,
      source: 'civil_registry',
    });
    const father = factory.person({ sex: 'M', birthDate: '1991-02-02' });
    await submitChangeRequest(
      db,
      {
        id: randomUUID(),
        type: 'add_member',
        apply: true,
        householdId,
        person: father,
        relationship: 'spouse',
        effectiveDate: '2020-01-01',
      },
      'test',
    );
    return { householdId, motherId: mother.id ?? '' };
  }

  /** What the civil-registry adapter does before it hands the event on: the child joins the family. */
  async function registerBirth(householdId: string, born: string) {
    const child = factory.person({ birthDate: born });
    await submitChangeRequest(
      t.database.db,
      {
        id: randomUUID(),
        type: 'add_member',
        apply: true,
        householdId,
        person: child,
        relationship: 'child',
        effectiveDate: born,
      },
      'civil_registry',
    );
    return child.id ?? '';
  }

  it('a birth: child allowance offered for the first month the child counts, explained, the family told', async () => {
    const db = t.database.db;
    const { householdId, motherId } = await poorFamily();
    const born = today();
    const childId = await registerBirth(householdId, born);
    const event = {
      eventId: `birth-${randomUUID()}`,
      source: 'civil_registry',
      kind: 'birth' as const,
      occurredOn: born,
      householdIds: [householdId],
      personIds: [childId],
    };
    const outcome = await reactToLifeEvent(ctx, event);
    expect(outcome.reacted).toBe(true);
    expect(outcome.month).toBe(firstAffectedMonth(born));
    const child = outcome.decisions.find((d) => d.programme === 'child_allowance');
    expect(child).toMatchObject({ kind: 'granted', month: outcome.month, householdId });
    expect(child?.amountAfter).toBeGreaterThan(0);

    // The offer is explained: its trace names the newborn's household.
    const trace = await db
      .selectFrom('decision_trace')
      .select('trace')
      .where('id', '=', child?.traceId ?? 0)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(trace.trace)).toContain(householdId);

    // The family is told, by SMS and in the portal, with no human step.
    const messages = await db
      .selectFrom('notification')
      .select(['person_id', 'channel', 'template', 'status'])
      .where('person_id', '=', motherId)
      .execute();
    expect(messages).toContainEqual(expect.objectContaining({ channel: 'sms', template: 'offer.granted' }));
    expect(messages).toContainEqual(
      expect.objectContaining({ channel: 'sms', template: 'birth.registered' }),
    );
    expect(messages).toContainEqual(
      expect.objectContaining({ channel: 'portal', template: 'offer.granted' }),
    );

    // One case records every step the event started.
    const steps = await db
      .selectFrom('service_case_step')
      .select(['step', 'status'])
      .where('case_id', '=', outcome.caseId)
      .orderBy('id')
      .execute();
    expect(steps.map((s) => s.step)).toEqual([
      'registry_updated',
      'programmes_checked',
      'family_notified',
      'agencies_notified',
    ]);
    const kase = await db
      .selectFrom('service_case')
      .select('status')
      .where('id', '=', outcome.caseId)
      .executeTakeFirstOrThrow();
    expect(kase.status).toBe('done');

    // The same event reported again changes nothing and tells nobody twice.
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('notification')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('person_id', '=', motherId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const again = await reactToLifeEvent(ctx, event);
    expect(again).toMatchObject({ reacted: false, caseId: outcome.caseId, decisions: [] });
    expect(await count()).toBe(before);
    const decisions = await db
      .selectFrom('decision')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('household_id', '=', householdId)
      .executeTakeFirstOrThrow();
    expect(Number(decisions.n)).toBe(outcome.decisions.length);
  });

  it('a death: the family’s entitlements change from the month after, told to the family', async () => {
    const db = t.database.db;
    const { householdId } = await poorFamily();
    // The family already has a child and its child allowance this month (decided by the nightly run).
    const childId = await registerBirth(householdId, '2024-02-02');
    const month = firstAffectedMonth(today());
    await evaluateMonth(db, month, { trigger: 'manual', householdIds: [householdId] });
    const before = await db
      .selectFrom('entitlement')
      .select(['programme', 'amount'])
      .where('household_id', '=', householdId)
      .where('to_month', 'is', null)
      .execute();
    expect(before.map((e) => e.programme)).toContain('child_allowance');

    // The child dies; the civil registry's adapter ends the membership, then hands the event on.
    const died = today();
    await submitChangeRequest(
      db,
      {
        id: randomUUID(),
        type: 'remove_member',
        apply: true,
        householdId,
        personId: childId,
        reason: 'died',
        effectiveDate: died,
      },
      'civil_registry',
    );
    const outcome = await reactToLifeEvent(ctx, {
      eventId: `death-${randomUUID()}`,
      source: 'civil_registry',
      kind: 'death',
      occurredOn: died,
      householdIds: [householdId],
      personIds: [childId],
    });
    const next = firstAffectedMonth(died);
    const ended = outcome.decisions.find((d) => d.programme === 'child_allowance');
    expect(ended).toMatchObject({ kind: 'ended', month: next });
    const entitlement = await db
      .selectFrom('entitlement')
      .select(['to_month'])
      .where('household_id', '=', householdId)
      .where('programme', '=', 'child_allowance')
      .executeTakeFirstOrThrow();
    // Paid through the month of the death, not after.
    expect(entitlement.to_month).toBe(
      new Date(Date.UTC(Number(next.slice(0, 4)), Number(next.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7),
    );
    expect(outcome.notifications.length).toBeGreaterThan(0);
  });

  it('refuses a malformed event with a validation error and opens no case', async () => {
    await expect(
      reactToLifeEvent(ctx, {
        eventId: '',
        source: 'civil_registry',
        kind: 'birth',
        occurredOn: '2026-13-01',
        householdIds: [],
        personIds: [],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const cases = await t.database.db
      .selectFrom('service_case')
      .select('id')
      .where('event_id', '=', '')
      .execute();
    expect(cases).toEqual([]);
  });
});
