import { type Kysely, type QueryCreator, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import type { ChainedEntry } from './audit.chain.ts';
import type { AccessComplaintStatus } from './audit.tables.ts';

/** All SQL of the audit trail and of access complaints. Rows are mapped to plain objects here. */

export interface StoredEntry extends ChainedEntry {
  prevHash: string;
  hash: string;
}

export interface ChainHead {
  lastSeq: number;
  lastHash: string;
}

const entryColumns = [
  'seq',
  'at',
  'actor_kind',
  'actor_id',
  'role',
  'organisation',
  'area',
  'purpose',
  'action',
  'resource_type',
  'resource_id',
  'subject_person_ids',
  'subject_household_ids',
  'fields',
  'request_id',
  'prev_hash',
  'hash',
] as const;

type EntryRow = {
  seq: number;
  at: Date;
  actor_kind: ChainedEntry['actorKind'];
  actor_id: string | null;
  role: string | null;
  organisation: string | null;
  area: string | null;
  purpose: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  subject_person_ids: string[];
  subject_household_ids: string[];
  fields: string[];
  request_id: string | null;
  prev_hash: string;
  hash: string;
};

const toEntry = (r: EntryRow): StoredEntry => ({
  seq: Number(r.seq),
  at: new Date(r.at),
  actorKind: r.actor_kind,
  actorId: r.actor_id,
  role: r.role,
  organisation: r.organisation,
  area: r.area,
  purpose: r.purpose,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  subjectPersonIds: r.subject_person_ids ?? [],
  subjectHouseholdIds: r.subject_household_ids ?? [],
  fields: r.fields ?? [],
  requestId: r.request_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Locks the chain head for the rest of the caller's transaction and reads it, with the database clock
 * truncated to milliseconds (what `at` is stored and hashed with). One clock for every server process keeps
 * `at` in seq order.
 */
export async function lockHead(trx: Kysely<DB>): Promise<ChainHead & { now: Date }> {
  const row = await trx
    .selectFrom('audit_chain_head')
    .select(['last_seq', 'last_hash', sql<Date>`date_trunc('milliseconds', clock_timestamp())`.as('now')])
    .where('id', '=', true)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { lastSeq: Number(row.last_seq), lastHash: row.last_hash, now: new Date(row.now) };
}

export async function readHead(db: Kysely<DB>): Promise<ChainHead> {
  const row = await db
    .selectFrom('audit_chain_head')
    .select(['last_seq', 'last_hash'])
    .where('id', '=', true)
    .executeTakeFirstOrThrow();
  return { lastSeq: Number(row.last_seq), lastHash: row.last_hash };
}

export async function setHead(trx: Kysely<DB>, head: ChainHead): Promise<void> {
  await trx
    .updateTable('audit_chain_head')
    .set({ last_seq: head.lastSeq, last_hash: head.lastHash })
    .where('id', '=', true)
    .execute();
}

// 17 parameters a row: 1,000 rows stay far below PostgreSQL's 65,535 bind parameters.
const INSERT_CHUNK = 1000;

export async function insertEntries(trx: Kysely<DB>, entries: readonly StoredEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('audit_log')
      .values(
        entries.slice(i, i + INSERT_CHUNK).map((e) => ({
          seq: e.seq,
          at: e.at,
          actor_kind: e.actorKind,
          actor_id: e.actorId,
          role: e.role,
          organisation: e.organisation,
          area: e.area,
          purpose: e.purpose,
          action: e.action,
          resource_type: e.resourceType,
          resource_id: e.resourceId,
          subject_person_ids: [...e.subjectPersonIds],
          subject_household_ids: [...e.subjectHouseholdIds],
          fields: [...e.fields],
          request_id: e.requestId,
          prev_hash: e.prevHash,
          hash: e.hash,
        })),
      )
      .execute();
  }
}

/** Entries with afterSeq < seq <= uptoSeq in seq order, at most `limit` of them (verification pages). */
export async function entriesAfter(
  db: Kysely<DB>,
  afterSeq: number,
  uptoSeq: number,
  limit: number,
): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(entryColumns)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', uptoSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toEntry);
}

export interface EntryFilters {
  actorId?: string | undefined;
  personId?: string | undefined;
  householdId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export async function listEntries(db: Kysely<DB>, filters: EntryFilters, page: PageQuery) {
  let query = db.selectFrom('audit_log');
  if (filters.actorId) query = query.where('actor_id', '=', filters.actorId);
  if (filters.personId) {
    query = query.where(sql<boolean>`subject_person_ids @> array[${filters.personId}]::uuid[]`);
  }
  if (filters.householdId) {
    query = query.where(sql<boolean>`subject_household_ids @> array[${filters.householdId}]::uuid[]`);
  }
  if (filters.action) query = query.where('action', '=', filters.action);
  if (filters.from) query = query.where('at', '>=', filters.from);
  if (filters.to) query = query.where('at', '<', filters.to);
  const filtered = query.select(entryColumns);
  const bySubject = filters.personId !== undefined || filters.householdId !== undefined;
  const [rows, count] = await Promise.all([
    bySubject
      ? newestFirst(db, filtered, page)
      : filtered.orderBy('seq', 'desc').limit(page.pageSize).offset(offsetOf(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEntry), total: Number(count.n) };
}

/**
 * A page of subject matches, newest first. Asked directly for `order by seq desc limit n`, PostgreSQL walks
 * the primary key backwards and filters every entry (it cannot estimate how rare a uuid in an array is):
 * 47 ms at 300,000 entries, growing with the log. Materialising the matches first makes it use the GIN
 * indexes (a BitmapOr) and sort the few hits: 0.2 ms.
 */
function newestFirst(
  db: Kysely<DB>,
  matches: SelectQueryBuilder<DB, 'audit_log', EntryRow>,
  page: PageQuery,
): Promise<EntryRow[]> {
  return db
    .with(
      (cte) => cte('hits').materialized(),
      () => matches,
    )
    .selectFrom('hits')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(page.pageSize)
    .offset(offsetOf(page))
    .execute();
}

/**
 * Accesses by others (staff, agencies' machines, the system) to a person's data or their households'. The
 * subject arrays are GIN-indexed; `@>` and `&&` are the operators those indexes serve.
 */
function subjectAccesses(db: QueryCreator<DB>, personId: string, householdIds: readonly string[]) {
  return db
    .selectFrom('audit_log')
    .where('actor_kind', 'in', ['staff', 'machine', 'system'])
    .where(
      sql<boolean>`(subject_person_ids @> array[${personId}]::uuid[] or subject_household_ids && ${[...householdIds]}::uuid[])`,
    );
}

export async function listAccessesTo(
  db: Kysely<DB>,
  personId: string,
  householdIds: readonly string[],
  page: PageQuery,
) {
  const query = subjectAccesses(db, personId, householdIds);
  const [rows, count] = await Promise.all([
    newestFirst(db, query.select(entryColumns), page),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEntry), total: Number(count.n) };
}

export async function findAccessTo(
  db: Kysely<DB>,
  seq: number,
  personId: string,
  householdIds: readonly string[],
): Promise<StoredEntry | undefined> {
  const row = await subjectAccesses(db, personId, householdIds)
    .select(entryColumns)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row ? toEntry(row) : undefined;
}

// --- Access complaints ---

export interface ComplaintRecord {
  id: string;
  seq: number;
  personId: string;
  text: string;
  status: AccessComplaintStatus;
  answer: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const complaintColumns = [
  'id',
  'seq',
  'person_id',
  'text',
  'status',
  'answer',
  'created_at',
  'updated_at',
] as const;

type ComplaintRow = {
  id: string;
  seq: number;
  person_id: string;
  text: string;
  status: AccessComplaintStatus;
  answer: string | null;
  created_at: Date;
  updated_at: Date;
};

const toComplaint = (r: ComplaintRow): ComplaintRecord => ({
  id: r.id,
  seq: Number(r.seq),
  personId: r.person_id,
  text: r.text,
  status: r.status,
  answer: r.answer,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** Inserts unless the id exists (a retry); returns whether this call created it. */
export async function insertComplaint(
  db: Kysely<DB>,
  c: Pick<ComplaintRecord, 'id' | 'seq' | 'personId' | 'text'>,
): Promise<boolean> {
  const rows = await db
    .insertInto('access_complaint')
    .values({ id: c.id, seq: c.seq, person_id: c.personId, text: c.text, updated_at: new Date() })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function findComplaint(db: Kysely<DB>, id: string): Promise<ComplaintRecord | undefined> {
  const row = await db
    .selectFrom('access_complaint')
    .select(complaintColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toComplaint(row) : undefined;
}

export async function listComplaints(db: Kysely<DB>, personId: string, page: PageQuery) {
  const query = db.selectFrom('access_complaint').where('person_id', '=', personId);
  const [rows, count] = await Promise.all([
    query
      .select(complaintColumns)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toComplaint), total: Number(count.n) };
}
