import { type Kysely, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { districtCodeInScope, householdIdInScope } from '../access/scope.sql.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * Where every payable so'm stands. A line is in exactly one state, derived from the append-only tables:
 * - paid: the bank said paid (at most once: payment_outcome_paid_once_idx);
 * - pending: sent in a batch the bank has not answered for it yet;
 * - rejected: its last attempt was rejected and no build has held it since;
 * - held: never sent, or held again by a later build (a hold, no account, a deceased holder).
 * So entitled = paid + rejected + pending + held holds by construction; the ledger, kept apart by every
 * step, is checked against it (`ledgerBalances`).
 */

export type LineStatus = 'paid' | 'pending' | 'rejected' | 'held';

/** The status of each positive line `l` (a lateral fragment: needs `payment_line l` in scope). */
export const lineStatus = sql<LineStatus>`(
  case
    when exists (select 1 from payment_outcome o where o.line_id = l.id and o.outcome = 'paid') then 'paid'
    when exists (select 1 from payment_attempt a where a.line_id = l.id
                 and not exists (select 1 from payment_outcome o where o.attempt_id = a.id)) then 'pending'
    -- Neither paid nor pending (a few lines): rejected when sent since the last build that held it.
    when coalesce((select max(b.run_id) from payment_attempt a join payment_batch b on b.id = a.batch_id
                   where a.line_id = l.id), 0)
         > coalesce((select max(h.run_id) from payment_line_hold h where h.line_id = l.id), 0)
      then 'rejected'
    else 'held' end
)`;

export interface RunSummary {
  id: number;
  month: string;
  programme: string;
  builtAt: Date;
  builtBy: string;
  lines: number;
  total: number;
  heldLines: number;
  heldTotal: number;
  batches: number;
  batchTotal: number;
}

export async function runSummaries(
  db: Kysely<DB>,
  filter: { runId?: number; month?: string; programme?: string } = {},
): Promise<RunSummary[]> {
  const { rows } = await sql<{
    id: number;
    month: string;
    programme: string;
    built_at: Date;
    built_by: string;
    lines: number;
    total: number;
    held_lines: number;
    held_total: number;
    batches: number;
    batch_total: number;
  }>`select r.id, r.month, r.programme, r.built_at, r.built_by,
      (select count(*) from payment_line l where l.run_id = r.id)::int as lines,
      (select coalesce(sum(l.amount), 0) from payment_line l where l.run_id = r.id and l.amount > 0)::bigint as total,
      (select count(*) from payment_line_hold h where h.run_id = r.id)::int as held_lines,
      (select coalesce(sum(l.amount), 0) from payment_line_hold h join payment_line l on l.id = h.line_id
        where h.run_id = r.id)::bigint as held_total,
      (select count(*) from payment_batch b where b.run_id = r.id)::int as batches,
      (select coalesce(sum(b.total), 0) from payment_batch b where b.run_id = r.id)::bigint as batch_total
    from payroll_run r
    where (${filter.runId ?? null}::bigint is null or r.id = ${filter.runId ?? null})
      and (${filter.month ?? null}::text is null or r.month = ${filter.month ?? null})
      and (${filter.programme ?? null}::text is null or r.programme = ${filter.programme ?? null})
    order by r.month desc, r.programme`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    month: r.month,
    programme: r.programme,
    builtAt: r.built_at,
    builtBy: r.built_by,
    lines: r.lines,
    total: r.total,
    heldLines: r.held_lines,
    heldTotal: r.held_total,
    batches: r.batches,
    batchTotal: r.batch_total,
  }));
}

export interface Reconciliation {
  month: string;
  programme: string;
  lines: number;
  entitled: number;
  paid: number;
  rejected: number;
  pending: number;
  held: number;
  /** Overpaid amounts a later decision took back (negative corrections), to recover; never sent. */
  recoverable: number;
}

