import type { Kysely } from 'kysely';
import { decisionsOfRun } from '../decisions/decision.service.ts';
import { enqueueNotification } from '../notifications/notification.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { currentHeadOf } from '../registry/households/household.service.ts';

const TEMPLATE_OF_KIND = {
  granted: 'offer.granted',
  amount_changed: 'entitlement.changed',
  ended: 'entitlement.ended',
} as const;

export interface RunNotices {
  /** Messages queued (one per decision and family; SMS and portal rows count as one). */
  messages: number;
  /** Households with no current head to write to. */
  unreachable: number;
}

/**
 * Tells each family of the decisions a month's run wrote: one message per new, changed or ended
 * entitlement, to the household's current head, in their language (portal, and SMS when a phone is
 * known). Idempotent: the dedupe key is the decision's, the one a life event uses, so a decision is never
 * told twice whichever path reached it first.
 */
export async function notifyRunDecisions(db: Kysely<DB>, runId: number): Promise<RunNotices> {
  const decisions = await decisionsOfRun(db, runId);
  const heads = new Map<string, string | undefined>();
  let messages = 0;
  let unreachable = 0;
  for (const d of decisions) {
    if (!heads.has(d.householdId))
      heads.set(d.householdId, (await currentHeadOf(db, d.householdId)) ?? undefined);
    const head = heads.get(d.householdId);
    if (!head) {
      unreachable++;
      continue;
    }
    const sent = await enqueueNotification(db, {
      personId: head,
      template: TEMPLATE_OF_KIND[d.kind],
      params: { programme: d.programme, amount: d.amountAfter, month: d.month, link: `/decisions/${d.id}` },
      dedupeKey: `decision:${d.id}`,
    });
    if (sent.created) messages++;
  }
  return { messages, unreachable };
}
