import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { isoOfDay, type Month, NO_DAY } from '../rules/dates.ts';
import { EMPLOYMENT, ROLE, ROLE_OF_RELATIONSHIP, SECTOR, SEX } from '../rules/entities.ts';
import { incomeWindow } from '../rules/population.ts';

/**
 * The one derivation of a month's population from the registry, as SQL: one row per member on the first day
 * of the month (membership in force, alive, born, not merged away, in a household that exists that day),
 * every fact already coded as the engine's columns. Incomes are pro-rated over the three months before, the
 * disability group is the most severe in force on the first day, vehicles are those owned, deposits the
 * latest statement on or before the first day. The direct load (a few households) reads it; the maintained
 * facts (population_fact) are filled from it, so the two cannot disagree on a rule.
 */

/** The columns of a fact row (one member), as `factsOf` selects them. */
export const FACT_COLUMNS = [
  'household_id',
  'rank',
  'birth_day',
  'person_id',
  'role',
  'sex',
  'employment',
  'sector',
  'disability',
  'formal_start_day',
  'income_3m',
  'vehicles',
  'newest_vehicle_year',
  'deposits',
  'district_code',
  'residential',
  'non_residential',
] as const;

export interface FactRow {
  household_id: string;
  rank: number;
  birth_day: number;
  person_id: string;
  role: number;
  sex: number;
  employment: number;
  sector: number;
  disability: number;
  formal_start_day: number;
  income_3m: number;
  vehicles: number;
  newest_vehicle_year: number;
  deposits: number;
  district_code: string;
  residential: number;
  non_residential: number;
}

/** Members of a household are loaded head first, then the spouse, then the others by age. */
export const FACT_ORDER = 'household_id, rank, birth_day, person_id';

/** The columns of population_fact (one household), in the order of the binary COPY a load reads. */
export const HOUSEHOLD_FACT_COLUMNS = [
  'household_id',
  'district_code',
  'residential',
  'non_residential',
  'member_count',
  'members',
] as const;

/**
 * One member's facts as a fixed-width record (big-endian, 48 bytes): person id (16), birth day (4), formal
 * employment start (4), income of the 3 months (float8), deposits (float8), newest vehicle year (2), then
 * role, sex, employment and sector (a byte each), then disability and vehicles (a byte each). The reader is
 * population.columns.ts; the codes all fit a byte (vehicles are capped at 255).
 */
export const MEMBER_RECORD_BYTES = 48;
const MEMBER_RECORD = sql.raw(`uuid_send(person_id) || int4send(birth_day) || int4send(formal_start_day)
  || float8send(income_3m) || float8send(deposits) || int2send(newest_vehicle_year::smallint)
  || int4send((role::int << 24) | (sex::int << 16) | (employment::int << 8) | sector::int)
  || int2send(((disability::int << 8) | vehicles::int)::smallint)`);

/** `case <column> when 'name' then code ... end`; an unknown name gives null, which no fact column accepts. */
function coded(column: string, codes: Readonly<Record<string, number>>) {
  const arms = Object.entries(codes).map(([name, code]) => sql`when ${sql.lit(name)} then ${sql.lit(code)}`);
  return sql`(case ${sql.ref(column)} ${sql.join(arms, sql` `)} end)::smallint`;
}

const ROLE_CODES = Object.fromEntries(
  Object.entries(ROLE_OF_RELATIONSHIP).map(([relationship, role]) => [relationship, ROLE[role]]),
);

/** Disability groups ranked by severity; the rank is the DISABILITY code. */
const DISABILITY_RANK = sql`case d.disability_group when 'I' then 1 when 'II' then 2 when 'III' then 3 else 4 end`;

/**
 * A digest of everything the stored facts depend on besides the registry: the codes and the query's text.
 * Facts built by another derivation are rebuilt, never mixed with these.
 */
export const DERIVATION = createHash('sha256')
  .update(
    JSON.stringify([HOUSEHOLD_FACT_COLUMNS, FACT_COLUMNS, ROLE_CODES, SEX, EMPLOYMENT, SECTOR, NO_DAY, 'v2']),
  )
  .digest('hex')
  .slice(0, 16);

