import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdIdInScope } from '../access/scope.sql.ts';
import type { DB, DecisionProgramme, OverrideStatus } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';

/** All SQL of manual overrides. Rows are mapped to plain objects here and never leave raw. */

export interface NewOverride {
  id: string;
  householdId: string;
  programme: DecisionProgramme;
  month: string;
  /** Last month the override holds (inclusive). */
  untilMonth: string;
  amount: number | null;
  category: string | null;
  reason: string;
  legalBasis: string;
  requestedBy: string;
}

export interface OverrideRecord extends NewOverride {
  status: OverrideStatus;
  reviewedBy: string | null;
  reviewNote: string | null;
  decisionId: number | null;
  createdAt: Date;
  reviewedAt: Date | null;
}

const columns = [
  'id',
  'household_id',
  'programme',
  'month',
  'until_month',
  'amount',
  'category',
  'reason',
  'legal_basis',
  'status',
  'requested_by',
  'reviewed_by',
  'review_note',
  'decision_id',
  'created_at',
  'reviewed_at',
] as const;

type Row = {
  id: string;
  household_id: string;
  programme: DecisionProgramme;
  month: string;
  until_month: string;
  amount: number | null;
  category: string | null;
  reason: string;
  legal_basis: string;
  status: OverrideStatus;
  requested_by: string;
  reviewed_by: string | null;
  review_note: string | null;
  decision_id: number | null;
  created_at: Date;
  reviewed_at: Date | null;
};

const toRecord = (r: Row): OverrideRecord => ({
  id: r.id,
  householdId: r.household_id,
  programme: r.programme,
  month: r.month,
  untilMonth: r.until_month,
  amount: r.amount === null ? null : Number(r.amount),
  category: r.category,
  reason: r.reason,
  legalBasis: r.legal_basis,
  requestedBy: r.requested_by,
  status: r.status,
  reviewedBy: r.reviewed_by,
  reviewNote: r.review_note,
  decisionId: r.decision_id === null ? null : Number(r.decision_id),
  createdAt: new Date(r.created_at),
  reviewedAt: r.reviewed_at ? new Date(r.reviewed_at) : null,
});

/** Inserts the override unless its id exists; returns whether this call wrote it. */
export async function insertOverride(db: Kysely<DB>, o: NewOverride): Promise<boolean> {
  const rows = await db
    .insertInto('override_request')
    .values({
      id: o.id,
      household_id: o.householdId,
      programme: o.programme,
      month: o.month,
      until_month: o.untilMonth,
      amount: o.amount,
      category: o.category,
      reason: o.reason,
      legal_basis: o.legalBasis,
      requested_by: o.requestedBy,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function findOverride(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<OverrideRecord | undefined> {
  let query = db.selectFrom('override_request').select(columns).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function reviewOverride(
  db: Kysely<DB>,
  id: string,
  review: {
    status: 'approved' | 'rejected';
    reviewedBy: string;
    note: string | null;
    decisionId: number | null;
  },
): Promise<void> {
  await db
    .updateTable('override_request')
    .set({
      status: review.status,
      reviewed_by: review.reviewedBy,
      review_note: review.note,
      decision_id: review.decisionId,
      reviewed_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export interface OverrideFilters {
  status?: OverrideStatus | undefined;
  householdId?: string | undefined;
}

/** Overrides of the households in `scope` matching the filters: the one WHERE clause of list and count. */
function scopedOverrides(db: Kysely<DB>, filters: OverrideFilters, scope: Scope) {
  let query = db
    .selectFrom('override_request')
    .where(householdIdInScope(scope, 'override_request.household_id'));
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.householdId) query = query.where('household_id', '=', filters.householdId);
  return query;
}

export async function countOverrides(
  db: Kysely<DB>,
  filters: OverrideFilters,
  scope: Scope,
): Promise<number> {
  const count = await scopedOverrides(db, filters, scope)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(count.n);
}

/** Overrides of the households in `scope`; the count is narrowed the same way. */
export async function listOverrides(db: Kysely<DB>, filters: OverrideFilters, page: PageQuery, scope: Scope) {
  const query = scopedOverrides(db, filters, scope);
  const [rows, total] = await Promise.all([
    query
      .select(columns)
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    countOverrides(db, filters, scope),
  ]);
  return { items: rows.map(toRecord), total };
}
