import { type Kysely, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdIdInScope } from '../access/scope.sql.ts';
import type {
  DB,
  DecisionKind,
  DecisionProgramme,
  EvaluationStatus,
  EvaluationTrigger,
} from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';

/** All SQL of the decisions context. Rows are mapped to plain objects here and never leave raw. */

export interface RunRecord {
  id: number;
  month: string;
  trigger: EvaluationTrigger;
  status: EvaluationStatus;
  jobId: string | null;
  parametersDigest: string | null;
  householdsEvaluated: number;
  decisionsWritten: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Last sign of life of a running run (written every few seconds while it works). */
  heartbeatAt: Date | null;
}

export interface EntitlementRecord {
  householdId: string;
  programme: DecisionProgramme;
  category: string;
  amount: number;
  fromMonth: string;
  toMonth: string | null;
  decidedMonth: string;
  lastDecisionId: number;
}

export interface NewDecision {
  householdId: string;
  programme: DecisionProgramme;
  month: string;
  kind: DecisionKind;
  categoryBefore: string;
  categoryAfter: string;
  amountBefore: number;
  amountAfter: number;
  previousDecisionId: number | null;
  traceId: number;
  parametersDigest: string;
  runId: number;
}

export interface NewTrace {
  householdId: string;
  month: string;
  runId: number;
  parametersDigest: string;
  /** JSON text. */
  trace: string;
}

export interface DecisionRecord extends NewDecision {
  id: number;
  createdAt: Date;
}

export interface DecisionFilters {
  householdId?: string | undefined;
  programme?: DecisionProgramme | undefined;
  month?: string | undefined;
  kind?: DecisionKind | undefined;
}

