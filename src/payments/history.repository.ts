import { type Kysely, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdIdInScope } from '../access/scope.sql.ts';
import type { DB } from '../platform/db/schema.ts';
import { type LineStatus, lineStatus } from './reconciliation.repository.ts';

/** What a family and the officers serving it see of its payments: never an account number in full. */

export interface HistoryRow {
  lineId: number;
  programme: string;
  month: string;
  kind: 'regular' | 'arrears' | 'correction';
  amount: number;
  status: LineStatus | 'recoverable';
  /** When the bank answered (paid or rejected), if it did. */
  answeredAt: Date | null;
  rejectionReason: string | null;
  heldReason: string | null;
  /** The account of the last attempt, or the household's open account; the full number, masked by the caller. */
  accountNumber: string | null;
  bankCode: string | null;
  decisionId: number;
  decisionMonth: string;
  decisionKind: string;
}

export async function householdHistory(
  db: Kysely<DB>,
  householdId: string,
  limit = 120,
): Promise<HistoryRow[]> {
  const { rows } = await sql<HistoryRow>`
    select l.id as "lineId", l.programme, l.month, l.kind, l.amount,
      case when l.amount < 0 then 'recoverable' else ${lineStatus} end as status,
      (select max(o.recorded_at) from payment_outcome o where o.line_id = l.id) as "answeredAt",
      (select o.reason from payment_outcome o where o.line_id = l.id and o.outcome = 'rejected'
        order by o.attempt_id desc limit 1) as "rejectionReason",
      (select h.reason from payment_line_hold h where h.line_id = l.id order by h.run_id desc limit 1) as "heldReason",
      coalesce(att.number, open_acc.number) as "accountNumber",
      coalesce(att.bank_code, open_acc.bank_code) as "bankCode",
      d.id as "decisionId", d.month as "decisionMonth", d.kind as "decisionKind"
    from payment_line l
    join decision d on d.id = l.decision_id
    left join lateral (
      select acc.number, acc.bank_code from payment_attempt a join payment_account acc on acc.id = a.account_id
      where a.line_id = l.id order by a.id desc limit 1
    ) att on true
    left join payment_account open_acc on open_acc.household_id = l.household_id and open_acc.closed_at is null
    where l.household_id = ${householdId}
    order by l.month desc, l.programme, l.id desc
    limit ${limit}`.execute(db);
  return rows;
}

export interface RejectedRow {
  householdId: string;
  mahallaCode: string;
  headName: string;
  programme: string;
  month: string;
  amount: number;
  reason: string;
  rejectedAt: Date;
  accountNumber: string;
}

/** Payments the bank rejected and no later attempt paid: the social worker's list, within the scope. */
export async function rejectedPayments(
  db: Kysely<DB>,
  scope: Scope,
  page: { limit: number; offset: number },
): Promise<RejectedRow[]> {
  const { rows } = await sql<RejectedRow>`
    select l.household_id as "householdId", h.mahalla_code as "mahallaCode",
      coalesce((select trim(p.last_name || ' ' || p.first_name) from membership m join person p on p.id = m.person_id
        where m.household_id = h.id and m.valid_to is null and m.relationship = 'head' limit 1), '') as "headName",
      l.programme, l.month, a.amount, o.reason, o.recorded_at as "rejectedAt", acc.number as "accountNumber"
    from payment_outcome o
    join payment_attempt a on a.id = o.attempt_id
    join payment_line l on l.id = o.line_id
    join payment_account acc on acc.id = a.account_id
    join household h on h.id = l.household_id
    where o.outcome = 'rejected'
      and not exists (select 1 from payment_attempt a2 where a2.line_id = o.line_id and a2.id > o.attempt_id)
      and ${householdIdInScope(scope, 'l.household_id')}
    order by o.recorded_at desc, l.id
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows;
}
