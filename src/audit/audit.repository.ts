import { type Kysely, type QueryCreator, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import type { BatchHeader, ChainedEntry } from './audit.chain.ts';
import type { AccessComplaintStatus } from './audit.tables.ts';

/** All SQL of the audit trail and of access complaints. Rows are mapped to plain objects here. */

export type StoredEntry = ChainedEntry;

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
});

/** An entry as the appender stores it: seq, time and transaction id are the database's defaults. */
export type NewEntry = Omit<ChainedEntry, 'seq' | 'at'>;

// 13 parameters a row: 1,000 rows stay far below PostgreSQL's 65,535 bind parameters.
export const INSERT_CHUNK = 1000;

/**
 * A plain insert: no lock, no read of anything else, so concurrent appenders never wait on each other.
 * Returns the seqs given, in the order of `entries`.
 */
export async function insertEntries(db: Kysely<DB>, entries: readonly NewEntry[]): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    const rows = await db
      .insertInto('audit_log')
      .values(
        entries.slice(i, i + INSERT_CHUNK).map((e) => ({
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
        })),
      )
      .returning('seq')
      .execute();
    // Identity values are drawn row by row in VALUES order, so the returned order is the input's.
    for (const row of rows) seqs.push(Number(row.seq));
  }
  return seqs;
}

// --- Sealing ---

/** The last sealed batch, as the head row records it (batch 0: nothing sealed yet). */
export interface SealHead {
  lastBatch: number;
  lastHash: string;
  /** The last batch's last seq (0 before the first). */
  lastSeq: number;
  /** Entries of transactions below this id are sealed (xid8 as a decimal string). */
  boundary: string;
}

export async function readHead(db: Kysely<DB>): Promise<SealHead & { highestBatch: number }> {
  // One statement, one snapshot: a sealer commits its batch and the head together, so both or neither.
  const row = await db
    .selectFrom('audit_chain_head')
    .select([
      'last_batch',
      'last_hash',
      'last_seq',
      sql<string>`boundary::text`.as('boundary'),
      sql<number | null>`(select max(batch) from audit_batch)`.as('highest_batch'),
    ])
    .where('id', '=', true)
    .executeTakeFirstOrThrow();
  return {
    lastBatch: Number(row.last_batch),
    lastHash: row.last_hash,
    lastSeq: Number(row.last_seq),
    boundary: row.boundary,
    highestBatch: Number(row.highest_batch ?? 0),
  };
}

export async function setHead(trx: Kysely<DB>, head: SealHead): Promise<void> {
  await trx
    .updateTable('audit_chain_head')
    .set({
      last_batch: head.lastBatch,
      last_hash: head.lastHash,
      last_seq: head.lastSeq,
      boundary: sql`${head.boundary}::xid8`,
    })
    .where('id', '=', true)
    .execute();
}

/**
 * One sealer at a time per schema, without waiting: a second one (another server process) skips its turn.
 * An advisory lock, not a row lock, so the sealer has no transaction id before it reads its boundary.
 */