export async function createRun(
  db: Kysely<DB>,
  run: { month: string; trigger: EvaluationTrigger; status: EvaluationStatus },
): Promise<number> {
  const row = await db
    .insertInto('evaluation_run')
    .values({
      month: run.month,
      trigger: run.trigger,
      status: run.status,
      ...(run.status === 'running' ? { started_at: new Date(), heartbeat_at: new Date() } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function startRun(db: Kysely<DB>, id: number, parametersDigest: string): Promise<void> {
  await db
    .updateTable('evaluation_run')
    .set({
      status: 'running',
      started_at: new Date(),
      heartbeat_at: new Date(),
      parameters_digest: parametersDigest,
      error: null,
    })
    .where('id', '=', id)
    .execute();
}

/** The run is still at work; false when it is no longer 'running' (someone declared it dead). */
export async function beatRun(db: Kysely<DB>, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('evaluation_run')
    .set({ heartbeat_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks failed every run 'running' without a heartbeat since `deadBefore` (its process died: a killed
 * server, an interrupted CLI); returns them with their jobs. A run from before heartbeats counts from
 * its start.
 */
export async function failDeadRuns(
  db: Kysely<DB>,
  deadBefore: Date,
  now: Date,
): Promise<{ id: number; jobId: string | null; heartbeatAt: Date | null }[]> {
  const rows = await db
    .updateTable('evaluation_run')
    .set({
      status: 'failed',
      finished_at: now,
      error: sql<string>`'no heartbeat since ' || to_char(coalesce(heartbeat_at, started_at, created_at)
        at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': the process running it stopped'`,
    })
    .where('status', '=', 'running')
    .where(sql<boolean>`coalesce(heartbeat_at, started_at, created_at) < ${deadBefore}`)
    .returning(['id', 'job_id', 'heartbeat_at'])
    .execute();
  return rows.map((r) => ({ id: Number(r.id), jobId: r.job_id, heartbeatAt: r.heartbeat_at }));
}

export async function finishRun(
  db: Kysely<DB>,
  id: number,
  counts: { householdsEvaluated: number; decisionsWritten: number },
): Promise<void> {
  await db
    .updateTable('evaluation_run')
    .set({
      status: 'finished',
      finished_at: new Date(),
      households_evaluated: counts.householdsEvaluated,
      decisions_written: counts.decisionsWritten,
    })
    .where('id', '=', id)
    .execute();
}

export async function failRun(db: Kysely<DB>, id: number, error: string): Promise<void> {
  await db
    .updateTable('evaluation_run')
    .set({ status: 'failed', finished_at: new Date(), error: error.slice(0, 2000) })
    .where('id', '=', id)
    // A finished run stays finished (a signal that arrives after the last write changes nothing).
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

export async function setRunJob(db: Kysely<DB>, id: number, jobId: string): Promise<void> {
  await db.updateTable('evaluation_run').set({ job_id: jobId }).where('id', '=', id).execute();
}

export async function deleteQueuedRun(db: Kysely<DB>, id: number): Promise<void> {
  await db.deleteFrom('evaluation_run').where('id', '=', id).where('status', '=', 'queued').execute();
}

const runColumns = [
  'id',
  'month',
  'trigger',
  'status',
  'job_id',
  'parameters_digest',
  'households_evaluated',
  'decisions_written',
  'error',
  'created_at',
  'started_at',
  'finished_at',
  'heartbeat_at',
] as const;

type RunRow = {
  id: number;
  month: string;
  trigger: EvaluationTrigger;
  status: EvaluationStatus;
  job_id: string | null;
  parameters_digest: string | null;
  households_evaluated: number;
  decisions_written: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
};

const toRun = (r: RunRow): RunRecord => ({
  id: Number(r.id),
  month: r.month,
  trigger: r.trigger,
  status: r.status,
  jobId: r.job_id,
  parametersDigest: r.parameters_digest,
  householdsEvaluated: r.households_evaluated,
  decisionsWritten: r.decisions_written,
  error: r.error,
  createdAt: new Date(r.created_at),
  startedAt: r.started_at ? new Date(r.started_at) : null,
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  heartbeatAt: r.heartbeat_at ? new Date(r.heartbeat_at) : null,
});

export async function findRun(db: Kysely<DB>, id: number): Promise<RunRecord | undefined> {
  const row = await db
    .selectFrom('evaluation_run')
    .select(runColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRun(row) : undefined;
}

/** A whole-month run of that month waiting or running (for the singleton trigger). */
export async function findOpenMonthRun(db: Kysely<DB>, month: string): Promise<RunRecord | undefined> {
  const row = await db
    .selectFrom('evaluation_run')
    .select(runColumns)
    .where('month', '=', month)
    .where('trigger', '!=', 'household')
    .where('status', 'in', ['queued', 'running'])
    .where('job_id', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? toRun(row) : undefined;
}

/**
 * The Social Registry category each household was decided in before `month` (its latest decision of an
 * earlier month), so that re-running a month sees the same "previous category" as the first run.
 */
export async function categoriesBefore(
  db: Kysely<DB>,
  /** The status programme whose decisions carry the category (the Social Registry). */
  programme: string,
  month: string,
  householdIds?: readonly string[],
): Promise<Map<string, string>> {
  if (householdIds && householdIds.length === 0) return new Map();
  let query = db
    .selectFrom('decision')
    .select(['household_id', 'category_after'])
    .distinctOn('household_id')
    .where('programme', '=', programme)
    .where('month', '<', month)
    .orderBy('household_id')
    .orderBy('month', 'desc')
    .orderBy('id', 'desc');
  if (householdIds) query = query.where('household_id', 'in', householdIds);
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.household_id, r.category_after]));
}

export async function findEntitlements(
  db: Kysely<DB>,
  householdIds?: readonly string[],
): Promise<EntitlementRecord[]> {
  if (householdIds && householdIds.length === 0) return [];
  let query = db
    .selectFrom('entitlement')
    .select([
      'household_id',
      'programme',
      'category',
      'amount',
      'from_month',
      'to_month',
      'decided_month',
      'last_decision_id',
    ])
    .orderBy('household_id')
    .orderBy('programme');
  if (householdIds) query = query.where('household_id', 'in', householdIds);
  const rows = await query.execute();
  return rows.map((r) => ({
    householdId: r.household_id,
    programme: r.programme,
    category: r.category,
    amount: Number(r.amount),
    fromMonth: r.from_month,
    toMonth: r.to_month,
    decidedMonth: r.decided_month,
    lastDecisionId: Number(r.last_decision_id),
  }));
}

/**
 * Writes decisions; a transition already written (same household, programme, month and previous decision)
 * is skipped by the unique index, so a retried or concurrent batch adds nothing twice. Returns the ids of
 * the rows written, by `householdId|programme`.
 */
export async function insertDecisions(db: Kysely<DB>, decisions: readonly NewDecision[]) {
  if (decisions.length === 0) return new Map<string, number>();
  const rows = await db
    .insertInto('decision')
    .values(
      decisions.map((d) => ({
        household_id: d.householdId,
        programme: d.programme,
        month: d.month,
        kind: d.kind,
        category_before: d.categoryBefore,
        category_after: d.categoryAfter,
        amount_before: d.amountBefore,
        amount_after: d.amountAfter,
        previous_decision_id: d.previousDecisionId,
        trace_id: d.traceId,
        parameters_digest: d.parametersDigest,
        run_id: d.runId,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'household_id', 'programme'])
    .execute();
  return new Map(rows.map((r) => [`${r.household_id}|${r.programme}`, Number(r.id)]));
}

/** Writes traces; returns their ids by household. */
export async function insertTraces(db: Kysely<DB>, traces: readonly NewTrace[]) {
  if (traces.length === 0) return new Map<string, number>();
  const rows = await db
    .insertInto('decision_trace')
    .values(
      traces.map((t) => ({
        household_id: t.householdId,
        month: t.month,
        run_id: t.runId,
        parameters_digest: t.parametersDigest,
        trace: t.trace,
      })),
    )
    .returning(['id', 'household_id'])
    .execute();
  return new Map(rows.map((r) => [r.household_id, Number(r.id)]));
}

/** Removes traces that no decision refers to (their decisions were already written by another run). */
export async function deleteUnusedTraces(db: Kysely<DB>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom('decision_trace')
    .where('id', 'in', ids)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('decision')
            .select('decision.id')
            .whereRef('decision.trace_id', '=', 'decision_trace.id'),
        ),
      ),
    )
    .execute();
}

export async function upsertEntitlements(db: Kysely<DB>, entitlements: readonly EntitlementRecord[]) {
  if (entitlements.length === 0) return;
  await db
    .insertInto('entitlement')
    .values(
      entitlements.map((e) => ({
        household_id: e.householdId,
        programme: e.programme,
        category: e.category,
        amount: e.amount,
        from_month: e.fromMonth,
        to_month: e.toMonth,
        decided_month: e.decidedMonth,
        last_decision_id: e.lastDecisionId,
        updated_at: new Date(),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['household_id', 'programme']).doUpdateSet((eb) => ({
        category: eb.ref('excluded.category'),
        amount: eb.ref('excluded.amount'),
        from_month: eb.ref('excluded.from_month'),
        to_month: eb.ref('excluded.to_month'),
        decided_month: eb.ref('excluded.decided_month'),
        last_decision_id: eb.ref('excluded.last_decision_id'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

const decisionColumns = [
  'id',
  'household_id',
  'programme',
  'month',
  'kind',
  'category_before',
  'category_after',
  'amount_before',
  'amount_after',
  'previous_decision_id',
  'trace_id',
  'parameters_digest',
  'run_id',
  'created_at',
] as const;

type DecisionRow = {
  id: number;
  household_id: string;
  programme: DecisionProgramme;
  month: string;
  kind: DecisionKind;
  category_before: string;
  category_after: string;
  amount_before: number;
  amount_after: number;
  previous_decision_id: number | null;
  trace_id: number;
  parameters_digest: string;
  run_id: number;
  created_at: Date;
};

const toDecision = (r: DecisionRow): DecisionRecord => ({
  id: Number(r.id),
  householdId: r.household_id,
  programme: r.programme,
  month: r.month,
  kind: r.kind,
  categoryBefore: r.category_before,
  categoryAfter: r.category_after,
  amountBefore: Number(r.amount_before),
  amountAfter: Number(r.amount_after),
  previousDecisionId: r.previous_decision_id === null ? null : Number(r.previous_decision_id),
  traceId: Number(r.trace_id),
  parametersDigest: r.parameters_digest,
  runId: Number(r.run_id),
  createdAt: new Date(r.created_at),
});

/** Decisions of the households in `scope`, newest first; the count is narrowed the same way. */
export async function listDecisions(db: Kysely<DB>, filters: DecisionFilters, page: PageQuery, scope: Scope) {
  let query = db.selectFrom('decision').where(householdIdInScope(scope, 'decision.household_id'));
  if (filters.householdId) query = query.where('household_id', '=', filters.householdId);
  if (filters.programme) query = query.where('programme', '=', filters.programme);
  if (filters.month) query = query.where('month', '=', filters.month);
  if (filters.kind) query = query.where('kind', '=', filters.kind);
  const [rows, count] = await Promise.all([
    query.select(decisionColumns).orderBy('id', 'desc').limit(page.pageSize).offset(offsetOf(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toDecision), total: Number(count.n) };
}

/** The household a decision is about (for the area check before anything of it is read). */
/** The decisions a run wrote, oldest first: what an event-driven evaluation turned into offers. */
export async function listDecisionsOfRun(db: Kysely<DB>, runId: number): Promise<DecisionRecord[]> {
  const rows = await db
    .selectFrom('decision')
    .select(decisionColumns)
    .where('run_id', '=', runId)
    .orderBy('id')
    .execute();
  return rows.map(toDecision);
}

export async function findDecisionHousehold(db: Kysely<DB>, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('decision').select('household_id').where('id', '=', id).executeTakeFirst();
  return row?.household_id;
}

export async function findDecision(
  db: Kysely<DB>,
  id: number,
): Promise<(DecisionRecord & { trace: unknown }) | undefined> {
  const row = await db
    .selectFrom('decision as d')
    .innerJoin('decision_trace as t', 't.id', 'd.trace_id')
    .select([...decisionColumns.map((c) => `d.${c}` as const), 't.trace'])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const trace = typeof row.trace === 'string' ? (JSON.parse(row.trace) as unknown) : row.trace;
  return { ...toDecision(row), trace };
}

/** What an approved override sets, for evaluations of the months it holds. */
export interface OverrideInForce {
  overrideId: string;
  amount: number | null;
  category: string | null;
}

/**
 * Approved overrides in force in `month` by `household|programme`; where two hold, the latest approved wins.
 * Read here (the table is casework's) because overrides are an input of every evaluation.
 */
export async function overridesInForce(
  db: Kysely<DB>,
  month: string,
  householdIds?: readonly string[],
): Promise<Map<string, OverrideInForce>> {
  const found = new Map<string, OverrideInForce>();
  if (householdIds?.length === 0) return found;
  let query = db
    .selectFrom('override_request')
    .select(['id', 'household_id', 'programme', 'amount', 'category'])
    .where('status', '=', 'approved')
    .where('month', '<=', month)
    .where('until_month', '>=', month)
    .orderBy('reviewed_at')
    .orderBy('id');
  if (householdIds) query = query.where('household_id', 'in', [...householdIds]);
  for (const r of await query.execute()) {
    found.set(`${r.household_id}|${r.programme}`, {
      overrideId: r.id,
      amount: r.amount === null ? null : Number(r.amount),
      category: r.category,
    });
  }
  return found;
}

/**
 * Households whose hardship the mahalla committee confirmed in an application, for the months that
 * confirmation counts: from the application's decision month for `months` months (the borderline payment
 * period). Read here (the table is casework's) because the opinion is an input of every evaluation.
 */
export async function hardshipConfirmed(
  db: Kysely<DB>,
  month: string,
  firstMonthFrom: string,
  householdIds?: readonly string[],
): Promise<Set<string>> {
  if (householdIds?.length === 0) return new Set();
  let query = db
    .selectFrom('application')
    .select('household_id')
    .distinct()
    .where('mahalla_supports', '=', true)
    .where('status', 'in', ['mahalla_opinion', 'decided'])
    .where('decision_month', '<=', month)
    .where('decision_month', '>=', firstMonthFrom);
  if (householdIds) query = query.where('household_id', 'in', [...householdIds]);
  return new Set((await query.execute()).map((r) => r.household_id));
}

export async function householdExists(db: Kysely<DB>, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('household')
    .select(sql<number>`1`.as('one'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/** A whole-month run of that month that finished (the first start evaluates a month only once). */
export async function findFinishedMonthRun(db: Kysely<DB>, month: string): Promise<RunRecord | undefined> {
  const row = await db
    .selectFrom('evaluation_run')
    .select(runColumns)
    .where('month', '=', month)
    .where('trigger', '!=', 'household')
    .where('status', '=', 'finished')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? toRun(row) : undefined;
}

/** Households in the registry today (for the first start's progress line). */
export async function countLiveHouseholds(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('household')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dissolved_on', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
