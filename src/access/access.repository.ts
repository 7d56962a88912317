import { type Kysely, sql } from 'kysely';
import { PREPARED } from '../platform/db/prepared-statements.ts';
import type { DB } from '../platform/db/schema.ts';
import type { Place } from './policies.ts';
import { type LoadedPlace, loadedPlaceOf, type PlaceColumns, placeColumns } from './record-place.sql.ts';

/** The few reads the policies need: where a household is, and which households a citizen belongs to. */

export async function findPlaceOfHousehold(db: Kysely<DB>, householdId: string): Promise<Place | undefined> {
  const row = await db
    .selectFrom('household as h')
    .innerJoin('district as d', 'd.code', 'h.district_code')
    .select(['h.district_code', 'h.mahalla_code', 'd.region_code'])
    .where('h.id', '=', householdId)
    .executeTakeFirst();
  return row
    ? { regionCode: row.region_code, districtCode: row.district_code, mahallaCode: row.mahalla_code }
    : undefined;
}

/**
 * Where the household is and, for a staff session, the purpose it stated for the household and still holds
 * (null for none): one round trip for what opening a record asks first (authorisation, then the purpose).
 * The same columns the record read takes with it (`placeColumns`), so the held purpose has one definition.
 */
export async function findPlaceAndHeldPurpose(
  db: Kysely<DB>,
  householdId: string,
  sessionId: string,
): Promise<LoadedPlace | undefined> {
  const { rows } = await sql<PlaceColumns>`${PREPARED}
    select ${placeColumns('h', sessionId)} from household h where h.id = ${householdId}`.execute(db);
  return rows[0] && loadedPlaceOf(rows[0]);
}

export async function findPlaceOfMahalla(db: Kysely<DB>, mahallaCode: string): Promise<Place | undefined> {
  const row = await db
    .selectFrom('mahalla as m')
    .innerJoin('district as d', 'd.code', 'm.district_code')
    .select(['m.code', 'm.district_code', 'd.region_code'])
    .where('m.code', '=', mahallaCode)
    .executeTakeFirst();
  return row
    ? { regionCode: row.region_code, districtCode: row.district_code, mahallaCode: row.code }
    : undefined;
}

/** The household a person is a member of today (current membership), if any. */
export async function findCurrentHouseholdOfPerson(
  db: Kysely<DB>,
  personId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('membership')
    .select('household_id')
    .where('person_id', '=', personId)
    .where('valid_from', '<=', sql<string>`current_date`)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', sql<string>`current_date`)]))
    .orderBy('valid_from', 'desc')
    .executeTakeFirst();
  return row?.household_id;
}

/**
 * The household whose area governs a person's record: the current one, else the last one they belonged to
 * (a person who moved out, died or was merged away stays where their record was kept).
 */
export async function findGoverningHouseholdOfPerson(
  db: Kysely<DB>,
  personId: string,
): Promise<string | undefined> {
  const current = await findCurrentHouseholdOfPerson(db, personId);
  if (current) return current;
  const last = await db
    .selectFrom('membership')
    .select('household_id')
    .where('person_id', '=', personId)
    .orderBy('valid_from', 'desc')
    .executeTakeFirst();
  return last?.household_id;
}

/**
 * Whether the household has open casework in the actor's hands: the worklist of a district office.
 * Opening a household with none needs a stated purpose.
 */
export async function householdHasOpenCasework(db: Kysely<DB>, householdId: string): Promise<boolean> {
  const row = await sql<{ open: boolean }>`
    select exists (select 1 from change_request where household_id = ${householdId} and status = 'pending')
        or exists (select 1 from application where household_id = ${householdId} and status <> 'decided')
        or exists (select 1 from appeal where household_id = ${householdId} and status in ('submitted', 'under_review'))
        or exists (select 1 from override_request where household_id = ${householdId} and status = 'pending')
        as open`.execute(db);
  return row.rows[0]?.open === true;
}

/** Keeps the purpose a session stated for a household until `expiresAt` (stated again: the latest wins). */
export async function savePurposeGrant(
  db: Kysely<DB>,
  grant: { sessionId: string; householdId: string; purpose: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('purpose_grant')
    .values({
      session_id: grant.sessionId,
      household_id: grant.householdId,
      purpose: grant.purpose,
      expires_at: grant.expiresAt,
    })
    .onConflict((oc) =>
      oc.columns(['session_id', 'household_id']).doUpdateSet((eb) => ({
        purpose: eb.ref('excluded.purpose'),
        granted_at: sql<Date>`now()`,
        expires_at: eb.ref('excluded.expires_at'),
      })),
    )
    .execute();
}

/** The purpose the session stated for the household and still holds, if any. */
export async function findPurposeGrant(
  db: Kysely<DB>,
  sessionId: string,
  householdId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('purpose_grant')
    .select('purpose')
    .where('session_id', '=', sessionId)
    .where('household_id', '=', householdId)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.purpose;
}