export async function trySealLock(trx: Kysely<DB>): Promise<boolean> {
  const row = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(hashtext(current_schema() || ':audit-seal')) as locked`.execute(trx);
  return row.rows[0]?.locked === true;
}

/**
 * The oldest transaction still running (or the next to start): every transaction below it has ended, so the
 * set of entries below it is final. Also the database clock, truncated as `sealed_at` is stored.
 */
export async function sealBoundary(trx: Kysely<DB>): Promise<{ boundary: string; now: Date }> {
  const row = await sql<{ boundary: string; now: Date }>`
    select pg_snapshot_xmin(pg_current_snapshot())::text as boundary,
           date_trunc('milliseconds', clock_timestamp()) as now`.execute(trx);
  const first = row.rows[0];
  if (!first) throw new Error('no snapshot');
  return { boundary: first.boundary, now: new Date(first.now) };
}

/** Entries of transactions with lo <= xid < hi and seq > afterSeq, in seq order, at most `limit`. */
export async function entriesInRange(
  db: Kysely<DB>,
  range: { lo: string; hi: string },
  afterSeq: number,
  limit?: number,
): Promise<StoredEntry[]> {
  let query = db
    .selectFrom('audit_log')
    .select(entryColumns)
    .where(sql<boolean>`xid >= ${range.lo}::xid8 and xid < ${range.hi}::xid8`)
    .where('seq', '>', afterSeq)
    .orderBy('seq');
  if (limit !== undefined) query = query.limit(limit);
  return (await query.execute()).map(toEntry);
}

/** Entries of transactions at or above the boundary: written (or being written) but not sealed yet. */
export async function countUnsealed(db: Kysely<DB>, boundary: string): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<boolean>`xid >= ${boundary}::xid8`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface StoredBatch extends BatchHeader {
  seqs: number[];
  /** 32-byte leaf hashes, concatenated in seq order. */
  leaves: Uint8Array;
  hash: string;
}

export async function insertBatch(trx: Kysely<DB>, b: StoredBatch): Promise<void> {
  await trx
    .insertInto('audit_batch')
    .values({
      batch: b.batch,
      xid_lo: sql`${b.xidLo}::xid8`,
      xid_hi: sql`${b.xidHi}::xid8`,
      entries: b.entries,
      first_seq: b.firstSeq,
      last_seq: b.lastSeq,
      seqs: b.seqs,
      leaves: Buffer.from(b.leaves),
      root: b.root,
      prev_hash: b.prevHash,
      hash: b.hash,
      sealed_at: b.sealedAt,
    })
    .execute();
}

const batchColumns = [
  'batch',
  sql<string>`xid_lo::text`.as('xid_lo'),
  sql<string>`xid_hi::text`.as('xid_hi'),
  'entries',
  'first_seq',
  'last_seq',
  'seqs',
  'leaves',
  'root',
  'prev_hash',
  'hash',
  'sealed_at',
] as const;

/** Batches with afterBatch < batch <= uptoBatch in order, at most `limit` (they carry their leaves). */
export async function batchesAfter(
  db: Kysely<DB>,
  afterBatch: number,
  uptoBatch: number,
  limit: number,
): Promise<StoredBatch[]> {
  const rows = await db
    .selectFrom('audit_batch')
    .select(batchColumns)
    .where('batch', '>', afterBatch)
    .where('batch', '<=', uptoBatch)
    .orderBy('batch')
    .limit(limit)
    .execute();
  return rows.map(toStoredBatch);
}

type BatchRow = {
  batch: number;
  xid_lo: string;
  xid_hi: string;
  entries: number;
  first_seq: number;
  last_seq: number;
  seqs: number[] | null;
  leaves: Uint8Array;
  root: string;
  prev_hash: string;
  hash: string;
  sealed_at: Date;
};

const toStoredBatch = (r: BatchRow): StoredBatch => ({
  batch: Number(r.batch),
  xidLo: r.xid_lo,
  xidHi: r.xid_hi,
  entries: Number(r.entries),
  firstSeq: Number(r.first_seq),
  lastSeq: Number(r.last_seq),
  seqs: (r.seqs ?? []).map(Number),
  leaves: r.leaves,
  root: r.root,
  prevHash: r.prev_hash,
  hash: r.hash,
  sealedAt: new Date(r.sealed_at),
});

/** The sealed batch that holds entry `seq` (batches' seq ranges may overlap: the seqs decide). */
export async function findBatchOfSeq(db: Kysely<DB>, seq: number): Promise<StoredBatch | undefined> {
  const row = await db
    .selectFrom('audit_batch')
    .select(batchColumns)
    .where('first_seq', '<=', seq)
    .where('last_seq', '>=', seq)
    .where(sql<boolean>`${seq}::bigint = any(seqs)`)
    .executeTakeFirst();
  return row ? toStoredBatch(row) : undefined;
}

export async function findEntry(db: Kysely<DB>, seq: number): Promise<StoredEntry | undefined> {
  const row = await db.selectFrom('audit_log').select(entryColumns).where('seq', '=', seq).executeTakeFirst();
  return row ? toEntry(row) : undefined;
}

export async function highestSeq(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export async function countByAction(db: Kysely<DB>, afterSeq: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['action', (eb) => eb.fn.countAll<number>().as('n')])
    .where('seq', '>', afterSeq)
    .groupBy('action')
    .orderBy('action')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
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
