import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { isoOfDay, type Month, NO_DAY, parseMonth } from '../rules/dates.ts';
import { codeOf, EMPLOYMENT, ROLE, ROLE_OF_RELATIONSHIP, SECTOR, SEX } from '../rules/entities.ts';
import {
  allocatePopulation,
  checkPopulation,
  incomeWindow,
  type PopulationColumns,
} from '../rules/population.ts';

/**
 * Loads the columns of a month from the registry with two set-based queries (persons with their facts,
 * households with their property), never one query per household. The rules of `populationFromSituations`
 * apply: members on the first day of the month (membership in force, alive, born, not merged away, in a
 * household that exists that day), incomes pro-rated over the three months before, the disability group in
 * force on the first day (the most severe), vehicles owned, and the latest bank statement on or before the
 * first day. `previousCategory` and `mahallaHardship` are left 0: the decisions and applications layers
 * fill them by `householdIds`.
 */

interface PersonRow {
  household_id: string;
  person_id: string;
  relationship: string;
  sex: string;
  birth_day: number;
  employment: string;
  employment_sector: string | null;
  district_code: string;
  income_3m: number | null;
  formal_start_day: number | null;
  disability_rank: number | null;
  vehicles: number | null;
  newest_vehicle_year: number | null;
  deposits: number | null;
}

interface HouseholdRow {
  household_id: string;
  residential: number;
  non_residential: number;
}

/** Disability groups ranked by severity; the rank is the DISABILITY code. */
const DISABILITY_RANK = sql`case d.disability_group when 'I' then 1 when 'II' then 2 when 'III' then 3 else 4 end`;

function membersOn(first: string, householdIds: readonly string[] | undefined) {
  const only =
    householdIds === undefined ? sql`` : sql`and m.household_id = any(${[...householdIds]}::uuid[])`;
  return sql`
    select m.household_id, m.person_id, m.relationship, h.district_code,
           p.sex, (p.birth_date - date '1970-01-01') as birth_day, p.employment, p.employment_sector
    from membership m
    join person p on p.id = m.person_id
    join household h on h.id = m.household_id
    where m.valid_from <= ${first}::date and (m.valid_to is null or m.valid_to > ${first}::date)
      and p.birth_date <= ${first}::date and (p.death_date is null or p.death_date > ${first}::date)
      and p.merged_into is null
      and h.created_on <= ${first}::date and (h.dissolved_on is null or h.dissolved_on > ${first}::date)
      ${only}`;
}

export interface LoadOptions {
  /** Only these households (the incremental path: re-evaluate a household whose data changed). */
  readonly householdIds?: readonly string[];
}

