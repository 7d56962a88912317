import { type Kysely, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { districtCodeInScope } from '../access/scope.sql.ts';
import type { DB } from '../platform/db/schema.ts';

/** Batches, their approvals, their bank file and the bank's answers: reads and appends only. */

export interface BatchRow {
  id: number;
  reference: string;
  runId: number;
  month: string;
  programme: string;
  bankCode: string;
  districtCode: string;
  regionCode: string;
  lines: number;
  total: number;
  approvalsRequired: number;
  approvedBy: string[];
  exportedAt: Date | null;
  fileSha256: string | null;
  answered: number;
  paid: number;
  rejected: number;
}

// The batch's answers are summed over its own attempts (by `payment_attempt_batch_idx`) and their outcomes
// (by primary key): never over every outcome ever recorded, which grows with each month paid.
const batchSelect = sql`
  select b.id, b.reference, b.run_id as "runId", r.month, r.programme, b.bank_code as "bankCode",
    b.district_code as "districtCode", d.region_code as "regionCode", b.lines, b.total,
    b.approvals_required as "approvalsRequired",
    coalesce((select array_agg(ap.account_id::text order by ap.approved_at) from payment_batch_approval ap
      where ap.batch_id = b.id), '{}') as "approvedBy",
    ex.exported_at as "exportedAt", ex.file_sha256 as "fileSha256",
    answers.answered, answers.paid, answers.rejected
  from payment_batch b
  join payroll_run r on r.id = b.run_id
  join district d on d.code = b.district_code
  left join payment_batch_export ex on ex.batch_id = b.id
  cross join lateral (
    select count(o.attempt_id)::int as answered,
      coalesce(sum(a.amount) filter (where o.outcome = 'paid'), 0)::bigint as paid,
      coalesce(sum(a.amount) filter (where o.outcome = 'rejected'), 0)::bigint as rejected
    from payment_attempt a
    left join lateral (
      select o.attempt_id, o.outcome from payment_outcome o where o.attempt_id = a.id limit 1
    ) o on true
    where a.batch_id = b.id
  ) answers`;

export async function findBatch(db: Kysely<DB>, id: number): Promise<BatchRow | undefined> {
  const { rows } = await sql<BatchRow>`${batchSelect} where b.id = ${id}`.execute(db);
  return rows[0];
}

export async function countBatches(
  db: Kysely<DB>,
  filter: { month?: string | undefined; programme?: string | undefined; scope: Scope },
): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_batch b
    join payroll_run r on r.id = b.run_id
    where ${districtCodeInScope(filter.scope, 'b.district_code')}
      and (${filter.month ?? null}::text is null or r.month = ${filter.month ?? null})
      and (${filter.programme ?? null}::text is null or r.programme = ${filter.programme ?? null})`.execute(
    db,
  );
  return rows[0]?.n ?? 0;
}

export async function listBatches(
  db: Kysely<DB>,
  filter: {
    month?: string | undefined;
    programme?: string | undefined;
    scope: Scope;
    limit: number;
    offset: number;
  },
): Promise<BatchRow[]> {
  const { rows } = await sql<BatchRow>`${batchSelect}
    where ${districtCodeInScope(filter.scope, 'b.district_code')}
      and (${filter.month ?? null}::text is null or r.month = ${filter.month ?? null})
      and (${filter.programme ?? null}::text is null or r.programme = ${filter.programme ?? null})
    order by r.month desc, r.programme, b.reference
    limit ${filter.limit} offset ${filter.offset}`.execute(db);
  return rows;
}

/** Locks the batch row for the rest of the transaction (approvals, export and imports of one batch queue). */
export async function lockBatch(trx: Kysely<DB>, id: number): Promise<void> {
  await sql`select 1 from payment_batch where id = ${id} for update`.execute(trx);
}

export async function insertApproval(trx: Kysely<DB>, batchId: number, accountId: string): Promise<boolean> {
  const result = await trx
    .insertInto('payment_batch_approval')
    .values({ batch_id: batchId, account_id: accountId })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface FileLineRow {
  reference: string;
  accountNumber: string;
  holderName: string;
  amount: number;
  programme: string;
  benefitMonth: string;
  bankCode: string;
}

/** The batch's payments as the bank file lists them, in reference order. Account numbers in full. */
export async function fileLines(db: Kysely<DB>, batchId: number): Promise<FileLineRow[]> {
  const { rows } = await sql<FileLineRow>`
    select a.reference, acc.number as "accountNumber",
      trim(p.last_name || ' ' || p.first_name || coalesce(' ' || p.patronymic, '')) as "holderName",
      a.amount, l.programme, l.month as "benefitMonth", acc.bank_code as "bankCode"
    from payment_attempt a
    join payment_line l on l.id = a.line_id
    join payment_account acc on acc.id = a.account_id
    join person p on p.id = acc.holder_person_id
    where a.batch_id = ${batchId}
    order by a.reference`.execute(db);
  return rows;
}

/** Records the export and moves the batch's money from payable to the bank's transit account. */
export async function insertExport(
  trx: Kysely<DB>,
  e: { batchId: number; fileSha256: string; linesSha256: string; exportedBy: string; exportedAt: Date },
): Promise<void> {
  await trx
    .insertInto('payment_batch_export')
    .values({
      batch_id: e.batchId,
      file_sha256: e.fileSha256,
      lines_sha256: e.linesSha256,
      exported_by: e.exportedBy,
      exported_at: e.exportedAt,
    })
    .execute();
  await sql`insert into ledger_entry (kind, debit, credit, amount, line_id, attempt_id)
    select 'sent', 'payable:families', 'transit:' || b.bank_code, a.amount, a.line_id, a.id
    from payment_attempt a join payment_batch b on b.id = a.batch_id
    where a.batch_id = ${e.batchId}`.execute(trx);
}

export async function findResultFile(db: Kysely<DB>, sha256: string) {
  return db.selectFrom('bank_result_file').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

/** The batch's attempts, by reference: the amount sent and whether the bank has answered it already. */
export async function attemptsOf(db: Kysely<DB>, batchId: number) {
  const { rows } = await sql<{ reference: string; amount: number; answered: boolean }>`
    select a.reference, a.amount,
      exists (select 1 from payment_outcome o where o.attempt_id = a.id limit 1) as answered
    from payment_attempt a
    where a.batch_id = ${batchId}`.execute(db);
  return rows;
}

export interface OutcomeInput {
  reference: string;
  outcome: 'paid' | 'rejected';
  reason: string | null;
}

/**
 * Applies a result file: the file, each outcome, the ledger (paid: transit → treasury; rejected: back to
 * payable) and, for a card or account the bank says is wrong or closed, a hold for the social worker.
 */
export async function applyResults(
  trx: Kysely<DB>,
  r: { batchId: number; bankCode: string; sha256: string; importedBy: string; outcomes: OutcomeInput[] },
): Promise<{ paid: number; rejected: number; holdsOpened: number; notices: AnsweredNotice[] }> {
  const paid = r.outcomes.filter((o) => o.outcome === 'paid').length;
  const rejected = r.outcomes.length - paid;
  await trx
    .insertInto('bank_result_file')
    .values({
      sha256: r.sha256,
      batch_id: r.batchId,
      lines: r.outcomes.length,
      paid,
      rejected,
      imported_by: r.importedBy,
    })
    .execute();
  const refs = r.outcomes.map((o) => o.reference);
  const outcomes = r.outcomes.map((o) => o.outcome);
  const reasons = r.outcomes.map((o) => o.reason);
  // One statement: the outcomes, their ledger entries, and whom each answer is to be told to.
  const { rows: notices } = await sql<AnsweredNotice>`with given as (
      select * from unnest(${refs}::text[], ${outcomes}::text[], ${reasons}::text[]) as g(reference, outcome, reason)
    ),
    inserted as (
      insert into payment_outcome (attempt_id, line_id, outcome, reason, result_file)
      select a.id, a.line_id, g.outcome, g.reason, ${r.sha256}
      from given g join payment_attempt a on a.reference = g.reference and a.batch_id = ${r.batchId}
      returning attempt_id, line_id, outcome, reason
    ),
    posted as (
      insert into ledger_entry (kind, debit, credit, amount, line_id, attempt_id)
      select case when i.outcome = 'paid' then 'paid' else 'returned' end,
        ${`transit:${r.bankCode}`},
        case when i.outcome = 'paid' then 'treasury' else 'payable:families' end,
        a.amount, i.line_id, i.attempt_id
      from inserted i join payment_attempt a on a.id = i.attempt_id
      returning 1
    )
    select a.reference, acc.holder_person_id as "personId", l.programme, l.month, a.amount, i.outcome, i.reason,
      right(acc.number, 4) as "accountEnd"
    from inserted i
    join payment_attempt a on a.id = i.attempt_id
    join payment_line l on l.id = i.line_id
    join payment_account acc on acc.id = a.account_id`.execute(trx);
  const { rows } = await sql<{ opened: number }>`with wrong as (
      select distinct l.household_id
      from unnest(${refs}::text[], ${reasons}::text[]) as g(reference, reason)
      join payment_attempt a on a.reference = g.reference and a.batch_id = ${r.batchId}
      join payment_line l on l.id = a.line_id
      where g.reason in ('wrong_card', 'closed_account')
    ),
    opened as (
      insert into payment_hold (household_id, reason, opened_by)
      select w.household_id, 'account_problem', 'bank'
      from wrong w
      where not exists (select 1 from payment_hold h where h.household_id = w.household_id
                        and h.reason = 'account_problem' and h.closed_at is null)
      returning 1
    )
    select count(*)::int as opened from opened`.execute(trx);
  return { paid, rejected, holdsOpened: rows[0]?.opened ?? 0, notices };
}

export interface AnsweredNotice {
  reference: string;
  personId: string;
  programme: string;
  month: string;
  amount: number;
  outcome: 'paid' | 'rejected';
  reason: string | null;
  accountEnd: string;
}
