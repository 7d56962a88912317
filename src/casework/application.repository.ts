import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdIdInScope } from '../access/scope.sql.ts';
import type { ApplicationStatus, ApplicationTable, DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';

/** All SQL of applications. Rows are mapped to plain objects here and never leave raw. */

export interface ApplicationRecord {
  id: string;
  /** Short human reference, A-<year>-<number> (migration 022). */
  reference: string;
  householdId: string;
  programme: ApplicationTable['programme'];
  channel: ApplicationTable['channel'];
  submittedOn: string;
  submittedBy: string;
  decisionMonth: string;
  status: ApplicationStatus;
  precheck: { entitled: boolean; category: string };
  questionnaire: { by: string; on: string } | null;
  mahallaOpinion: { supports: boolean; by: string; on: string } | null;
  dueOn: string | null;
  decidedOn: string | null;
  outcome: { entitled: boolean; category: string; amount: number } | null;
  createdAt: Date;
  updatedAt: Date;
}

const isoDate = (v: string | Date | null) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);

function toRecord(r: Selectable<ApplicationTable>): ApplicationRecord {
  const questionnaireOn = isoDate(r.questionnaire_on);
  const mahallaOn = isoDate(r.mahalla_on);
  return {
    id: r.id,
    reference: r.reference,
    householdId: r.household_id,
    programme: r.programme,
    channel: r.channel,
    submittedOn: isoDate(r.submitted_on) ?? '',
    submittedBy: r.submitted_by,
    decisionMonth: r.decision_month,
    status: r.status,
    precheck: { entitled: r.precheck_entitled, category: r.precheck_category },
    questionnaire:
      r.questionnaire_by && questionnaireOn ? { by: r.questionnaire_by, on: questionnaireOn } : null,
    mahallaOpinion:
      r.mahalla_supports !== null && r.mahalla_by && mahallaOn
        ? { supports: r.mahalla_supports, by: r.mahalla_by, on: mahallaOn }
        : null,
    dueOn: isoDate(r.due_on),
    decidedOn: isoDate(r.decided_on),
    outcome:
      r.outcome_entitled !== null && r.outcome_category !== null && r.outcome_amount !== null
        ? { entitled: r.outcome_entitled, category: r.outcome_category, amount: Number(r.outcome_amount) }
        : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface NewApplication {
  id: string;
  householdId: string;
  programme: ApplicationTable['programme'];
  channel: ApplicationTable['channel'];
  submittedOn: string;
  submittedBy: string;
  decisionMonth: string;
  precheckEntitled: boolean;
  precheckCategory: string;
}

export async function insertApplication(db: Kysely<DB>, a: NewApplication): Promise<boolean> {
  const rows = await db
    .insertInto('application')
    .values({
      id: a.id,
      household_id: a.householdId,
      programme: a.programme,
      channel: a.channel,
      submitted_on: a.submittedOn,
      submitted_by: a.submittedBy,
      decision_month: a.decisionMonth,
      precheck_entitled: a.precheckEntitled,
      precheck_category: a.precheckCategory,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function findApplication(db: Kysely<DB>, id: string): Promise<ApplicationRecord | undefined> {
  const row = await db.selectFrom('application').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Moves an application on from `from`; false when another writer moved it first. */
export async function advance(
  db: Kysely<DB>,
  id: string,
  from: ApplicationStatus,
  set: Updateable<ApplicationTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('application')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface ApplicationFilters {
  status?: ApplicationStatus | undefined;
  /** Only applications not decided yet: a worklist. */
  open?: boolean | undefined;
  /** Awaiting the final assessment past this due date. */
  overdueOn?: string | undefined;
}

/** Applications of the households in `scope` matching the filters: the one WHERE clause of list and count. */
function scopedApplications(db: Kysely<DB>, filters: ApplicationFilters, scope: Scope) {
  let query = db.selectFrom('application').where(householdIdInScope(scope, 'application.household_id'));
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.open) query = query.where('status', '<>', 'decided');
  if (filters.overdueOn) {
    query = query.where('status', '=', 'mahalla_opinion').where('due_on', '<', filters.overdueOn);
  }
  return query;
}

export async function countApplications(
  db: Kysely<DB>,
  filters: ApplicationFilters,
  scope: Scope,
): Promise<number> {
  const count = await scopedApplications(db, filters, scope)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(count.n);
}

export async function listApplications(
  db: Kysely<DB>,
  filters: ApplicationFilters,
  page: PageQuery,
  scope: Scope,
) {
  const query = scopedApplications(db, filters, scope);
  const [rows, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('submitted_on')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    countApplications(db, filters, scope),
  ]);
  return { items: rows.map(toRecord), total };
}
