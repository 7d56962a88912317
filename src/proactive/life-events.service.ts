import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { notifySubscribers } from '../dci/dci.notify.ts';
import { tashkentMonth } from '../decisions/decision.jobs.ts';
import { decisionsOfRun, evaluateHousehold } from '../decisions/decision.service.ts';
import type { DecisionRecord } from '../decisions/decision-records.service.ts';
import { enqueueNotification } from '../notifications/notification.service.ts';
import type { AppContext } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';
import { currentHeadOf } from '../registry/households/household.service.ts';
import { addMonths, parseMonth } from '../rules/index.ts';
import { CivilDate } from '../shared/date-schemas.ts';
import { LIFE_EVENT_KINDS, type LifeEvent } from './life-event.ts';
import * as repo from './proactive.repository.ts';

/**
 * Proactive and composite services: a life event that reached the registry (a birth, a death, a new job)
 * starts, without any application, every service it concerns, tracked as one case:
 *   1. the registry update (made by the agency adapter that reported the event);
 *   2. every programme re-evaluated for the first month the event counts in (the engine decides, and each
 *      change is a decision with its trace: a new entitlement is the family's offer);
 *   3. the family told, by SMS and in the portal, in its own language;
 *   4. the agencies subscribed to registry events (DCI) notified.
 * Reacting twice to the same event does nothing more: the case is keyed by the event, the evaluation writes
 * only changes, and each message has a key of its own.
 */

export const LifeEventSchema = z.object({
  eventId: z.string().min(1).max(200),
  source: z.string().min(1).max(60),
  kind: z.enum(LIFE_EVENT_KINDS),
  occurredOn: CivilDate,
  householdIds: z.array(z.uuid()).min(1).max(10),
  personIds: z.array(z.uuid()).max(20),
});

/**
 * The first month an event changes: a household's situation is taken on the first day of a month, so an
 * event on the 1st counts that month and any later day from the next. A late report never reopens a month
 * before the current one (decided months are not rewritten).
 */
export function firstAffectedMonth(occurredOn: string, now = new Date()): string {
  const month = parseMonth(occurredOn.slice(0, 7));
  const counts = occurredOn.endsWith('-01') ? month : addMonths(month, 1);
  const current = tashkentMonth(now);
  return counts.key.localeCompare(current) > 0 ? counts.key : current;
}

const TEMPLATE_OF_KIND = {
  granted: 'offer.granted',
  amount_changed: 'entitlement.changed',
  ended: 'entitlement.ended',
} as const;

export interface LifeEventOutcome {
  caseId: string;
  /** False when the event had been reacted to already: nothing was done again. */
  reacted: boolean;
  month: string;
  decisions: DecisionRecord[];
  notifications: string[];
}

async function notifyFamily(ctx: AppContext, caseId: string, event: LifeEvent, decisions: DecisionRecord[]) {
  const { db } = ctx.database;
  const ids: string[] = [];
  const unreachable: string[] = [];
  for (const householdId of event.householdIds) {
    const head = await currentHeadOf(db, householdId);
    if (!head) {
      unreachable.push(householdId);
      continue;
    }
    if (event.kind === 'birth') {
      const sent = await enqueueNotification(db, {
        personId: head,
        template: 'birth.registered',
        params: { date: event.occurredOn },
        dedupeKey: `case:${caseId}:birth:${householdId}`,
      });
      ids.push(...sent.ids);
    }
    for (const d of decisions.filter((x) => x.householdId === householdId)) {
      const sent = await enqueueNotification(db, {
        personId: head,
        template: TEMPLATE_OF_KIND[d.kind],
        params: { programme: d.programme, amount: d.amountAfter, month: d.month, link: `/decisions/${d.id}` },
        dedupeKey: `decision:${d.id}`,
      });
      ids.push(...sent.ids);
    }
  }
  return { ids, unreachable };
}

export async function reactToLifeEvent(ctx: AppContext, input: LifeEvent): Promise<LifeEventOutcome> {
  const parsed = LifeEventSchema.safeParse(input);
  if (!parsed.success) throw new DomainError('VALIDATION_FAILED', { issues: parsed.error.issues });
  const event = parsed.data;
  const { db } = ctx.database;
  const opened = await repo.openCase(db, randomUUID(), event);
  const caseId = opened.case.id;
  const month = firstAffectedMonth(event.occurredOn);
  // Reported again (a duplicate push, a re-pulled page): the first report's case is the family's case. Only
  // a case whose reaction failed is taken up again.
  if (!opened.created && opened.case.status !== 'failed') {
    return { caseId, reacted: false, month, decisions: [], notifications: [] };
  }
  try {
    await repo.recordStep(db, caseId, 'registry_updated', 'done', {
      source: event.source,
      persons: event.personIds,
    });
    const decisions: DecisionRecord[] = [];
    for (const householdId of event.householdIds) {
      const summary = await evaluateHousehold(db, householdId, month);
      decisions.push(...(await decisionsOfRun(db, summary.runId)));
    }
    await repo.recordStep(db, caseId, 'programmes_checked', 'done', {
      month,
      decisions: decisions.map((d) => ({
        id: d.id,
        programme: d.programme,
        kind: d.kind,
        amount: d.amountAfter,
      })),
    });
    const { ids, unreachable } = await notifyFamily(ctx, caseId, event, decisions);
    await repo.recordStep(db, caseId, 'family_notified', ids.length > 0 ? 'done' : 'skipped', {
      notifications: ids,
      householdsWithoutHead: unreachable,
    });
    const subscribers = await notifySubscribers(db, ctx.jobs, event);
    await repo.recordStep(db, caseId, 'agencies_notified', 'done', { subscriptions: subscribers });
    await repo.finishCase(db, caseId, 'done');
    // The SMS is queued; sending it is the dispatcher's (enqueueing kicked it), never the offer's business.
    return { caseId, reacted: true, month, decisions, notifications: ids };
  } catch (error) {
    await repo.recordStep(db, caseId, 'attempt_failed', 'failed', {
      message: error instanceof Error ? error.message : String(error),
    });
    await repo.finishCase(db, caseId, 'failed');
    throw error;
  }
}
