import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/** All SQL of the demo identity provider and the demo accounts (DEMO mode only). */

const KEY_ROW = 'current';

export async function findKey(
  db: Kysely<DB>,
): Promise<{ privateJwk: Record<string, unknown>; publicJwk: Record<string, unknown> } | undefined> {
  const row = await db
    .selectFrom('demo_idp_key')
    .select(['private_jwk', 'public_jwk'])
    .where('id', '=', KEY_ROW)
    .executeTakeFirst();
  return row && { privateJwk: row.private_jwk, publicJwk: row.public_jwk };
}

/** Stores a key unless another process stored one first; the caller re-reads to use the winner. */
export async function insertKeyIfAbsent(
  db: Kysely<DB>,
  privateJwk: Record<string, unknown>,
  publicJwk: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('demo_idp_key')
    .values({ id: KEY_ROW, private_jwk: JSON.stringify(privateJwk), public_jwk: JSON.stringify(publicJwk) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export interface DemoCitizen {
  pinfl: string;
  name: string;
  mahalla: string;
}

/** Heads of current households with a PINFL, in a stable order: the people the demo page offers. */
export async function listHeadsOfHouseholds(db: Kysely<DB>, limit: number): Promise<DemoCitizen[]> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .innerJoin('mahalla as mh', 'mh.code', 'h.mahalla_code')
    .select(['p.pinfl', 'p.first_name', 'p.last_name', 'mh.name_uz_latn'])
    .where('m.relationship', '=', 'head')
    .where('m.valid_to', 'is', null)
    .where('h.dissolved_on', 'is', null)
    .where('p.pinfl', 'is not', null)
    .where('p.merged_into', 'is', null)
    .where('p.death_date', 'is', null)
    // Families with an offer first (the demo's first start made some), so that a demo shows one.
    .orderBy(
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('decision as d')
              .select('d.id')
              .whereRef('d.household_id', '=', 'm.household_id')
              .where('d.kind', '=', 'granted'),
          )
          .$castTo<boolean>(),
      'desc',
    )
    .orderBy('p.pinfl')
    .limit(limit)
    .execute();
  return rows.flatMap((r) =>
    r.pinfl ? [{ pinfl: r.pinfl, name: `${r.first_name} ${r.last_name}`, mahalla: r.name_uz_latn }] : [],
  );
}

export async function findPersonName(
  db: Kysely<DB>,
  pinfl: string,
): Promise<{ firstName: string; lastName: string } | undefined> {
  const row = await db
    .selectFrom('person')
    .select(['first_name', 'last_name'])
    .where('pinfl', '=', pinfl)
    .executeTakeFirst();
  return row && { firstName: row.first_name, lastName: row.last_name };
}

export async function insertCode(
  db: Kysely<DB>,
  code: {
    code: string;
    pinfl: string;
    clientId: string;
    redirectUri: string;
    nonce: string | null;
    codeChallenge: string;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('demo_idp_code')
    .values({
      code: code.code,
      pinfl: code.pinfl,
      client_id: code.clientId,
      redirect_uri: code.redirectUri,
      nonce: code.nonce,
      code_challenge: code.codeChallenge,
      expires_at: code.expiresAt,
    })
    .execute();
}

/** Uses up a code (once only, before it expires) and returns what it was issued for. */
export async function takeCode(db: Kysely<DB>, code: string, now: Date) {
  const row = await db
    .updateTable('demo_idp_code')
    .set({ used_at: now })
    .where('code', '=', code)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['pinfl', 'client_id', 'redirect_uri', 'nonce', 'code_challenge'])
    .executeTakeFirst();
  return (
    row && {
      pinfl: row.pinfl,
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      nonce: row.nonce,
      codeChallenge: row.code_challenge,
    }
  );
}

/** The mahallas with the most households, most first (ties by code), with their district and region. */
export async function busiestMahallas(
  db: Kysely<DB>,
  limit: number,
): Promise<{ mahalla: string; district: string; region: string; households: number }[]> {
  const rows = await db
    .selectFrom('mahalla as m')
    .innerJoin('district as d', 'd.code', 'm.district_code')
    .leftJoin('household as h', 'h.mahalla_code', 'm.code')
    .select(['m.code', 'm.district_code', 'd.region_code', sql<number>`count(h.id)`.as('households')])
    .groupBy(['m.code', 'm.district_code', 'd.region_code'])
    .orderBy(sql`count(h.id)`, 'desc')
    .orderBy('m.code')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    mahalla: r.code,
    district: r.district_code,
    region: r.region_code,
    households: Number(r.households),
  }));
}
