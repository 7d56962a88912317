import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdIdInScope } from '../access/scope.sql.ts';
import type { AppealStatus, DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';

/** All SQL of appeals. Rows are mapped to plain objects here and never leave raw. */

export interface AppealRecord {
  id: string;
  decisionId: number;
  householdId: string;
  grounds: string;
  status: AppealStatus;
  submittedBy: string;
  submittedOn: string;
  dueOn: string;
  overrideId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AppealEvent {
  fromStatus: AppealStatus | null;
  toStatus: AppealStatus;
  actor: string;
  note: string | null;
  at: Date;
}

const columns = [
  'id',
  'decision_id',
  'household_id',
  'grounds',
  'status',
  'submitted_by',
  'submitted_on',
  'due_on',
  'override_id',
  'created_at',
  'updated_at',
] as const;

type Row = {
  id: string;
  decision_id: number;
  household_id: string;
  grounds: string;
  status: AppealStatus;
  submitted_by: string;
  submitted_on: string | Date;
  due_on: string | Date;
  override_id: string | null;
  created_at: Date;
  updated_at: Date;
};

const isoDate = (v: string | Date) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);

const toRecord = (r: Row): AppealRecord => ({
  id: r.id,
  decisionId: Number(r.decision_id),
  householdId: r.household_id,
  grounds: r.grounds,
  status: r.status,
  submittedBy: r.submitted_by,
  submittedOn: isoDate(r.submitted_on),
  dueOn: isoDate(r.due_on),
  overrideId: r.override_id,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export async function insertAppeal(
  db: Kysely<DB>,
  a: Pick<
    AppealRecord,
    'id' | 'decisionId' | 'householdId' | 'grounds' | 'submittedBy' | 'submittedOn' | 'dueOn'
  >,
): Promise<boolean> {
  const rows = await db
    .insertInto('appeal')
    .values({
      id: a.id,
      decision_id: a.decisionId,
      household_id: a.householdId,
      grounds: a.grounds,
      submitted_by: a.submittedBy,
      submitted_on: a.submittedOn,
      due_on: a.dueOn,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function findAppeal(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<AppealRecord | undefined> {
  let query = db.selectFrom('appeal').select(columns).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Whether an override remedies an overturned appeal (the appeal names it). */
export async function isAppealRemedy(db: Kysely<DB>, overrideId: string): Promise<boolean> {
  const row = await db
    .selectFrom('appeal')
    .select('id')
    .where('override_id', '=', overrideId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setStatus(
  db: Kysely<DB>,
  id: string,
  status: AppealStatus,
  overrideId: string | null,
): Promise<void> {
  await db
    .updateTable('appeal')
    .set({ status, updated_at: new Date(), ...(overrideId ? { override_id: overrideId } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function insertEvent(
  db: Kysely<DB>,
  appealId: string,
  e: Omit<AppealEvent, 'at'>,
): Promise<void> {
  await db
    .insertInto('appeal_event')
    .values({
      appeal_id: appealId,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      actor: e.actor,
      note: e.note,
    })
    .execute();
}

export async function findEvents(db: Kysely<DB>, appealId: string): Promise<AppealEvent[]> {
  const rows = await db
    .selectFrom('appeal_event')
    .select(['from_status', 'to_status', 'actor', 'note', 'at'])
    .where('appeal_id', '=', appealId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actor: r.actor,
    note: r.note,
    at: new Date(r.at),
  }));
}

export const OPEN_STATUSES: readonly AppealStatus[] = ['submitted', 'under_review'];

export interface AppealFilters {
  status?: AppealStatus | undefined;
  /** Only appeals still open (submitted or under review): a worklist. */
  open?: boolean | undefined;
  /** Open appeals whose due date is before this date. */
  overdueOn?: string | undefined;
}

/** Appeals about the households in `scope` matching the filters: the one WHERE clause of list and count. */
function scopedAppeals(db: Kysely<DB>, filters: AppealFilters, scope: Scope) {
  let query = db.selectFrom('appeal').where(householdIdInScope(scope, 'appeal.household_id'));
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.open) query = query.where('status', 'in', OPEN_STATUSES);
  if (filters.overdueOn) {
    query = query.where('status', 'in', OPEN_STATUSES).where('due_on', '<', filters.overdueOn);
  }
  return query;
}

export async function countAppeals(db: Kysely<DB>, filters: AppealFilters, scope: Scope): Promise<number> {
  const count = await scopedAppeals(db, filters, scope)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(count.n);
}

/** Appeals about the households in `scope`; the count is narrowed the same way. */
export async function listAppeals(db: Kysely<DB>, filters: AppealFilters, page: PageQuery, scope: Scope) {
  const query = scopedAppeals(db, filters, scope);
  const [rows, total] = await Promise.all([
    query
      .select(columns)
      .orderBy('due_on')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    countAppeals(db, filters, scope),
  ]);
  return { items: rows.map(toRecord), total };
}