export async function loadPopulation(
  db: Kysely<DB>,
  month: string | Month,
  options: LoadOptions = {},
): Promise<PopulationColumns> {
  const m = parseMonth(month);
  const ids = options.householdIds;
  const first = m.firstDate;
  const { starts, lengths } = incomeWindow(m);
  const windowStart = isoOfDay(starts[0] ?? m.firstDay);
  // Each month of the window counts amount x covered days / days in the month (as incomeInWindow does).
  const share = sql.join(
    lengths.map((length, k) => {
      const start = isoOfDay(starts[k] ?? 0);
      const next = isoOfDay(starts[k + 1] ?? 0);
      return sql`i.monthly_amount::float8 * greatest(0, least(coalesce(i.valid_to, ${first}::date), ${next}::date) - greatest(i.valid_from, ${start}::date)) / ${length}::float8`;
    }),
    sql` + `,
  );

  // For some households only (the incremental path), every fact table is read through its person index;
  // for the whole registry each is scanned once, which is far cheaper than joining it to 2 million members.
  const only = (column: string) =>
    ids === undefined ? sql`` : sql`and ${sql.ref(column)} in (select person_id from mem)`;
  // One union of every per-person fact, grouped once, then one join to the members: five separate
  // aggregates joined one after another cost twice as much at Khorezm scale (docs/BENCHMARKS.md).
  const personsQuery = sql<PersonRow>`
    with mem as (${membersOn(first, ids)}),
    facts as (
      select person_id, sum(income_3m) as income_3m, min(formal_start_day) as formal_start_day,
             min(disability_rank) as disability_rank, sum(vehicles)::int as vehicles,
             max(newest_vehicle_year) as newest_vehicle_year, sum(deposits) as deposits
      from (
        select i.person_id, (${share}) as income_3m,
               case when i.kind = 'wage' and (i.valid_to is null or i.valid_to > ${first}::date)
                    then i.valid_from - date '1970-01-01' end as formal_start_day,
               null::int as disability_rank, null::int as vehicles, null::int as newest_vehicle_year,
               null::float8 as deposits
        from income i
        where i.valid_from <= ${first}::date and (i.valid_to is null or i.valid_to > ${windowStart}::date)
          ${only('i.person_id')}
        union all
        select d.person_id, null, null, ${DISABILITY_RANK}, null, null, null
        from disability d
        where d.valid_from <= ${first}::date and (d.valid_to is null or d.valid_to > ${first}::date)
          ${only('d.person_id')}
        union all
        select v.owner_person_id, null, null, null, 1, v.model_year, null
        from vehicle v
        where true ${only('v.owner_person_id')}
        union all
        select latest.person_id, null, null, null, null, null, latest.balance::float8
        from (
          select b.person_id, b.balance, rank() over (partition by b.person_id order by b.as_of desc) as r
          from bank_deposit b
          where b.as_of <= ${first}::date ${only('b.person_id')}
        ) latest
        where latest.r = 1
      ) fact
      group by person_id
    )
    select mem.household_id, mem.person_id, mem.relationship, mem.sex, mem.birth_day, mem.employment,
           mem.employment_sector, mem.district_code, facts.income_3m, facts.formal_start_day,
           facts.disability_rank, facts.vehicles, facts.newest_vehicle_year, facts.deposits
    from mem
    left join facts on facts.person_id = mem.person_id
    order by mem.household_id, case mem.relationship when 'head' then 0 when 'spouse' then 1 else 2 end,
             mem.birth_day, mem.person_id`;

  const householdsQuery = sql<HouseholdRow>`
    with mem as (${membersOn(first, ids)})
    select h.id as household_id,
           count(d.id) filter (where d.kind = 'residential')::int as residential,
           count(d.id) filter (where d.kind = 'non_residential')::int as non_residential
    from household h
    left join dwelling d on d.household_id = h.id
    where h.id in (select household_id from mem)
    group by h.id`;

  // On PostgreSQL the two run on two connections at once; PGlite's one connection takes them in turn.
  const [persons, households] = await Promise.all([personsQuery.execute(db), householdsQuery.execute(db)]);

  return fillColumns(m, persons.rows, households.rows);
}

function fillColumns(
  m: Month,
  persons: readonly PersonRow[],
  households: readonly HouseholdRow[],
): PopulationColumns {
  const householdIds: string[] = [];
  const householdIndex = new Map<string, number>();
  const districtOfHousehold: string[] = [];
  for (const row of persons) {
    if (!householdIndex.has(row.household_id)) {
      householdIndex.set(row.household_id, householdIds.length);
      householdIds.push(row.household_id);
      districtOfHousehold.push(row.district_code);
    }
  }
  const districts = [...new Set(districtOfHousehold)].sort();
  const districtIndex = new Map(districts.map((d, i) => [d, i]));
  const population = allocatePopulation(m, persons.length, householdIds.length, districts);
  const P = population.person;
  const H = population.household;
  const personIds: string[] = new Array<string>(persons.length);
  persons.forEach((row, i) => {
    personIds[i] = row.person_id;
    P.household[i] = householdIndex.get(row.household_id) ?? 0;
    P.role[i] = ROLE[ROLE_OF_RELATIONSHIP[row.relationship] ?? 'other'];
    P.sex[i] = codeOf(SEX, row.sex, 'sex');
    P.birthDay[i] = Number(row.birth_day);
    P.disability[i] = row.disability_rank === null ? 0 : Number(row.disability_rank);
    P.employment[i] = codeOf(EMPLOYMENT, row.employment, 'employment');
    P.sector[i] =
      row.employment_sector === null ? SECTOR.none : codeOf(SECTOR, row.employment_sector, 'sector');
    P.formalEmploymentStart[i] =
      row.employment === 'employed_formal' && row.formal_start_day !== null
        ? Number(row.formal_start_day)
        : NO_DAY;
    P.income3m[i] = Math.round(Number(row.income_3m ?? 0));
    P.vehicles[i] = Math.min(255, Number(row.vehicles ?? 0));
    P.newestVehicleYear[i] = Number(row.newest_vehicle_year ?? 0);
    P.deposits[i] = Number(row.deposits ?? 0);
  });
  districtOfHousehold.forEach((code, h) => {
    H.district[h] = districtIndex.get(code) ?? 0;
  });
  for (const row of households) {
    const h = householdIndex.get(row.household_id);
    if (h === undefined) continue;
    H.residentialDwellings[h] = Math.min(255, Number(row.residential));
    H.nonResidentialProperties[h] = Math.min(255, Number(row.non_residential));
  }
  const result: PopulationColumns = { ...population, householdIds, personIds };
  checkPopulation(result);
  return result;
}
