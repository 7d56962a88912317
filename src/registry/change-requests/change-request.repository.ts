import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import { householdIdInScope, personIdInScope } from '../../access/scope.sql.ts';
import { pgErrorOf } from '../../platform/db/pg-error.ts';
import type { DB, Relationship, Sex } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  type ChangeRequestFilter,
  type ChangeRequestStatus,
  type ChangeRequestType,
  type ChangeRequestView,
  ChangeResult,
  type FactContestView,
  type HouseholdMemberOn,
} from './change-request.schemas.ts';

/** All SQL of change requests. Rows are mapped to camelCase records here and never leave raw. */

export interface HouseholdRecord {
  id: string;
  districtCode: string;
  mahallaCode: string;
  createdOn: string;
  dissolvedOn: string | null;
}

export interface PersonRecord {
  id: string;
  pinfl: string | null;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  sex: Sex;
  birthDate: string;
  deathDate: string | null;
  phone: string | null;
  mergedInto: string | null;
}

export interface MembershipRecord {
  id: number;
  householdId: string;
  personId: string;
  relationship: Relationship;
  validFrom: string;
  validTo: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Transactions

/** Savepoints let a pending request be validated by applying it and undoing it in the same transaction. */
export async function savepoint(db: Kysely<DB>, name: 'validate'): Promise<void> {
  await sql`savepoint ${sql.raw(name)}`.execute(db);
}

export async function rollbackToSavepoint(db: Kysely<DB>, name: 'validate'): Promise<void> {
  await sql`rollback to savepoint ${sql.raw(name)}`.execute(db);
}

/**
 * Serialises transactions working on the same change-request id until they end: a retry racing the
 * original waits for it and then finds the stored request, instead of validating against half a change.
 */
export async function lockChangeRequestId(db: Kysely<DB>, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`change_request:${id}`}))`.execute(db);
}

// ---------------------------------------------------------------------------------------------------
// Households

const toHousehold = (row: {
  id: string;
  district_code: string;
  mahalla_code: string;
  created_on: string;
  dissolved_on: string | null;
}): HouseholdRecord => ({
  id: row.id,
  districtCode: row.district_code,
  mahallaCode: row.mahalla_code,
  createdOn: row.created_on,
  dissolvedOn: row.dissolved_on,
});

/** Locks the households (in id order, so two requests never wait on each other in a cycle). */
export async function lockHouseholds(db: Kysely<DB>, ids: readonly string[]): Promise<HouseholdRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('household')
    .select(['id', 'district_code', 'mahalla_code', 'created_on', 'dissolved_on'])
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map(toHousehold);
}

export async function householdExists(db: Kysely<DB>, id: string): Promise<boolean> {
  const row = await db.selectFrom('household').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function insertHousehold(
  db: Kysely<DB>,
  household: {
    id: string;
    districtCode: string;
    mahallaCode: string;
    address: string;
    createdOn: string;
    source: string;
    sourceRef: string;
  },
): Promise<void> {
  await db
    .insertInto('household')
    .values({
      id: household.id,
      district_code: household.districtCode,
      mahalla_code: household.mahallaCode,
      address: household.address,
      created_on: household.createdOn,
      dissolved_on: null,
      source: household.source,
      source_ref: household.sourceRef,
    })
    .execute();
}

export async function dissolveHousehold(db: Kysely<DB>, id: string, on: string): Promise<void> {
  await db.updateTable('household').set({ dissolved_on: on }).where('id', '=', id).execute();
}

// ---------------------------------------------------------------------------------------------------
// Persons

export async function lockPersons(db: Kysely<DB>, ids: readonly string[]): Promise<PersonRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('person')
    .select([
      'id',
      'pinfl',
      'last_name',
      'first_name',
      'patronymic',
      'sex',
      'birth_date',
      'death_date',
      'phone',
      'merged_into',
    ])
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => ({
    id: row.id,
    pinfl: row.pinfl,
    lastName: row.last_name,
    firstName: row.first_name,
    patronymic: row.patronymic,
    sex: row.sex,
    birthDate: row.birth_date,
    deathDate: row.death_date,
    phone: row.phone,
    mergedInto: row.merged_into,
  }));
}

export async function personExists(db: Kysely<DB>, id: string): Promise<boolean> {
  const row = await db.selectFrom('person').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function findPersonIdByPinfl(db: Kysely<DB>, pinfl: string): Promise<string | undefined> {
  const row = await db.selectFrom('person').select('id').where('pinfl', '=', pinfl).executeTakeFirst();
  return row?.id;
}

export interface PersonUpdate {
  last_name?: string;
  first_name?: string;
  patronymic?: string | null;
  birth_date?: string;
  sex?: Sex;
  phone?: string | null;
  pinfl?: string;
  death_date?: string;
  name_key?: string;
}

export async function updatePerson(db: Kysely<DB>, id: string, changes: PersonUpdate): Promise<void> {
  try {
    await db
      .updateTable('person')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  } catch (error) {
    // A concurrent request took the PINFL between our check and this write.
    if (pgErrorOf(error)?.code === '23505') throw new DomainError('PINFL_TAKEN', { field: 'pinfl' });
    throw error;
  }
}

export async function insertPersonHistory(
  db: Kysely<DB>,
  rows: {
    personId: string;
    field: string;
    oldValue: string | null;
    newValue: string | null;
    changeRequestId: string;
    source: string;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('person_history')
    .values(
      rows.map((r) => ({
        person_id: r.personId,
        field: r.field,
        old_value: r.oldValue,
        new_value: r.newValue,
        change_request_id: r.changeRequestId,
        source: r.source,
      })),
    )
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Memberships

const membershipColumns = [
  'id',
  'household_id',
  'person_id',
  'relationship',
  'valid_from',
  'valid_to',
] as const;
const toMembership = (row: {
  id: number;
  household_id: string;
  person_id: string;
  relationship: Relationship;
  valid_from: string;
  valid_to: string | null;
}): MembershipRecord => ({
  id: Number(row.id),
  householdId: row.household_id,
  personId: row.person_id,
  relationship: row.relationship,
  validFrom: row.valid_from,
  validTo: row.valid_to,
});

/** Members whose period is still open (valid_to null), head first. */
export async function openMemberships(db: Kysely<DB>, householdId: string): Promise<MembershipRecord[]> {
  const rows = await db
    .selectFrom('membership')
    .select([...membershipColumns])
    .where('household_id', '=', householdId)
    .where('valid_to', 'is', null)
    .orderBy(sql`relationship = 'head'`, 'desc')
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  return rows.map(toMembership);
}

/** A person's periods that are open or still running on `date` or later, in any household. */
export async function membershipsOverlapping(
  db: Kysely<DB>,
  personId: string,
  date: string,
): Promise<MembershipRecord[]> {
  const rows = await db
    .selectFrom('membership')
    .select([...membershipColumns])
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
    .orderBy('valid_from')
    .execute();
  return rows.map(toMembership);
}

/** The latest start or end of any period of these households or persons: changes may not go before it. */
export async function latestMembershipDate(
  db: Kysely<DB>,
  scope: { householdIds: readonly string[]; personIds: readonly string[] },
): Promise<string | null> {
  if (scope.householdIds.length === 0 && scope.personIds.length === 0) return null;
  const row = await db
    .selectFrom('membership')
    .select(sql<string | null>`max(greatest(valid_from, coalesce(valid_to, valid_from)))::date`.as('latest'))
    .where((eb) =>
      eb.or([
        ...(scope.householdIds.length > 0 ? [eb('household_id', 'in', [...scope.householdIds])] : []),
        ...(scope.personIds.length > 0 ? [eb('person_id', 'in', [...scope.personIds])] : []),
      ]),
    )
    .executeTakeFirst();
  return row?.latest ?? null;
}

export async function endMembership(db: Kysely<DB>, id: number, validTo: string): Promise<void> {
  const result = await db
    .updateTable('membership')
    .set({ valid_to: validTo })
    .where('id', '=', id)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new Error(`membership ${id} was not open`);
}

export async function insertMembership(
  db: Kysely<DB>,
  membership: {
    householdId: string;
    personId: string;
    relationship: Relationship;
    validFrom: string;
    source: string;
    changeRequestId: string;
  },
): Promise<number> {
  try {
    const row = await db
      .insertInto('membership')
      .values({
        household_id: membership.householdId,
        person_id: membership.personId,
        relationship: membership.relationship,
        valid_from: membership.validFrom,
        valid_to: null,
        source: membership.source,
        change_request_id: membership.changeRequestId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  } catch (error) {
    // The exclusion constraints are the last line of defence (e.g. a concurrent writer outside this module).
    const pg = pgErrorOf(error);
    if (pg?.code === '23P01' && pg.constraint === 'membership_one_household_at_a_time') {
      throw new DomainError('PERSON_IN_OTHER_HOUSEHOLD', { personId: membership.personId });
    }
    if (pg?.code === '23P01' && pg.constraint === 'membership_one_head_at_a_time') {
      throw new DomainError('HEAD_ALREADY_SET', { householdId: membership.householdId });
    }
    throw error;
  }
}

/** Who lived in the household on `date`: the periods covering that day, head first. */
export async function membersOn(
  db: Kysely<DB>,
  householdId: string,
  date: string,
): Promise<HouseholdMemberOn[]> {
  const rows = await db
    .selectFrom('membership as m')
    .innerJoin('person as p', 'p.id', 'm.person_id')
    .select([
      'm.person_id',
      'm.relationship',
      'm.valid_from',
      'm.valid_to',
      'p.last_name',
      'p.first_name',
      'p.patronymic',
      'p.sex',
      'p.birth_date',
      'p.death_date',
      'p.pinfl',
    ])
    .where('m.household_id', '=', householdId)
    .where('m.valid_from', '<=', date)
    .where((eb) => eb.or([eb('m.valid_to', 'is', null), eb('m.valid_to', '>', date)]))
    .orderBy(sql`m.relationship = 'head'`, 'desc')
    .orderBy('p.birth_date')
    .orderBy('p.id')
    .execute();
  return rows.map((row) => ({
    personId: row.person_id,
    relationship: row.relationship,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    lastName: row.last_name,
    firstName: row.first_name,
    patronymic: row.patronymic,
    sex: row.sex,
    birthDate: row.birth_date,
    deathDate: row.death_date,
    pinfl: row.pinfl,
  }));
}

// ---------------------------------------------------------------------------------------------------
// Change requests

function toView(row: {
  id: string;
  type: ChangeRequestType;
  status: string;
  household_id: string | null;
  person_id: string | null;
  effective_date: string;
  payload: unknown;
  source: string;
  submitted_by: string;
  submitted_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_note: string | null;
  result: unknown;
  fact: FactContestView['fact'] | null;
  source_agency: FactContestView['sourceAgency'] | null;
  comment: string | null;
  decision_id: number | string | null;
}): ChangeRequestView {
  const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
  const fields = payload as Record<string, unknown>;
  const contest: FactContestView | null =
    row.type === 'contest_fact' && row.fact && row.source_agency && row.comment !== null
      ? {
          fact: row.fact,
          sourceAgency: row.source_agency,
          comment: row.comment,
          memberPersonId: typeof fields.personId === 'string' ? fields.personId : null,
          shownValue: typeof fields.shownValue === 'string' ? fields.shownValue : null,
          decisionId: row.decision_id === null ? null : Number(row.decision_id),
          documentIds: Array.isArray(fields.documentIds) ? fields.documentIds.map(String) : [],
        }
      : null;
  const result = typeof row.result === 'string' ? JSON.parse(row.result) : row.result;
  return {
    id: row.id,
    type: row.type,
    status: row.status as ChangeRequestStatus,
    householdId: row.household_id,
    personId: row.person_id,
    effectiveDate: row.effective_date,
    payload: payload as Record<string, unknown>,
    source: row.source,
    submittedBy: row.submitted_by,
    submittedAt: new Date(row.submitted_at).toISOString(),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
    decisionNote: row.decision_note,
    result: result === null || result === undefined ? null : ChangeResult.parse(result),
    contest,
  };
}

export interface StoredChangeRequest {
  view: ChangeRequestView;
  payloadHash: string;
}

const changeRequestColumns = [
  'id',
  'type',
  'status',
  'household_id',
  'person_id',
  'effective_date',
  'payload',
  'payload_hash',
  'source',
  'submitted_by',
  'submitted_at',
  'decided_by',
  'decided_at',
  'decision_note',
  'result',
  'fact',
  'source_agency',
  'comment',
  'decision_id',
] as const;

export async function findChangeRequest(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredChangeRequest | undefined> {
  let query = db
    .selectFrom('change_request')
    .select([...changeRequestColumns])
    .where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? { view: toView(row), payloadHash: row.payload_hash } : undefined;
}

export interface NewChangeRequest {
  id: string;
  type: ChangeRequestType;
  householdId: string | null;
  personId: string | null;
  payload: Record<string, unknown>;
  payloadHash: string;
  effectiveDate: string;
  status: ChangeRequestStatus;
  submittedBy: string;
  source: string;
  decidedBy: string | null;
  result: ChangeResult | null;
  /** Only for a contest of a fact (type contest_fact). */
  contest?: {
    fact: FactContestView['fact'];
    sourceAgency: FactContestView['sourceAgency'];
    comment: string;
    decisionId: number | null;
  };
}

/** Inserts unless the id is taken (a retry or a concurrent twin); undefined then, and the caller re-selects. */
export async function insertChangeRequest(
  db: Kysely<DB>,
  request: NewChangeRequest,
): Promise<ChangeRequestView | undefined> {
  const row = await db
    .insertInto('change_request')
    .values({
      id: request.id,
      type: request.type,
      household_id: request.householdId,
      person_id: request.personId,
      payload: JSON.stringify(request.payload),
      payload_hash: request.payloadHash,
      effective_date: request.effectiveDate,
      status: request.status,
      submitted_by: request.submittedBy,
      source: request.source,
      decided_by: request.decidedBy,
      decided_at: request.decidedBy === null ? null : new Date(),
      result: request.result === null ? null : JSON.stringify(request.result),
      fact: request.contest?.fact ?? null,
      source_agency: request.contest?.sourceAgency ?? null,
      comment: request.contest?.comment ?? null,
      decision_id: request.contest?.decisionId ?? null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning([...changeRequestColumns])
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function decideChangeRequest(
  db: Kysely<DB>,
  id: string,
  decision: {
    status: 'applied' | 'rejected' | 'verifying' | 'accepted';
    decidedBy: string;
    note: string | null;
    result: ChangeResult | null;
    personId?: string | null;
  },
): Promise<ChangeRequestView> {
  const row = await db
    .updateTable('change_request')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: new Date(),
      decision_note: decision.note,
      result: decision.result === null ? null : JSON.stringify(decision.result),
      ...(decision.personId ? { person_id: decision.personId } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning([...changeRequestColumns])
    .executeTakeFirstOrThrow();
  return toView(row);
}

/** The change requests matching `filter` within `scope`: the one WHERE clause of the list and its count. */
function scopedChangeRequests(db: Kysely<DB>, filter: ChangeRequestFilter, scope: Scope) {
  // Within the actor's areas: by the household named, or (a personal-data correction) by the person's.
  let query = db
    .selectFrom('change_request')
    .where((eb) =>
      eb.or([
        householdIdInScope(scope, 'change_request.household_id'),
        eb.and([
          eb('change_request.household_id', 'is', null),
          personIdInScope(scope, 'change_request.person_id'),
        ]),
      ]),
    );
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  const householdId = filter.householdId;
  if (householdId) {
    query = query.where((eb) =>
      eb.or([
        eb('household_id', '=', householdId),
        eb(sql<string>`payload->>'sourceHouseholdId'`, '=', householdId),
        eb(sql<string>`payload->>'newHouseholdId'`, '=', householdId),
      ]),
    );
  }
  return query;
}

export async function countChangeRequests(
  db: Kysely<DB>,
  filter: ChangeRequestFilter,
  scope: Scope,
): Promise<number> {
  const counted = await scopedChangeRequests(db, filter, scope)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(counted.n);
}

export async function listChangeRequests(
  db: Kysely<DB>,
  filter: ChangeRequestFilter,
  window: { limit: number; offset: number },
  scope: Scope,
): Promise<{ items: ChangeRequestView[]; total: number }> {
  const query = scopedChangeRequests(db, filter, scope);
  const total = await countChangeRequests(db, filter, scope);
  const rows = await query
    .select([...changeRequestColumns])
    .orderBy('submitted_at', 'desc')
    .orderBy('id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return { items: rows.map(toView), total };
}