/** Entitled = paid + rejected + pending + held, per benefit month and programme. */
export async function reconcileByMonth(
  db: Kysely<DB>,
  filter: { month?: string | undefined; programme?: string | undefined; scope?: Scope } = {},
): Promise<Reconciliation[]> {
  const inScope = filter.scope ? householdIdInScope(filter.scope, 'l.household_id') : sql`true`;
  const { rows } = await sql<Reconciliation>`
    select l.month, l.programme,
      count(*) filter (where l.amount > 0)::int as lines,
      coalesce(sum(l.amount) filter (where l.amount > 0), 0)::bigint as entitled,
      coalesce(sum(l.amount) filter (where s.status = 'paid'), 0)::bigint as paid,
      coalesce(sum(l.amount) filter (where s.status = 'rejected'), 0)::bigint as rejected,
      coalesce(sum(l.amount) filter (where s.status = 'pending'), 0)::bigint as pending,
      coalesce(sum(l.amount) filter (where s.status = 'held'), 0)::bigint as held,
      coalesce(-sum(l.amount) filter (where l.amount < 0), 0)::bigint as recoverable
    from payment_line l
    cross join lateral (select case when l.amount > 0 then ${lineStatus} end as status) s
    where (${filter.month ?? null}::text is null or l.month = ${filter.month ?? null})
      and (${filter.programme ?? null}::text is null or l.programme = ${filter.programme ?? null})
      and ${inScope}
    group by l.month, l.programme
    order by l.month desc, l.programme`.execute(db);
  return rows;
}

export interface BatchReconciliation {
  batchId: number;
  reference: string;
  month: string;
  programme: string;
  bankCode: string;
  districtCode: string;
  lines: number;
  sent: number;
  paid: number;
  rejected: number;
  pending: number;
}

/** Per batch: what was sent = paid + rejected + still unanswered. */
export async function reconcileBatches(
  db: Kysely<DB>,
  filter: {
    batchId?: number | undefined;
    runId?: number | undefined;
    month?: string | undefined;
    programme?: string | undefined;
    scope?: Scope;
  } = {},
): Promise<BatchReconciliation[]> {
  const inScope = filter.scope ? districtCodeInScope(filter.scope, 'b.district_code') : sql`true`;
  const { rows } = await sql<BatchReconciliation>`
    select b.id as "batchId", b.reference, r.month, r.programme, b.bank_code as "bankCode",
      b.district_code as "districtCode", b.lines,
      b.total as sent,
      coalesce(sum(a.amount) filter (where o.outcome = 'paid'), 0)::bigint as paid,
      coalesce(sum(a.amount) filter (where o.outcome = 'rejected'), 0)::bigint as rejected,
      coalesce(sum(a.amount) filter (where o.outcome is null), 0)::bigint as pending
    from payment_batch b
    join payroll_run r on r.id = b.run_id
    join payment_attempt a on a.batch_id = b.id
    left join payment_outcome o on o.attempt_id = a.id
    where (${filter.batchId ?? null}::bigint is null or b.id = ${filter.batchId ?? null})
      and (${filter.runId ?? null}::bigint is null or b.run_id = ${filter.runId ?? null})
      and (${filter.month ?? null}::text is null or r.month = ${filter.month ?? null})
      and (${filter.programme ?? null}::text is null or r.programme = ${filter.programme ?? null})
      and ${inScope}
    group by b.id, r.month, r.programme
    order by r.month desc, r.programme, b.reference`.execute(db);
  return rows;
}

/** Each ledger account's balance (debits minus credits), by account kind (the part before ':'). */
export async function ledgerBalances(db: Kysely<DB>): Promise<Record<string, number>> {
  const { rows } = await sql<{ account: string; balance: number }>`
    select split_part(account, ':', 1) as account, sum(amount)::bigint as balance from (
      select debit as account, amount from ledger_entry
      union all select credit, -amount from ledger_entry
    ) m group by 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.account, r.balance]));
}
