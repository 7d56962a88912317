import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import { personIdInScope } from '../../access/scope.sql.ts';
import type { DB, DuplicateStatus } from '../../platform/db/schema.ts';

/**
 * Finds pairs of living, unmerged persons with the same folded name and birth date who live in the
 * same mahalla, where at least one has no PINFL (two PINFL holders are two people: the unique
 * constraint already rules out the same number twice). Pairs already known are skipped, so the scan
 * can run as often as needed. Returns the number of new candidates.
 */
export async function insertCandidates(db: Kysely<DB>): Promise<number> {
  const result = await sql<{ n: number }>`
    with current_place as (
      select m.person_id, h.mahalla_code
      from membership m join household h on h.id = m.household_id
      where m.valid_to is null
    ),
    pairs as (
      select least(a.id, b.id) as person_a, greatest(a.id, b.id) as person_b,
             case when b.pinfl is null then 0.9 else 0.8 end as score
      from person a
      join person b on b.name_key = a.name_key and b.birth_date = a.birth_date and b.id <> a.id
      join current_place pa on pa.person_id = a.id
      join current_place pb on pb.person_id = b.id and pb.mahalla_code = pa.mahalla_code
      where a.pinfl is null and a.merged_into is null and b.merged_into is null
        and a.death_date is null and b.death_date is null
        and (b.pinfl is not null or a.id < b.id)
    ),
    inserted as (
      insert into duplicate_candidate (person_a, person_b, reason, score)
      select distinct on (person_a, person_b) person_a, person_b, 'same_name_birth_date_mahalla', score from pairs
      on conflict (person_a, person_b) do nothing
      returning 1
    )
    select count(*)::int as n from inserted`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

export interface CandidateFilters {
  status?: DuplicateStatus | undefined;
  mahallaCode?: string | undefined;
}

/** Pairs with a person in `scope` matching the filters: the one WHERE clause of the queue and its count. */
function scopedCandidates(db: Kysely<DB>, filters: CandidateFilters, scope: Scope) {
  let q = db
    .selectFrom('duplicate_candidate as d')
    .where((eb) => eb.or([personIdInScope(scope, 'd.person_a'), personIdInScope(scope, 'd.person_b')]));
  if (filters.status) q = q.where('d.status', '=', filters.status);
  if (filters.mahallaCode) {
    const code = filters.mahallaCode;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('membership as m')
          .innerJoin('household as h', 'h.id', 'm.household_id')
          .select(sql`1`.as('one'))
          .whereRef('m.person_id', '=', 'd.person_a')
          .where('m.valid_to', 'is', null)
          .where('h.mahalla_code', '=', code),
      ),
    );
  }
  return q;
}

export async function countCandidates(db: Kysely<DB>, filters: CandidateFilters, scope: Scope) {
  const count = await scopedCandidates(db, filters, scope)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(count.n);
}

export async function listCandidates(
  db: Kysely<DB>,
  filters: CandidateFilters,
  limit: number,
  offset: number,
  scope: Scope,
) {
  const base = () => scopedCandidates(db, filters, scope);
  const [rows, total] = await Promise.all([
    base()
      .innerJoin('person as a', 'a.id', 'd.person_a')
      .innerJoin('person as b', 'b.id', 'd.person_b')
      .select([
        'd.id',
        'd.reason',
        'd.score',
        'd.status',
        'd.detected_at',
        'd.reviewed_by',
        'd.reviewed_at',
        'd.note',
        'a.id as a_id',
        'a.pinfl as a_pinfl',
        'a.last_name as a_last_name',
        'a.first_name as a_first_name',
        'a.patronymic as a_patronymic',
        'a.birth_date as a_birth_date',
        'a.source as a_source',
        'b.id as b_id',
        'b.pinfl as b_pinfl',
        'b.last_name as b_last_name',
        'b.first_name as b_first_name',
        'b.patronymic as b_patronymic',
        'b.birth_date as b_birth_date',
        'b.source as b_source',
      ])
      .orderBy('d.detected_at')
      .orderBy('d.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    countCandidates(db, filters, scope),
  ]);
  return { rows, total };
}

export async function findCandidatePersons(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('duplicate_candidate')
    .select(['person_a', 'person_b'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findCandidateForUpdate(db: Kysely<DB>, id: number) {
  return db.selectFrom('duplicate_candidate').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markReviewed(
  db: Kysely<DB>,
  id: number,
  review: { status: DuplicateStatus; reviewedBy: string; note: string | null },
) {
  await db
    .updateTable('duplicate_candidate')
    .set({
      status: review.status,
      reviewed_by: review.reviewedBy,
      reviewed_at: new Date(),
      note: review.note,
    })
    .where('id', '=', id)
    .execute();
}

export async function openMemberships(db: Kysely<DB>, personId: string) {
  return db
    .selectFrom('membership')
    .select(['id', 'household_id', 'relationship', 'valid_from'])
    .where('person_id', '=', personId)
    .where('valid_to', 'is', null)
    .execute();
}

export async function countOtherCurrentMembers(db: Kysely<DB>, householdId: string, personId: string) {
  const row = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('household_id', '=', householdId)
    .where('person_id', '<>', personId)
    .where('valid_to', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function endMembership(db: Kysely<DB>, membershipId: number, validTo: string) {
  await db.updateTable('membership').set({ valid_to: validTo }).where('id', '=', membershipId).execute();
}

export async function dissolveHousehold(db: Kysely<DB>, householdId: string, on: string) {
  await db.updateTable('household').set({ dissolved_on: on }).where('id', '=', householdId).execute();
}

export async function mergePerson(db: Kysely<DB>, duplicateId: string, keptId: string, reviewer: string) {
  await db
    .updateTable('person')
    .set({ merged_into: keptId, updated_at: new Date() })
    .where('id', '=', duplicateId)
    .execute();
  await db
    .insertInto('person_history')
    .values({
      person_id: duplicateId,
      field: 'merged_into',
      old_value: null,
      new_value: keptId,
      change_request_id: null,
      source: `duplicate_review:${reviewer}`,
    })
    .execute();
}
