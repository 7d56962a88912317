import { type Kysely, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdIdInScope } from '../access/scope.sql.ts';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import type { LifeEvent } from './life-event.ts';
import type { ServiceCaseStatus, ServiceCaseStepStatus } from './proactive.tables.ts';

/** All SQL of the proactive services: the cases of life events and their steps. */

export interface CaseRecord {
  id: string;
  eventId: string;
  source: string;
  kind: string;
  occurredOn: string;
  householdIds: string[];
  personIds: string[];
  status: ServiceCaseStatus;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface StepRecord {
  step: string;
  status: ServiceCaseStepStatus;
  detail: unknown;
  at: Date;
}

const toCase = (r: {
  id: string;
  event_id: string;
  source: string;
  kind: string;
  occurred_on: string;
  household_ids: string[];
  person_ids: string[];
  status: ServiceCaseStatus;
  created_at: Date;
  finished_at: Date | null;
}): CaseRecord => ({
  id: r.id,
  eventId: r.event_id,
  source: r.source,
  kind: r.kind,
  occurredOn: r.occurred_on,
  householdIds: r.household_ids,
  personIds: r.person_ids,
  status: r.status,
  createdAt: new Date(r.created_at),
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
});

/** Opens the case of an event, or finds the one a first report of the same event opened. */
export async function openCase(
  db: Kysely<DB>,
  id: string,
  event: LifeEvent,
): Promise<{ case: CaseRecord; created: boolean }> {
  const inserted = await db
    .insertInto('service_case')
    .values({
      id,
      event_id: event.eventId,
      source: event.source,
      kind: event.kind,
      occurred_on: event.occurredOn,
      household_ids: sql<string[]>`${event.householdIds}::uuid[]`,
      person_ids: sql<string[]>`${event.personIds}::uuid[]`,
    })
    .onConflict((oc) => oc.columns(['source', 'event_id']).doNothing())
    .returning('id')
    .execute();
  const row = await db
    .selectFrom('service_case')
    .selectAll()
    .where('source', '=', event.source)
    .where('event_id', '=', event.eventId)
    .executeTakeFirstOrThrow();
  return { case: toCase(row), created: inserted.length > 0 };
}

export async function recordStep(
  db: Kysely<DB>,
  caseId: string,
  step: string,
  status: ServiceCaseStepStatus,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('service_case_step')
    .values({ case_id: caseId, step, status, detail: JSON.stringify(detail) })
    // A step taken again (a failed case taken up once more) keeps its latest outcome.
    .onConflict((oc) =>
      oc.columns(['case_id', 'step']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        detail: eb.ref('excluded.detail'),
        at: eb.ref('excluded.at'),
      })),
    )
    .execute();
}

export async function finishCase(db: Kysely<DB>, caseId: string, status: ServiceCaseStatus): Promise<void> {
  await db
    .updateTable('service_case')
    .set({ status, finished_at: new Date() })
    .where('id', '=', caseId)
    .execute();
}

export async function findCase(db: Kysely<DB>, id: string): Promise<CaseRecord | undefined> {
  const row = await db.selectFrom('service_case').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCase(row) : undefined;
}

export async function listSteps(db: Kysely<DB>, caseId: string): Promise<StepRecord[]> {
  const rows = await db
    .selectFrom('service_case_step')
    .select(['step', 'status', 'detail', 'at'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ step: r.step, status: r.status, detail: r.detail, at: new Date(r.at) }));
}

/** Cases touching a household of the scope, newest first (a case is in scope when any household is). */
export async function listCases(
  db: Kysely<DB>,
  filters: { householdId?: string | undefined; kind?: string | undefined },
  page: PageQuery,
  scope: Scope,
) {
  let query = db
    .selectFrom('service_case as c')
    .where(
      sql<boolean>`exists (select 1 from unnest(c.household_ids) as ch(id) where ${householdIdInScope(scope, 'ch.id')})`,
    );
  if (filters.householdId)
    query = query.where(sql<boolean>`${filters.householdId}::uuid = any(c.household_ids)`);
  if (filters.kind) query = query.where('c.kind', '=', filters.kind);
  const [rows, count] = await Promise.all([
    query
      .selectAll('c')
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toCase), total: Number(count.n) };
}
