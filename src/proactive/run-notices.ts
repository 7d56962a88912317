import type { Kysely } from 'kysely';
import type { DecisionCause } from '../decisions/decision.events.ts';
import { decisionsOfRun } from '../decisions/decision.service.ts';
import type { DecisionRecord } from '../decisions/decision-records.service.ts';
import { type EnqueueNotification, enqueueNotifications } from '../notifications/notification.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { currentHeadsOf } from '../registry/households/household.service.ts';

const TEMPLATE_OF_KIND = {
  granted: 'offer.granted',
  amount_changed: 'entitlement.changed',
  ended: 'entitlement.ended',
} as const;

/** Decisions told per round: one read of heads and recipients, a few inserts (bounded parameter lists). */
const CHUNK = 5000;

export interface RunNotices {
  /** Messages queued (one per decision and family; SMS and portal rows count as one). */
  messages: number;
  /** Households with no current head to write to. */
  unreachable: number;
}

/**
 * The message of one decision: the rules' words for a run or a re-evaluation ("no application is
 * needed"), "after a review of your case" for an approved override, "after your appeal" for the override
 * that remedies an overturned appeal. The dedupe key is the decision's, the one a life event uses, so a
 * decision is never told twice whichever path reached it first.
 */
export function messageOf(
  d: Pick<DecisionRecord, 'id' | 'kind' | 'programme' | 'amountAfter' | 'month'>,
  personId: string,
  cause: DecisionCause,
): EnqueueNotification {
  const params = {
    programme: d.programme,
    amount: d.amountAfter,
    month: d.month,
    link: `/decisions/${d.id}`,
  };
  const dedupeKey = `decision:${d.id}`;
  if (cause === 'appeal' || cause === 'override') {
    const template = cause === 'appeal' ? 'decision.after_appeal' : 'decision.after_review';
    return { personId, template, params: { ...params, kind: d.kind }, dedupeKey };
  }
  return { personId, template: TEMPLATE_OF_KIND[d.kind], params, dedupeKey };
}

/**
 * Tells each family of the decisions a run wrote (a month's run, one household re-evaluated, an approved
 * override): one message per new, changed or ended entitlement, to the household's current head, in their
 * language (portal, and SMS when a phone is known). Batched: one read of the heads and of their languages
 * and phones, and inserts of a thousand rows, ON CONFLICT on the dedupe key, per 5,000 decisions.
 * Idempotent. An application's assessment is told by the application's own message
 * (src/casework/application.service.ts `announceStep`), not twice.
 */
export async function notifyRunDecisions(
  db: Kysely<DB>,
  runId: number,
  cause: DecisionCause = 'run',
): Promise<RunNotices> {
  if (cause === 'application') return { messages: 0, unreachable: 0 };
  const decisions = await decisionsOfRun(db, runId);
  let messages = 0;
  let unreachable = 0;
  for (let start = 0; start < decisions.length; start += CHUNK) {
    const chunk = decisions.slice(start, start + CHUNK);
    const heads = await currentHeadsOf(
      db,
      chunk.map((d) => d.householdId),
    );
    const queued: EnqueueNotification[] = [];
    for (const d of chunk) {
      const head = heads.get(d.householdId);
      if (head) queued.push(messageOf(d, head, cause));
      else unreachable++;
    }
    messages += (await enqueueNotifications(db, queued)).created;
  }
  return { messages, unreachable };
}
