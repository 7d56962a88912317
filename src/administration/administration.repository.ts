import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import type { AdminRequestStatus, AdminTargetKind } from './administration.tables.ts';

/** All SQL of the administration's own tables (migration 016). Rows are mapped here and never leave raw. */

export interface AdminRequestRecord {
  id: string;
  targetKind: AdminTargetKind;
  targetId: string;
  change: unknown;
  before: unknown;
  reachRegions: string[] | null;
  reason: string;
  status: AdminRequestStatus;
  proposedBy: string;
  reviewedBy: string | null;
  reviewNote: string | null;
  createdAt: Date;
  reviewedAt: Date | null;
}

const requestColumns = [
  'id',
  'target_kind',
  'target_id',
  'change',
  'before',
  'reach_regions',
  'reason',
  'status',
  'proposed_by',
  'reviewed_by',
  'review_note',
  'created_at',
  'reviewed_at',
] as const;

type RequestRow = {
  id: string;
  target_kind: AdminTargetKind;
  target_id: string;
  change: unknown;
  before: unknown;
  reach_regions: string[] | null;
  reason: string;
  status: AdminRequestStatus;
  proposed_by: string;
  reviewed_by: string | null;
  review_note: string | null;
  created_at: Date;
  reviewed_at: Date | null;
};

const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

const toRequest = (r: RequestRow): AdminRequestRecord => ({
  id: r.id,
  targetKind: r.target_kind,
  targetId: r.target_id,
  change: parsed(r.change),
  before: parsed(r.before),
  reachRegions: r.reach_regions,
  reason: r.reason,
  status: r.status,
  proposedBy: r.proposed_by,
  reviewedBy: r.reviewed_by,
  reviewNote: r.review_note,
  createdAt: new Date(r.created_at),
  reviewedAt: r.reviewed_at ? new Date(r.reviewed_at) : null,
});

export interface NewAdminRequest {
  id: string;
  targetKind: AdminTargetKind;
  targetId: string;
  change: unknown;
  before: unknown;
  reachRegions: string[] | null;
  reason: string;
  proposedBy: string;
}

/** Inserts the request unless one is pending for the target already; true when this call wrote it. */
export async function insertRequest(db: Kysely<DB>, r: NewAdminRequest): Promise<boolean> {
  const rows = await db
    .insertInto('admin_request')
    .values({
      id: r.id,
      target_kind: r.targetKind,
      target_id: r.targetId,
      change: JSON.stringify(r.change),
      before: JSON.stringify(r.before),
      reach_regions: r.reachRegions,
      reason: r.reason,
      proposed_by: r.proposedBy,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function findRequest(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<AdminRequestRecord | undefined> {
  let query = db.selectFrom('admin_request').select(requestColumns).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

export async function findPendingRequestFor(
  db: Kysely<DB>,
  targetKind: AdminTargetKind,
  targetId: string,
): Promise<AdminRequestRecord | undefined> {
  const row = await db
    .selectFrom('admin_request')
    .select(requestColumns)
    .where('target_kind', '=', targetKind)
    .where('target_id', '=', targetId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

export async function reviewRequest(
  db: Kysely<DB>,
  id: string,
  review: { status: 'approved' | 'rejected'; reviewedBy: string; note: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('admin_request')
    .set({
      status: review.status,
      reviewed_by: review.reviewedBy,
      review_note: review.note,
      reviewed_at: review.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * The requests a reviewer may see: of the kinds they administer, reaching only regions within their areas
 * (a request with a grant of no area only for administrators without an area).
 */
function reachWithin(scope: Scope): ReturnType<typeof sql<SqlBool>> {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  if (scope.kind !== 'areas') return sql<SqlBool>`false`;
  return sql<SqlBool>`(reach_regions is not null and reach_regions <@ ${scope.regions}::text[])`;
}

export async function listRequests(
  db: Kysely<DB>,
  filters: { status?: AdminRequestStatus | undefined },
  page: PageQuery,
  scopes: Record<AdminTargetKind, Scope>,
): Promise<{ items: AdminRequestRecord[]; total: number }> {
  let query = db.selectFrom('admin_request').where(
    (eb) =>
      sql<SqlBool>`(${eb.ref('target_kind')} = 'account' and ${reachWithin(scopes.account)})
          or (${eb.ref('target_kind')} = 'machine_client' and ${reachWithin(scopes.machine_client)})`,
  );
  if (filters.status) query = query.where('status', '=', filters.status);
  const [rows, count] = await Promise.all([
    query
      .select(requestColumns)
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRequest), total: Number(count.n) };
}

// --- creations -------------------------------------------------------------------------------------

export interface CreationRecord {
  payloadDigest: string;
  requestId: string | null;
}

export async function findCreation(
  db: Kysely<DB>,
  targetKind: AdminTargetKind,
  targetId: string,
): Promise<CreationRecord | undefined> {
  const row = await db
    .selectFrom('admin_creation')
    .select(['payload_digest', 'request_id'])
    .where('target_kind', '=', targetKind)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  return row && { payloadDigest: row.payload_digest, requestId: row.request_id };
}

export async function insertCreation(
  db: Kysely<DB>,
  c: {
    targetKind: AdminTargetKind;
    targetId: string;
    payloadDigest: string;
    requestId: string | null;
    createdBy: string;
  },
): Promise<void> {
  await db
    .insertInto('admin_creation')
    .values({
      target_kind: c.targetKind,
      target_id: c.targetId,
      payload_digest: c.payloadDigest,
      request_id: c.requestId,
      created_by: c.createdBy,
    })
    .execute();
}

/** The pending request of each of these targets that has one, by target id. */
export async function pendingRequestIds(
  db: Kysely<DB>,
  targetKind: AdminTargetKind,
  targetIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (targetIds.length === 0) return found;
  const rows = await db
    .selectFrom('admin_request')
    .select(['target_id', 'id'])
    .where('target_kind', '=', targetKind)
    .where('target_id', 'in', [...targetIds])
    .where('status', '=', 'pending')
    .execute();
  for (const r of rows) found.set(r.target_id, r.id);
  return found;
}
