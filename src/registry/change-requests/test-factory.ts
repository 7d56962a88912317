import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB, Relationship, Sex } from '../../platform/db/schema.ts';
import { nameKey } from '../name-key.ts';
import { makePinfl } from '../pinfl.ts';

/**
 * Test data for change requests, written straight to the tables so that tests start from a known state
 * without going through the code under test. Each factory has its own counter: PINFLs never collide
 * within a test database, and no fixture is shared between test files.
 */
export interface PersonSpec {
  birthDate?: string;
  sex?: Sex;
  lastName?: string;
  firstName?: string;
  withPinfl?: boolean;
  deathDate?: string | null;
}

export interface HouseholdSpec {
  createdOn?: string;
  /** Relationships of the members; the first must be 'head'. */
  members?: Relationship[];
}

export interface MadeHousehold {
  id: string;
  headId: string;
  memberIds: string[];
}

const FIRST_NAMES: Record<Sex, string[]> = {
  M: ['Alisher', 'Bekzod', 'Doniyor', 'Jasur', 'Otabek', 'Sardor'],
  F: ['Dilnoza', 'Gulnora', 'Malika', 'Nilufar', 'Shahlo', 'Zarina'],
};
const LAST_NAMES = ['Karimov', 'Rahimov', 'Yusupov', 'Xudoyberdiyev', 'Matyoqubov', 'Otajonov'];

export function createFactory(db: Kysely<DB>) {
  let counter = 0;
  let mahalla: { code: string; district_code: string } | undefined;

  async function someMahalla() {
    mahalla ??= await db
      .selectFrom('mahalla')
      .select(['code', 'district_code'])
      .orderBy('code')
      .limit(1)
      .executeTakeFirstOrThrow();
    return mahalla;
  }

  async function person(spec: PersonSpec = {}): Promise<string> {
    const n = counter++;
    const sex = spec.sex ?? (n % 2 === 0 ? 'M' : 'F');
    const birthDate = spec.birthDate ?? `19${60 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`;
    const lastName = spec.lastName ?? LAST_NAMES[n % LAST_NAMES.length] ?? 'Karimov';
    const firstName = spec.firstName ?? FIRST_NAMES[sex][n % 6] ?? 'Ali';
    const id = randomUUID();
    await db
      .insertInto('person')
      .values({
        id,
        pinfl: spec.withPinfl === false ? null : makePinfl(birthDate, sex, '733', n % 1000),
        last_name: lastName,
        first_name: firstName,
        patronymic: null,
        name_key: nameKey(lastName, firstName),
        sex,
        birth_date: birthDate,
        death_date: spec.deathDate ?? null,
        phone: null,
        employment_sector: null,
        merged_into: null,
        source: 'test',
        source_ref: null,
        updated_at: new Date(),
      })
      .execute();
    return id;
  }

  async function household(spec: HouseholdSpec = {}): Promise<MadeHousehold> {
    const createdOn = spec.createdOn ?? '2020-01-01';
    const relationships = spec.members ?? ['head', 'spouse', 'child'];
    const { code, district_code } = await someMahalla();
    const id = randomUUID();
    await db
      .insertInto('household')
      .values({
        id,
        district_code,
        mahalla_code: code,
        address: `Test street ${counter}`,
        created_on: createdOn,
        dissolved_on: null,
        source: 'test',
        source_ref: null,
      })
      .execute();
    const memberIds: string[] = [];
    for (const relationship of relationships) {
      const personId = await person(relationship === 'child' ? { birthDate: '2010-05-15' } : {});
      await db
        .insertInto('membership')
        .values({
          household_id: id,
          person_id: personId,
          relationship,
          valid_from: createdOn,
          valid_to: null,
          source: 'test',
          change_request_id: null,
        })
        .execute();
      memberIds.push(personId);
    }
    const headId = memberIds[relationships.indexOf('head')];
    if (headId === undefined) throw new Error('a test household needs a head');
    return { id, headId, memberIds };
  }

  /** A fresh valid PINFL for a new person born on `birthDate`. */
  function pinfl(birthDate: string, sex: Sex): string {
    return makePinfl(birthDate, sex, '734', 500 + (counter++ % 500));
  }

  return { person, household, pinfl, someMahalla };
}

export type Factory = ReturnType<typeof createFactory>;

/**
 * Every row of the tables a change request may touch, in a stable order: equal snapshots before and
 * after a refused request prove it changed nothing.
 */
export async function snapshot(db: Kysely<DB>): Promise<Record<string, unknown[]>> {
  const tables = ['person', 'person_history', 'household', 'membership', 'change_request'] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(
      db,
    );
    out[table] = result.rows;
  }
  return out;
}

/** Empties the registry tables (the property test resets its world between runs). */
export async function resetRegistry(db: Kysely<DB>): Promise<void> {
  await sql`truncate table change_request, person_history, membership, household, person restart identity cascade`.execute(
    db,
  );
}
