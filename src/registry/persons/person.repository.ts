import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import { personIdInScope } from '../../access/scope.sql.ts';
import { pgErrorOf, UNIQUE_VIOLATION } from '../../platform/db/pg-error.ts';
import { PREPARED } from '../../platform/db/prepared-statements.ts';
import type { DB, NewPerson, PersonRow } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';

/** Inserts a person; a PINFL or id that a concurrent writer took first is a conflict, not a crash. */
export async function insertPerson(db: Kysely<DB>, person: NewPerson): Promise<void> {
  try {
    await db.insertInto('person').values(person).execute();
  } catch (error) {
    const pg = pgErrorOf(error);
    if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'person_pinfl_key') {
      throw new DomainError('PINFL_TAKEN', { pinfl: person.pinfl });
    }
    if (pg?.code === UNIQUE_VIOLATION && pg.constraint === 'person_pkey') {
      throw new DomainError('PERSON_ID_TAKEN', { personId: person.id });
    }
    throw error;
  }
}

export async function findPerson(db: Kysely<DB>, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPersonByPinfl(db: Kysely<DB>, pinfl: string): Promise<PersonRow | undefined> {
  return db.selectFrom('person').selectAll().where('pinfl', '=', pinfl).executeTakeFirst();
}

export interface PersonFilters {
  pinfl?: string | undefined;
  /** Prefix of last or first name, any script (matched on the folded name key too). */
  name?: string | undefined;
  birthDate?: string | undefined;
  mahallaCode?: string | undefined;
  districtCode?: string | undefined;
}

function personQuery(db: Kysely<DB>, filters: PersonFilters, nameKeyPrefix: string | undefined) {
  let query = db.selectFrom('person as p').where('p.merged_into', 'is', null);
  if (filters.pinfl) query = query.where('p.pinfl', '=', filters.pinfl);
  if (filters.birthDate) query = query.where('p.birth_date', '=', filters.birthDate);
  if (filters.name) {
    const pattern = `${filters.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('p.last_name', 'ilike', pattern),
        eb('p.first_name', 'ilike', pattern),
        ...(nameKeyPrefix ? [eb('p.name_key', 'like', `${nameKeyPrefix}%`)] : []),
      ]),
    );
  }
  if (filters.mahallaCode || filters.districtCode) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('membership as m')
          .innerJoin('household as h', 'h.id', 'm.household_id')
          .select(sql`1`.as('one'))
          .whereRef('m.person_id', '=', 'p.id')
          .where('m.valid_to', 'is', null)
          .$if(Boolean(filters.mahallaCode), (q) => q.where('h.mahalla_code', '=', filters.mahallaCode ?? ''))
          .$if(Boolean(filters.districtCode), (q) =>
            q.where('h.district_code', '=', filters.districtCode ?? ''),
          ),
      ),
    );
  }
  return query;
}

export async function listPersons(
  db: Kysely<DB>,
  filters: PersonFilters,
  nameKeyPrefix: string | undefined,
  limit: number,
  offset: number,
  scope: Scope,
) {
  const [rows, count] = await Promise.all([
    personQuery(db, filters, nameKeyPrefix)
      .where(personIdInScope(scope, 'p.id'))
      .selectAll('p')
      .orderBy('p.last_name')
      .orderBy('p.first_name')
      .orderBy('p.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    personQuery(db, filters, nameKeyPrefix)
      .where(personIdInScope(scope, 'p.id'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function listPersonMemberships(db: Kysely<DB>, personId: string) {
  return db
    .selectFrom('membership as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .select(['m.household_id', 'm.relationship', 'm.valid_from', 'm.valid_to', 'm.source', 'h.mahalla_code'])
    .where('m.person_id', '=', personId)
    .orderBy('m.valid_from')
    .execute();
}

export async function listPersonHistory(db: Kysely<DB>, personId: string) {
  return db
    .selectFrom('person_history')
    .select(['field', 'old_value', 'new_value', 'change_request_id', 'source', 'changed_at'])
    .where('person_id', '=', personId)
    .orderBy('changed_at')
    .orderBy('id')
    .execute();
}

export interface CitizenSummaryRow {
  pinfl: string | null;
  first_name: string;
  last_name: string;
  preferred_language: string;
  household_id: string | null;
}

/**
 * What `GET /api/me` shows of a citizen, in one statement: their name, PINFL and message language, and the
 * household they belong to today (the current membership, as access's `findCurrentHouseholdOfPerson` reads
 * it). Every page of the portal asks it.
 */
export async function findCitizenSummary(
  db: Kysely<DB>,
  personId: string,
): Promise<CitizenSummaryRow | undefined> {
  const { rows } = await sql<CitizenSummaryRow>`${PREPARED}
    select p.pinfl, p.first_name, p.last_name, p.preferred_language,
      (select m.household_id from membership m
        where m.person_id = p.id and m.valid_from <= current_date
          and (m.valid_to is null or m.valid_to > current_date)
        order by m.valid_from desc limit 1) as household_id
    from person p where p.id = ${personId}`.execute(db);
  return rows[0];
}
