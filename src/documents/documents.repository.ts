import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { DocumentTable } from './documents.tables.ts';

/** All SQL of documents. The content is read only when it is downloaded. */

export interface DocumentRecord {
  id: string;
  personId: string;
  householdId: string;
  applicationId: string | null;
  filename: string;
  contentType: DocumentTable['content_type'];
  size: number;
  sha256: string;
  uploadedAt: Date;
}

const columns = [
  'id',
  'person_id',
  'household_id',
  'application_id',
  'filename',
  'content_type',
  'size',
  'sha256',
  'uploaded_at',
] as const;

type Row = Pick<DocumentTable, (typeof columns)[number] & keyof DocumentTable> & { uploaded_at: Date };

const toRecord = (r: Row): DocumentRecord => ({
  id: r.id,
  personId: r.person_id,
  householdId: r.household_id,
  applicationId: r.application_id,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  uploadedAt: new Date(r.uploaded_at),
});

export async function insertDocument(
  db: Kysely<DB>,
  d: Omit<DocumentRecord, 'uploadedAt'> & { content: Uint8Array },
): Promise<boolean> {
  const rows = await db
    .insertInto('document')
    .values({
      id: d.id,
      person_id: d.personId,
      household_id: d.householdId,
      application_id: d.applicationId,
      filename: d.filename,
      content_type: d.contentType,
      size: d.size,
      sha256: d.sha256,
      content: d.content,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Serialises one person's uploads until the end of the caller's transaction. */
export async function lockUploadsOf(db: Kysely<DB>, personId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('document-upload'), hashtext(${personId}))`.execute(db);
}

/** How many documents a person has uploaded, and their total size in bytes. */
export async function usageOf(db: Kysely<DB>, personId: string): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom('document')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.sum<string | null>('size').as('bytes')])
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
}

export async function findDocument(db: Kysely<DB>, id: string): Promise<DocumentRecord | undefined> {
  const row = await db.selectFrom('document').select(columns).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row as Row) : undefined;
}

export async function findContent(db: Kysely<DB>, id: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('document').select('content').where('id', '=', id).executeTakeFirst();
  return row?.content;
}

export async function listDocuments(db: Kysely<DB>, householdId: string): Promise<DocumentRecord[]> {
  const rows = await db
    .selectFrom('document')
    .select(columns)
    .where('household_id', '=', householdId)
    .orderBy('uploaded_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => toRecord(r as Row));
}

export async function applicationHouseholdOf(
  db: Kysely<DB>,
  applicationId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('application')
    .select('household_id')
    .where('id', '=', applicationId)
    .executeTakeFirst();
  return row?.household_id;
}

/**
 * Links documents to a change request (a contested fact's evidence). Only documents of the household
 * that are not yet linked elsewhere are taken; the number linked is returned.
 */
export async function linkToChangeRequest(
  db: Kysely<DB>,
  ids: readonly string[],
  householdId: string,
  changeRequestId: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('document')
    .set({ change_request_id: changeRequestId })
    .where('id', 'in', [...ids])
    .where('household_id', '=', householdId)
    .where((eb) =>
      eb.or([eb('change_request_id', 'is', null), eb('change_request_id', '=', changeRequestId)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
