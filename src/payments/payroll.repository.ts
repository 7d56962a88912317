import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * The payroll build's SQL. A build is one transaction made of set-based statements (no row objects cross
 * into Node), so a process killed in the middle leaves nothing, and a restart builds the same payroll again.
 * References are derived from what they name (household, programme, month, bank, district), not from
 * sequences, so the rebuilt batches and lines carry the same references as an uninterrupted build would.
 */

/** A date as its month ('YYYY-MM'), in SQL. */
const monthOf = (expression: ReturnType<typeof sql>) => sql`to_char(${expression}, 'YYYY-MM')`;

/**
 * What is due to a household for a programme's month: the latest decision of that month or before (by month,
 * then by order written), its amount, or nothing when it ended the entitlement. A lateral subquery yielding
 * `decision_id` and `amount`; the regular lines and the arrears and corrections both read it.
 */
const dueBy = (
  household: RawBuilder<unknown>,
  programme: RawBuilder<unknown>,
  month: RawBuilder<unknown>,
) => sql`(
  select d.id as decision_id, case when d.kind = 'ended' then 0 else d.amount_after end as amount
  from decision d
  where d.household_id = ${household} and d.programme = ${programme} and d.month <= ${month}
  order by d.month desc, d.id desc limit 1
)`;

/** Serialises builds of one programme's month (two started at once: the second waits, then finds the run). */
export async function lockRun(trx: Kysely<DB>, month: string, programme: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':payroll:' || ${programme}), hashtext(${month}))`.execute(
    trx,
  );
}

export async function findRun(db: Kysely<DB>, month: string, programme: string) {
  return db
    .selectFrom('payroll_run')
    .selectAll()
    .where('month', '=', month)
    .where('programme', '=', programme)
    .executeTakeFirst();
}

/** The latest run of the programme before `month`, and the programme's first payroll month. */
export async function previousRun(trx: Kysely<DB>, month: string, programme: string) {
  const row = await trx
    .selectFrom('payroll_run')
    .select([
      sql<number | null>`(array_agg(id order by month desc))[1]`.as('id'),
      sql<Date | null>`max(built_at)`.as('built_at'),
      sql<string | null>`min(month)`.as('first_month'),
    ])
    .where('programme', '=', programme)
    .where('month', '<', month)
    .executeTakeFirstOrThrow();
  return { id: row.id, builtAt: row.built_at, firstMonth: row.first_month };
}

/**
 * The lines this build makes, into a temporary table: the month's regular lines of every entitlement in
 * force, then, for households whose decisions changed since the previous build, arrears for earlier months
 * without a line and corrections for months whose lines no longer match what is due. What is due for a month
 * is the latest decision of that month or before (an ended one: nothing).
 */
export async function stageLines(
  trx: Kysely<DB>,
  p: { month: string; programme: string; changedSince: Date | null; firstMonth: string },
): Promise<void> {
  await sql`create temporary table payroll_stage (
    household_id uuid not null, month text not null, kind text not null, amount bigint not null,
    decision_id bigint not null, corrects_line_id bigint
  ) on commit drop`.execute(trx);
  const monthStart = sql`to_date(${p.month} || '-01', 'YYYY-MM-DD')`;
  await sql`insert into payroll_stage (household_id, month, kind, amount, decision_id)
    select e.household_id, ${p.month}, 'regular', due.amount, due.decision_id
    from entitlement e
    join household h on h.id = e.household_id
    cross join lateral ${dueBy(sql`e.household_id`, sql`${p.programme}`, sql`${p.month}`)} due
    where e.programme = ${p.programme} and e.from_month <= ${p.month}
      and (e.to_month is null or e.to_month >= ${p.month})
      and (h.dissolved_on is null or h.dissolved_on >= ${monthStart})
      and due.amount > 0
      and not exists (
        select 1 from payment_line l
        where l.household_id = e.household_id and l.programme = e.programme and l.month = ${p.month}
          and l.kind <> 'correction'
      )`.execute(trx);
  if (!p.changedSince) return;
  // Earlier months of the households whose decisions were written since the previous build.
  await sql`insert into payroll_stage (household_id, month, kind, amount, decision_id, corrects_line_id)
    with changed as (
      select d.household_id, min(d.month) as since
      from decision d
      where d.programme = ${p.programme} and d.created_at > ${p.changedSince} and d.month < ${p.month}
      group by d.household_id
    ),
    months as (
      select c.household_id, ${monthOf(sql`g`)} as month
      from changed c
      cross join lateral generate_series(
        to_date(greatest(c.since, ${p.firstMonth}) || '-01', 'YYYY-MM-DD'),
        ${monthStart} - interval '1 month', interval '1 month') g
    ),
    due as (
      select m.household_id, m.month, dd.decision_id, coalesce(dd.amount, 0) as amount,
        (select l.id from payment_line l where l.household_id = m.household_id and l.programme = ${p.programme}
           and l.month = m.month and l.kind <> 'correction') as line_id,
        (select coalesce(sum(l.amount), 0) from payment_line l where l.household_id = m.household_id
           and l.programme = ${p.programme} and l.month = m.month) as paid_for
      from months m
      left join lateral ${dueBy(sql`m.household_id`, sql`${p.programme}`, sql`m.month`)} dd on true
    )
    select household_id, month,
      case when line_id is null then 'arrears' else 'correction' end,
      amount - paid_for, decision_id, line_id
    from due
    where decision_id is not null and amount <> paid_for and (line_id is not null or amount > 0)
      and not exists (
        select 1 from payment_line l where l.corrects_line_id = due.line_id and l.decision_id = due.decision_id
      )`.execute(trx);
}

export async function insertRun(
  trx: Kysely<DB>,
  run: { month: string; programme: string; builtBy: string },
): Promise<number> {
  const row = await trx
    .insertInto('payroll_run')
    .values({ month: run.month, programme: run.programme, built_by: run.builtBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The staged lines become payment lines, each accrued on the ledger (an overpayment: recoverable). */
export async function insertLines(trx: Kysely<DB>, runId: number, programme: string): Promise<void> {
  await sql`with inserted as (
      insert into payment_line (run_id, household_id, programme, month, kind, amount, decision_id, corrects_line_id)
      select ${runId}, household_id, ${programme}, month, kind, amount, decision_id, corrects_line_id
      from payroll_stage
      returning id, amount
    )
    insert into ledger_entry (kind, debit, credit, amount, line_id)
    select case when amount > 0 then 'accrued' else 'overpaid' end,
      case when amount > 0 then ${`expense:${programme}`} else 'recoverable:families' end,
      case when amount > 0 then 'payable:families' else ${`expense:${programme}`} end,
      abs(amount), id
    from inserted`.execute(trx);
}

/**
 * What this build sends, into a temporary table: this run's positive lines, the lines held by the
 * previous run, and the lines whose last attempt the bank rejected; each to the household's open account,
 * or held (an open hold, or no account to pay to).
 */
export async function stageSends(
  trx: Kysely<DB>,
  p: { runId: number; previousRunId: number | null; programme: string },
): Promise<void> {
  await sql`create temporary table payroll_send on commit drop as
    with candidates as (
      select l.id, l.household_id, l.amount, l.month, l.kind, l.corrects_line_id from payment_line l
      where l.run_id = ${p.runId} and l.amount > 0
      union
      select l.id, l.household_id, l.amount, l.month, l.kind, l.corrects_line_id
      from payment_line_hold ph join payment_line l on l.id = ph.line_id
      where ph.run_id = ${p.previousRunId ?? -1}
      union
      select l.id, l.household_id, l.amount, l.month, l.kind, l.corrects_line_id
      from payment_outcome o join payment_line l on l.id = o.line_id
      where o.outcome = 'rejected' and l.programme = ${p.programme}
        and not exists (select 1 from payment_attempt a where a.line_id = o.line_id and a.id > o.attempt_id)
        and not exists (select 1 from payment_outcome po where po.line_id = o.line_id and po.outcome = 'paid')
    )
    select c.id as line_id, c.household_id, c.amount, c.month, c.kind, c.corrects_line_id,
      h.district_code, acc.id as account_id, acc.bank_code,
      case when hold.reason is not null then hold.reason
           when acc.id is null then 'no_account'
           when holder.death_date is not null then 'holder_deceased' end as held_reason
    from candidates c
    join household h on h.id = c.household_id
    left join payment_account acc on acc.household_id = c.household_id and acc.closed_at is null
    left join person holder on holder.id = acc.holder_person_id
    left join lateral (
      select ph.reason from payment_hold ph
      where ph.household_id = c.household_id and ph.closed_at is null
      order by ph.id limit 1
    ) hold on true`.execute(trx);
}

/**
 * Batches by bank and district, with references made of what they name; then the attempts and the holds.
 * A batch whose total is above `fourEyesAbove` needs two approvals.
 */
export async function insertBatches(
  trx: Kysely<DB>,
  p: { runId: number; month: string; programme: string; fourEyesAbove: number },
): Promise<void> {
  const tag = sql`upper(left(md5(${p.programme}), 6))`;
  await sql`insert into payment_batch (reference, run_id, bank_code, district_code, lines, total, approvals_required)
    select 'PB-' || replace(${p.month}, '-', '') || '-' || ${tag} || '-' || bank_code || '-' || district_code,
      ${p.runId}, bank_code, district_code, count(*), sum(amount),
      case when sum(amount) > ${p.fourEyesAbove} then 2 else 1 end
    from payroll_send where held_reason is null
    group by bank_code, district_code`.execute(trx);
  await sql`insert into payment_attempt (reference, line_id, batch_id, account_id, amount)
    select 'PL' || upper(left(md5(s.household_id::text || ':' || ${p.programme} || ':' || s.month || ':' || s.kind
        || ':' || coalesce(s.corrects_line_id::text, '') || ':' || b.reference), 20)),
      s.line_id, b.id, s.account_id, s.amount
    from payroll_send s
    join payment_batch b on b.run_id = ${p.runId} and b.bank_code = s.bank_code and b.district_code = s.district_code
    where s.held_reason is null`.execute(trx);
  await sql`insert into payment_line_hold (line_id, run_id, reason)
    select line_id, ${p.runId}, held_reason from payroll_send where held_reason is not null`.execute(trx);
}

export async function analyzePayments(db: Kysely<DB>): Promise<void> {
  await sql`analyze payment_line, payment_line_hold, payment_batch, payment_attempt, payment_outcome, ledger_entry`.execute(
    db,
  );
}
