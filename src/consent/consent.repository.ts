import { type Kysely, sql } from 'kysely';
import type { ConsentChannel, ConsentKind } from '../audit/audit.tables.ts';
import type { DB } from '../platform/db/schema.ts';

/** All SQL of consent records. Rows are mapped to plain objects here and never leave raw. */

export interface ConsentRecord {
  id: string;
  personId: string;
  kind: ConsentKind;
  counterpart: string;
  grantedAt: Date;
  withdrawnAt: Date | null;
  channel: ConsentChannel;
  recordedBy: string;
  withdrawnBy: string | null;
}

const columns = [
  'id',
  'person_id',
  'kind',
  'counterpart',
  'granted_at',
  'withdrawn_at',
  'channel',
  'recorded_by',
  'withdrawn_by',
] as const;

type Row = {
  id: string;
  person_id: string;
  kind: ConsentKind;
  counterpart: string;
  granted_at: Date;
  withdrawn_at: Date | null;
  channel: ConsentChannel;
  recorded_by: string;
  withdrawn_by: string | null;
};

const toRecord = (r: Row): ConsentRecord => ({
  id: r.id,
  personId: r.person_id,
  kind: r.kind,
  counterpart: r.counterpart,
  grantedAt: new Date(r.granted_at),
  withdrawnAt: r.withdrawn_at === null ? null : new Date(r.withdrawn_at),
  channel: r.channel,
  recordedBy: r.recorded_by,
  withdrawnBy: r.withdrawn_by,
});

/**
 * Inserts a consent unless one is already in force for the same person, kind and counterpart (the partial
 * unique index decides, so two concurrent grants still leave one row). Returns whether this call created it.
 */
export async function insertConsent(
  db: Kysely<DB>,
  c: Omit<ConsentRecord, 'withdrawnAt' | 'withdrawnBy' | 'grantedAt'> & { grantedAt?: Date | undefined },
): Promise<boolean> {
  const rows = await db
    .insertInto('consent')
    .values({
      id: c.id,
      person_id: c.personId,
      kind: c.kind,
      counterpart: c.counterpart,
      channel: c.channel,
      recorded_by: c.recordedBy,
      ...(c.grantedAt ? { granted_at: c.grantedAt } : {}),
    })
    .onConflict((oc) =>
      oc.columns(['person_id', 'kind', 'counterpart']).where('withdrawn_at', 'is', null).doNothing(),
    )
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function findInForce(
  db: Kysely<DB>,
  personId: string,
  kind: ConsentKind,
  counterpart: string,
): Promise<ConsentRecord | undefined> {
  const row = await db
    .selectFrom('consent')
    .select(columns)
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .where('counterpart', '=', counterpart)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function findConsent(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ConsentRecord | undefined> {
  let query = db.selectFrom('consent').select(columns).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function setWithdrawn(db: Kysely<DB>, id: string, at: Date, by: string): Promise<void> {
  await db
    .updateTable('consent')
    .set({ withdrawn_at: at, withdrawn_by: by })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .execute();
}

export async function listConsents(db: Kysely<DB>, personId: string): Promise<ConsentRecord[]> {
  const rows = await db
    .selectFrom('consent')
    .select(columns)
    .where('person_id', '=', personId)
    .orderBy('granted_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** Was a consent for this counterpart (or for every counterpart, '*') in force at the instant? */
export async function inForceAt(
  db: Kysely<DB>,
  personId: string,
  kind: ConsentKind,
  counterpart: string,
  at: Date,
): Promise<boolean> {
  const row = await db
    .selectFrom('consent')
    .select(sql<number>`1`.as('one'))
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .where('counterpart', 'in', [counterpart, '*'])
    .where('granted_at', '<=', at)
    .where((eb) => eb.or([eb('withdrawn_at', 'is', null), eb('withdrawn_at', '>', at)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
