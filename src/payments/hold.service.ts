import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';

/**
 * Holds stop a household's payments without losing them: its lines stay payable and the first payroll
 * built after the hold is lifted sends them. Opened by officers (suspected fraud, data mismatch) or by a
 * bank's answer (a wrong card or a closed account: the social worker helps the family to a new one).
 */

export const HoldView = z.object({
  id: z.number().int(),
  reason: z.enum(['fraud_suspected', 'data_mismatch', 'account_problem']),
  openedAt: z.date(),
  closedAt: z.date().nullable(),
});
export type HoldView = z.infer<typeof HoldView>;

const view = (row: { id: number; reason: string; opened_at: Date; closed_at: Date | null }): HoldView => ({
  id: row.id,
  reason: row.reason as HoldView['reason'],
  openedAt: row.opened_at,
  closedAt: row.closed_at,
});

/** Opens a hold, or returns the open one of the same reason (a retried request opens nothing more). */
export async function openHold(
  db: Kysely<DB>,
  h: { householdId: string; reason: 'fraud_suspected' | 'data_mismatch'; by: string },
): Promise<{ hold: HoldView; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('household').select('id').where('id', '=', h.householdId).forUpdate().execute();
    const open = await trx
      .selectFrom('payment_hold')
      .select(['id', 'reason', 'opened_at', 'closed_at'])
      .where('household_id', '=', h.householdId)
      .where('reason', '=', h.reason)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    if (open) return { hold: view(open), created: false };
    const row = await trx
      .insertInto('payment_hold')
      .values({ household_id: h.householdId, reason: h.reason, opened_by: h.by })
      .returning(['id', 'reason', 'opened_at', 'closed_at'])
      .executeTakeFirstOrThrow();
    return { hold: view(row), created: true };
  });
}

/** Lifts an open hold of this household; closing it again answers it as it stands. */
export async function closeHold(
  db: Kysely<DB>,
  h: { householdId: string; holdId: number; by: string },
): Promise<HoldView> {
  const row = await db
    .selectFrom('payment_hold')
    .select(['id', 'reason', 'opened_at', 'closed_at'])
    .where('id', '=', h.holdId)
    .where('household_id', '=', h.householdId)
    .executeTakeFirst();
  if (!row) throw new DomainError('PAYMENT_HOLD_NOT_FOUND');
  if (row.closed_at) return view(row);
  const closed = await db
    .updateTable('payment_hold')
    .set({ closed_at: new Date(), closed_by: h.by })
    .where('id', '=', h.holdId)
    .where('closed_at', 'is', null)
    .returning(['id', 'reason', 'opened_at', 'closed_at'])
    .executeTakeFirst();
  return view(closed ?? row);
}