/**
 * The fact rows of a month, for the given households or for all. Not ordered: callers order by FACT_ORDER
 * (or insert into population_fact, whose key is that order).
 */
export function factsOf(m: Month, householdIds: RawBuilder<unknown> | undefined) {
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
  const onlyHouseholds = (column: string) =>
    householdIds === undefined ? sql`` : sql`and ${sql.ref(column)} = any(${householdIds})`;
  // For some households, every fact table is read through its person index; for the whole registry each is
  // scanned once, which is far cheaper than joining it to 2 million members.
  const only = (column: string) =>
    householdIds === undefined ? sql`` : sql`and ${sql.ref(column)} in (select person_id from mem)`;
  // One union of every per-person fact, grouped once, then one join to the members: five separate
  // aggregates joined one after another cost twice as much at Khorezm scale (docs/BENCHMARKS.md).
  return sql<FactRow>`
    with mem as (
      select m.household_id, m.person_id, m.relationship, h.district_code,
             p.sex, (p.birth_date - date '1970-01-01') as birth_day, p.employment, p.employment_sector
      from membership m
      join person p on p.id = m.person_id
      join household h on h.id = m.household_id
      where m.valid_from <= ${first}::date and (m.valid_to is null or m.valid_to > ${first}::date)
        and p.birth_date <= ${first}::date and (p.death_date is null or p.death_date > ${first}::date)
        and p.merged_into is null
        and h.created_on <= ${first}::date and (h.dissolved_on is null or h.dissolved_on > ${first}::date)
        ${onlyHouseholds('m.household_id')}
    ),
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
    ),
    dwellings as (
      select dw.household_id,
             count(*) filter (where dw.kind = 'residential') as residential,
             count(*) filter (where dw.kind = 'non_residential') as non_residential
      from dwelling dw
      where true ${onlyHouseholds('dw.household_id')}
      group by dw.household_id
    )
    select mem.household_id,
           (case mem.relationship when 'head' then 0 when 'spouse' then 1 else 2 end)::smallint as rank,
           mem.birth_day::int as birth_day,
           mem.person_id,
           coalesce(${coded('mem.relationship', ROLE_CODES)}, ${sql.lit(ROLE.other)})::smallint as role,
           ${coded('mem.sex', SEX)} as sex,
           ${coded('mem.employment', EMPLOYMENT)} as employment,
           coalesce(${coded('mem.employment_sector', SECTOR)}, ${sql.lit(SECTOR.none)})::smallint as sector,
           coalesce(facts.disability_rank, 0)::smallint as disability,
           (case when mem.employment = 'employed_formal' and facts.formal_start_day is not null
                 then facts.formal_start_day else ${sql.lit(NO_DAY)} end)::int as formal_start_day,
           floor(coalesce(facts.income_3m, 0) + 0.5)::float8 as income_3m,
           least(255, coalesce(facts.vehicles, 0))::smallint as vehicles,
           coalesce(facts.newest_vehicle_year, 0)::int as newest_vehicle_year,
           coalesce(facts.deposits, 0)::float8 as deposits,
           mem.district_code,
           least(255, coalesce(dwellings.residential, 0))::smallint as residential,
           least(255, coalesce(dwellings.non_residential, 0))::smallint as non_residential
    from mem
    left join facts on facts.person_id = mem.person_id
    left join dwellings on dwellings.household_id = mem.household_id`;
}

/** The month's facts one row per household (population_fact's columns), members packed in load order. */
export function householdFactsOf(m: Month, householdIds: RawBuilder<unknown> | undefined) {
  return sql`
    select household_id, district_code, residential, non_residential, count(*)::int as member_count,
           string_agg(${MEMBER_RECORD}, ''::bytea order by rank, birth_day, person_id) as members
    from (${factsOf(m, householdIds)}) f
    group by household_id, district_code, residential, non_residential`;
}
