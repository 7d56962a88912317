import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import type { PlaceColumns } from '../../access/record-place.sql.ts';
import { householdIdInScope, householdRowInScope, mahallaInScope } from '../../access/scope.sql.ts';
import { PREPARED } from '../../platform/db/prepared-statements.ts';
import type { DB } from '../../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../../platform/http/pagination.ts';

export interface HouseholdFilters {
  districtCode?: string | undefined;
  mahallaCode?: string | undefined;
  /** Households with a member whose name starts with this (case-insensitive). */
  name?: string | undefined;
  pinfl?: string | undefined;
  includeDissolved?: boolean | undefined;
  /** Free text: PINFL, phone, plate, cadastre number, reference or name (see ../search). */
  q?: string | undefined;
}

export async function findHousehold(db: Kysely<DB>, id: string) {
  return db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirst();
}

function filtered(db: Kysely<DB>, filters: HouseholdFilters, scope: Scope) {
  // The actor's areas come first: no filter combination reaches a household outside them.
  let query = db.selectFrom('household as h').where(householdRowInScope(scope, 'h'));
  if (filters.districtCode) query = query.where('h.district_code', '=', filters.districtCode);
  if (filters.mahallaCode) query = query.where('h.mahalla_code', '=', filters.mahallaCode);
  if (!filters.includeDissolved) query = query.where('h.dissolved_on', 'is', null);
  if (filters.name || filters.pinfl) {
    const { name, pinfl } = filters;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('membership as m')
          .innerJoin('person as p', 'p.id', 'm.person_id')
          .select(sql`1`.as('one'))
          .whereRef('m.household_id', '=', 'h.id')
          .where('m.valid_to', 'is', null)
          .$if(Boolean(name), (q) =>
            q.where((eb) =>
              eb.or([
                eb('p.last_name', 'ilike', `${escapeLike(name ?? '')}%`),
                eb('p.first_name', 'ilike', `${escapeLike(name ?? '')}%`),
              ]),
            ),
          )
          .$if(Boolean(pinfl), (q) => q.where('p.pinfl', '=', pinfl ?? '')),
      ),
    );
  }
  return query;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listHouseholds(
  db: Kysely<DB>,
  filters: HouseholdFilters,
  page: PageQuery,
  scope: Scope,
) {
  const [rows, count] = await Promise.all([
    filtered(db, filters, scope)
      .leftJoin('membership as head', (join) =>
        join
          .onRef('head.household_id', '=', 'h.id')
          .on('head.relationship', '=', 'head')
          .on('head.valid_to', 'is', null),
      )
      .leftJoin('person as hp', 'hp.id', 'head.person_id')
      .select([
        'h.id',
        'h.reference',
        'h.district_code',
        'h.mahalla_code',
        'h.address',
        'h.created_on',
        'h.dissolved_on',
        'hp.id as head_id',
        'hp.last_name as head_last_name',
        'hp.first_name as head_first_name',
      ])
      .select((eb) =>
        eb
          .selectFrom('membership as c')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('c.household_id', '=', 'h.id')
          .where('c.valid_to', 'is', null)
          .as('member_count'),
      )
      .orderBy('h.mahalla_code')
      .orderBy('h.id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    filtered(db, filters, scope)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** A membership period of the household with the member's person record, as the record reads it. */
export interface MembershipPeriodRow {
  person_id: string;
  relationship:
    | 'head'
    | 'spouse'
    | 'child'
    | 'parent'
    | 'sibling'
    | 'grandchild'
    | 'grandparent'
    | 'child_in_law'
    | 'other';
  valid_from: string;
  valid_to: string | null;
  source: string;
  change_request_id: string | null;
  pinfl: string | null;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  sex: 'M' | 'F';
  birth_date: string;
  death_date: string | null;
  education: string;
  employment: string;
  person_source: string;
  /** The period covers the record's date: the member is listed among the members. */
  current: boolean;
}

/** A household, every membership period (oldest first) and the facts of its members on `date`. */
export interface HouseholdRecordRow {
  id: string;
  reference: string;
  district_code: string;
  mahalla_code: string;
  address: string;
  created_on: string;
  dissolved_on: string | null;
  source: string;
  periods: MembershipPeriodRow[];
  incomes: {
    person_id: string;
    kind: string;
    monthly_amount: number;
    valid_from: string;
    valid_to: string | null;
    source: string;
  }[];
  dwellings: {
    owner_person_id: string | null;
    cadastre_number: string;
    kind: string;
    area_m2: number;
    source: string;
  }[];
  vehicles: { owner_person_id: string; plate: string; make: string; model_year: number; source: string }[];
  deposits: { person_id: string; balance: number; as_of: string; source: string }[];
  disabilities: {
    person_id: string;
    disability_group: string;
    valid_from: string;
    valid_to: string | null;
    source: string;
  }[];
}

/**
 * The whole household record in one statement: the household, every membership period with the person
 * (oldest first), and the facts received from agencies about the household and the members on `date`, each
 * with its source. One round trip instead of one per section: the record is the registry's most read page.
 */
export async function findHouseholdRecord(
  db: Kysely<DB>,
  householdId: string,
  date: string,
  options: {
    /** More columns over `household h` (access's `recordPlaceColumns`: where it is, the purpose held). */
    extra?: RawBuilder<unknown> | undefined;
    /**
     * Read the members' disabilities (health data): false for a reader who may never see them, so that
     * health data is not even read for them (and the section is empty).
     */
    health?: boolean | undefined;
  } = {},
): Promise<(HouseholdRecordRow & Partial<PlaceColumns>) | undefined> {
  const { extra, health = true } = options;
  const disabilities = health
    ? sql`(select coalesce(json_agg(json_build_object('person_id', x.person_id,
          'disability_group', x.disability_group, 'valid_from', x.valid_from, 'valid_to', x.valid_to,
          'source', x.source) order by x.person_id), '[]'::json)
        from disability x where x.person_id = any(pj.members))`
    : sql`'[]'::json`;
  // The periods are built with json_build_object (to_jsonb of the row and then removing a key costs twice
  // as much), and the members of the date are one array that each fact section probes with = any().
  const { rows } = await sql<HouseholdRecordRow & Partial<PlaceColumns>>`${PREPARED}
    with period as (
      select m.id, m.person_id, m.relationship, m.valid_from, m.valid_to, m.source, m.change_request_id,
        p.pinfl, p.last_name, p.first_name, p.patronymic, p.sex, p.birth_date, p.death_date, p.education,
        p.employment, p.source as person_source,
        (m.valid_from <= ${date}::date and (m.valid_to is null or m.valid_to > ${date}::date)) as current
      from membership m join person p on p.id = m.person_id
      where m.household_id = ${householdId}
    )
    select h.id, h.reference, h.district_code, h.mahalla_code, h.address, h.created_on, h.dissolved_on, h.source,
      coalesce(pj.periods, '[]'::json) as periods,
      (select coalesce(json_agg(json_build_object('person_id', i.person_id, 'kind', i.kind,
          'monthly_amount', i.monthly_amount, 'valid_from', i.valid_from, 'valid_to', i.valid_to,
          'source', i.source) order by i.person_id, i.valid_from), '[]'::json)
        from income i where i.person_id = any(pj.members)) as incomes,
      (select coalesce(json_agg(json_build_object('owner_person_id', d.owner_person_id,
          'cadastre_number', d.cadastre_number, 'kind', d.kind, 'area_m2', d.area_m2, 'source', d.source)
          order by d.cadastre_number), '[]'::json)
        from dwelling d where d.household_id = h.id) as dwellings,
      (select coalesce(json_agg(json_build_object('owner_person_id', v.owner_person_id, 'plate', v.plate,
          'make', v.make, 'model_year', v.model_year, 'source', v.source) order by v.plate), '[]'::json)
        from vehicle v where v.owner_person_id = any(pj.members)) as vehicles,
      (select coalesce(json_agg(json_build_object('person_id', b.person_id, 'balance', b.balance,
          'as_of', b.as_of, 'source', b.source) order by b.person_id), '[]'::json)
        from bank_deposit b where b.person_id = any(pj.members)) as deposits,
      ${disabilities} as disabilities
      ${extra ? sql`, ${extra}` : sql``}
    from household h,
    lateral (
      select json_agg(json_build_object('person_id', pr.person_id, 'relationship', pr.relationship,
          'valid_from', pr.valid_from, 'valid_to', pr.valid_to, 'source', pr.source,
          'change_request_id', pr.change_request_id, 'pinfl', pr.pinfl, 'last_name', pr.last_name,
          'first_name', pr.first_name, 'patronymic', pr.patronymic, 'sex', pr.sex, 'birth_date', pr.birth_date,
          'death_date', pr.death_date, 'education', pr.education, 'employment', pr.employment,
          'person_source', pr.person_source, 'current', pr.current) order by pr.valid_from, pr.id) as periods,
        coalesce(array_agg(distinct pr.person_id) filter (where pr.current), '{}') as members
      from period pr
    ) pj
    where h.id = ${householdId}`.execute(db);
  return rows[0];
}

export async function insertHousehold(
  db: Kysely<DB>,
  household: {
    id: string;
    district_code: string;
    mahalla_code: string;
    address: string;
    created_on: string;
    source: string;
  },
) {
  await db
    .insertInto('household')
    .values({ ...household, dissolved_on: null, source_ref: null })
    .execute();
}

export async function insertMembership(
  db: Kysely<DB>,
  row: { household_id: string; person_id: string; relationship: 'head'; valid_from: string; source: string },
) {
  await db
    .insertInto('membership')
    .values({ ...row, valid_to: null, change_request_id: null })
    .execute();
}

/** Periods of this person that reach on or after `date` (an open period, or one ending after it). */
export async function findMembershipsReaching(db: Kysely<DB>, personId: string, date: string) {
  return db
    .selectFrom('membership')
    .select(['household_id', 'valid_from', 'valid_to'])
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
    .execute();
}

/** Counts within the actor's areas: a count is data too. */
export async function registrySummary(db: Kysely<DB>, scope: Scope) {
  const [households, persons, mahallas, byDistrict] = await Promise.all([
    db
      .selectFrom('household as h')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('h.dissolved_on', 'is', null)
      .where(householdRowInScope(scope, 'h'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('membership')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('valid_to', 'is', null)
      .where(householdIdInScope(scope, 'membership.household_id'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('mahalla as m')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(mahallaInScope(scope, 'm'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('household as h')
      .innerJoin('district as d', 'd.code', 'h.district_code')
      .select(['d.code', 'd.name_uz_latn', (eb) => eb.fn.countAll<number>().as('households')])
      .where('h.dissolved_on', 'is', null)
      .where(householdRowInScope(scope, 'h'))
      .groupBy(['d.code', 'd.name_uz_latn'])
      .orderBy('d.code')
      .execute(),
  ]);
  return {
    households: Number(households.n),
    persons: Number(persons.n),
    mahallas: Number(mahallas.n),
    byDistrict: byDistrict.map((d) => ({
      code: d.code,
      name: d.name_uz_latn,
      households: Number(d.households),
    })),
  };
}

/** The head of the household today (whose phone and language the family's messages use). */
export async function findCurrentHead(db: Kysely<DB>, householdId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('membership')
    .select('person_id')
    .where('household_id', '=', householdId)
    .where('relationship', '=', 'head')
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return row?.person_id;
}

/** The current heads of many households in one read (a household without one is missing from the map). */
export async function findCurrentHeads(
  db: Kysely<DB>,
  householdIds: readonly string[],
): Promise<Map<string, string>> {
  const heads = new Map<string, string>();
  if (householdIds.length === 0) return heads;
  const rows = await db
    .selectFrom('membership')
    .select(['household_id', 'person_id'])
    .where('household_id', 'in', [...new Set(householdIds)])
    .where('relationship', '=', 'head')
    .where('valid_to', 'is', null)
    .execute();
  for (const row of rows) heads.set(row.household_id, row.person_id);
  return heads;
}

/** The human references (H-…) of many households in one read. */
export async function findReferences(
  db: Kysely<DB>,
  householdIds: readonly string[],
): Promise<Map<string, string>> {
  if (householdIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('household')
    .select(['id', 'reference'])
    .where('id', 'in', [...new Set(householdIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.reference]));
}

/** The head a household was registered with: the head membership that starts on its creation date. */
export async function findFoundingHead(
  db: Kysely<DB>,
  householdId: string,
  createdOn: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('membership')
    .select('person_id')
    .where('household_id', '=', householdId)
    .where('relationship', '=', 'head')
    .where('valid_from', '=', createdOn)
    .executeTakeFirst();
  return row?.person_id;
}
