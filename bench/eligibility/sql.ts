/**
 * The programme set as one SQL statement in PostgreSQL over the same synthetic population, loaded with COPY
 * into unlogged tables of a schema of the benchmark's own (dropped at the end). Ages are compared as birth
 * dates against the first day of the month so many years before (born on or before it = at least that
 * old), which is Himoya's age rule.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isoOfDay, NO_DAY } from '../../src/rules/dates.ts';
import { DISABILITY, EMPLOYMENT, SECTOR, SEX } from '../../src/rules/entities.ts';
import type { PopulationColumns } from '../../src/rules/population.ts';
import { ageCutoffDay, type MonthParameters, type Outputs } from './rules.ts';

export interface SqlBench {
  readonly client: pg.Client;
  readonly schema: string;
}

export async function connect(url: string): Promise<SqlBench> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = `bench_eligibility_${process.pid}`;
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.query(`create schema ${schema}`);
  return { client, schema };
}

export async function drop(bench: SqlBench): Promise<void> {
  try {
    await bench.client.query(`drop schema if exists ${bench.schema} cascade`);
  } finally {
    await bench.client.end();
  }
}

function* lines(n: number, row: (i: number) => string, batch = 4096): Generator<string> {
  let buffer = '';
  for (let i = 0; i < n; i++) {
    buffer += row(i);
    if (i % batch === batch - 1) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** Creates and fills `household` and `person`; returns the load time in ms. */
export async function load(bench: SqlBench, population: PopulationColumns): Promise<void> {
  const { client, schema } = bench;
  await client.query(`
    create unlogged table ${schema}.household (
      id int primary key, residential_dwellings smallint not null, non_residential_properties smallint not null,
      previous_category smallint not null, mahalla_hardship smallint not null);
    create unlogged table ${schema}.person (
      household int not null, sex smallint not null, birth_date date not null, disability smallint not null,
      employment smallint not null, sector smallint not null, formal_employment_start date,
      income_3m double precision not null, vehicles smallint not null, newest_vehicle_year int not null,
      deposits double precision not null);`);
  const H = population.household;
  await pipeline(
    Readable.from(
      lines(
        population.householdCount,
        (h) =>
          `${h}\t${H.residentialDwellings[h]}\t${H.nonResidentialProperties[h]}\t${H.previousCategory[h]}\t${H.mahallaHardship[h]}\n`,
      ),
    ),
    client.query(copyFrom(`copy ${schema}.household from stdin`)),
  );
  const P = population.person;
  const dates = new Map<number, string>();
  const date = (day: number) => {
    let iso = dates.get(day);
    if (iso === undefined) {
      iso = isoOfDay(day);
      dates.set(day, iso);
    }
    return iso;
  };
  await pipeline(
    Readable.from(
      lines(population.personCount, (i) => {
        const start = P.formalEmploymentStart[i] ?? NO_DAY;
        return (
          `${P.household[i]}\t${P.sex[i]}\t${date(P.birthDay[i] ?? 0)}\t${P.disability[i]}\t${P.employment[i]}\t` +
          `${P.sector[i]}\t${start === NO_DAY ? '\\N' : date(start)}\t${P.income3m[i]}\t${P.vehicles[i]}\t` +
          `${P.newestVehicleYear[i]}\t${P.deposits[i]}\n`
        );
      }),
    ),
    client.query(copyFrom(`copy ${schema}.person from stdin`)),
  );
  await client.query(`analyze ${schema}.household; analyze ${schema}.person`);
}

/** Able to work, on a person row: $1..$3 are the age cut-off dates. */
const able =
  `birth_date <= $1::date and birth_date > case when sex = ${SEX.F} then $3::date else $2::date end` +
  ` and disability not in (${DISABILITY.I}, ${DISABILITY.II}) and employment <> ${EMPLOYMENT.student}`;

/** The statement and its parameters: one select, aggregating persons by household. */
export function statement(schema: string, p: MonthParameters): { text: string; values: unknown[] } {
  const m = p.month;
  const values = [
    isoOfDay(ageCutoffDay(m, p.workingAgeMin)), // $1 adult: born on or before
    isoOfDay(ageCutoffDay(m, p.pensionAgeMen)), // $2 below men's pension age: born after
    isoOfDay(ageCutoffDay(m, p.pensionAgeWomen)), // $3 below women's pension age: born after
    isoOfDay(ageCutoffDay(m, p.childAgeLimit)), // $4 child: born after
    isoOfDay(ageCutoffDay(m, p.youngChildAgeLimit)), // $5 under 3: born after
    isoOfDay(p.graceCutoffDay), // $6 employment grace: started on or after
    m.firstDate, // $7 reference day
    p.incomeMonths * p.lowIncomeShare * p.mce, // $8 income per member over the period: low-income limit
    p.incomeMonths * p.bandSplitShare * p.mce, // $9 band split
    p.incomeMonths * p.borderlineLimitShare * p.mce, // $10 borderline limit
    p.lowerBandShare, // $11
    p.upperBandShare, // $12
    p.outsideBandsShare, // $13
    p.maxResidentialDwellings, // $14
    p.maxNonResidentialProperties, // $15
    m.year - p.maxCarAgeYears, // $16 newest model year that makes a car recent
    p.carCountLimit, // $17
    p.depositLimit, // $18
    p.firstChildUnder3, // $19
    p.firstChild3To18, // $20
    p.secondChildSupplement, // $21
    p.furtherChildSupplement, // $22
    p.materialAssistance, // $23
  ];
  const text = `
select id, category, share,
  case when children > 0 then round(((case when first_child_birth > $5::date then $19::float8 else $20::float8 end)
    + (case when children >= 2 then $21::float8 else 0 end)
    + (case when children > 2 then (children - 2) * $22::float8 else 0 end)) * share) else 0 end as child_allowance,
  case when children = 0 then round($23::float8 * share) else 0 end as material_assistance
from (
  select id, children, first_child_birth, category,
    case category when 1 then 1 when 2 then 1
      when 3 then case band when 2 then $11::float8 when 3 then $12::float8 else $13::float8 end
      else 0 end as share
  from (
    select h.id, a.children, a.first_child_birth, b.band,
      case
        when h.residential_dwellings > $14 or h.non_residential_properties > $15
          or (a.newest_vehicle_year > 0 and a.newest_vehicle_year >= $16) or a.vehicles >= $17
          or a.deposits >= $18::float8 or a.security_members > 0 then 0
        when b.band = 1 then case when a.able > 0 then 2 else 1 end
        when h.previous_category = 2 and a.recently_employed > 0 then 2
        when b.band in (2, 3) then 3
        when h.previous_category in (1, 2) or h.mahalla_hardship = 1 then 3
        else 0
      end as category
    from (
      select household,
        count(*) as size,
        sum(income_3m) as income,
        count(*) filter (where ${able}) as able,
        count(*) filter (where ${able} and employment = ${EMPLOYMENT.employed_formal} and formal_employment_start >= $6::date
          and formal_employment_start <= $7::date) as recently_employed,
        count(*) filter (where birth_date > $4::date) as children,
        min(birth_date) filter (where birth_date > $4::date) as first_child_birth,
        sum(vehicles) as vehicles,
        max(newest_vehicle_year) as newest_vehicle_year,
        sum(deposits) as deposits,
        count(*) filter (where sector = ${SECTOR.security} or employment = ${EMPLOYMENT.military}) as security_members
      from ${schema}.person
      group by household
    ) a
    join ${schema}.household h on h.id = a.household
    cross join lateral (select case
        when a.income < $8::float8 * a.size then 1
        when a.income <= $9::float8 * a.size then 2
        when a.income <= $10::float8 * a.size then 3
        else 4 end as band) b
  ) c
) d`;
  return { text, values };
}

/** Runs the statement, fetching every row; fills `out` by household index. */
export async function run(
  bench: SqlBench,
  query: { text: string; values: unknown[] },
  out: Outputs,
): Promise<number> {
  const result = await bench.client.query<[number, number, number, number, number]>({
    text: query.text,
    values: query.values,
    rowMode: 'array',
  });
  for (const row of result.rows) {
    const h = Number(row[0]);
    out.category[h] = Number(row[1]);
    out.share[h] = Number(row[2]);
    out.childAllowance[h] = Number(row[3]);
    out.materialAssistance[h] = Number(row[4]);
  }
  return result.rows.length;
}

/** Server-side execution time of the statement (EXPLAIN ANALYZE, rows not sent), ms. */
export async function serverTime(
  bench: SqlBench,
  query: { text: string; values: unknown[] },
): Promise<number> {
  const result = await bench.client.query<{ 'QUERY PLAN': Array<{ 'Execution Time'?: number }> }>({
    text: `explain (analyze, timing off, format json) ${query.text}`,
    values: query.values,
  });
  return result.rows[0]?.['QUERY PLAN'][0]?.['Execution Time'] ?? Number.NaN;
}
