import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { Month } from '../rules/dates.ts';
import { DERIVATION, HOUSEHOLD_FACT_COLUMNS, householdFactsOf } from './population.query.ts';

const COLUMNS = sql.raw(HOUSEHOLD_FACT_COLUMNS.join(', '));

/**
 * The maintained facts of a month (population_fact, docs/adr/013-population-facts.md): built in full on the
 * server the first time a month is loaded, then kept current by re-deriving the households the registry's
 * triggers marked stale. Nothing of the registry travels to Node to build them.
 */

/** Months whose facts are kept; a load of another month drops the oldest. */
export const KEPT_MONTHS = 3;

/** Serialises builds and refreshes of the facts (two loads of a month at once would derive it twice). */
const LOCK = sql`select pg_advisory_xact_lock(hashtext('population_fact'))`;

export interface FactsState {
  /** Rows of the month (persons) and households at the last full build: a size estimate for a load. */
  persons: number;
  households: number;
  /** What this call did: built the month in full, or re-derived this many stale households. */
  built: boolean;
  rederived: number;
}

interface MonthRow {
  derivation: string;
  ready: boolean;
  persons: number;
  households: number;
}

async function monthRow(db: Kysely<DB>, first: string): Promise<MonthRow | undefined> {
  const { rows } = await sql<MonthRow>`
    select derivation, ready, persons, households from population_fact_month where month = ${first}::date`.execute(
    db,
  );
  return rows[0];
}

/** Makes the facts of `m` match the registry: a full build if need be, else the stale households again. */
export async function refreshFacts(db: Kysely<DB>, m: Month): Promise<FactsState> {
  const first = m.firstDate;
  const found = await monthRow(db, first);
  if (found === undefined || !found.ready || found.derivation !== DERIVATION) return buildFacts(db, m);
  const rederived = await db.transaction().execute(async (trx) => {
    await LOCK.execute(trx);
    // Taken (and removed) before the facts are derived again: a change committed after this statement
    // leaves its mark for the next load, and one committed before it is seen by the derivation below.
    const { rows } = await sql<{ household_id: string }>`
      delete from population_fact_stale where month = ${first}::date returning household_id`.execute(trx);
    const ids = [...new Set(rows.map((r) => r.household_id))];
    if (ids.length === 0) return 0;
    const only = sql`${ids}::uuid[]`;
    await sql`delete from population_fact where month = ${first}::date and household_id = any(${only})`.execute(
      trx,
    );
    await sql`
      insert into population_fact (month, ${COLUMNS})
      select ${first}::date, ${COLUMNS} from (${householdFactsOf(m, only)}) f`.execute(trx);
    return ids.length;
  });
  return { persons: found.persons, households: found.households, built: false, rederived };
}

async function buildFacts(db: Kysely<DB>, m: Month): Promise<FactsState> {
  const first = m.firstDate;
  // First, and committed on its own: the month is known to the triggers before its facts are derived, so
  // a registry change committed from now on marks its households stale. The share lock waits for writers
  // already under way (their triggers ran before the month was known) to commit, so the derivation below
  // sees their changes.
  await db.transaction().execute(async (trx) => {
    await LOCK.execute(trx);
    await sql`delete from population_fact_month where month = ${first}::date`.execute(trx);
    await sql`
      insert into population_fact_month (month, derivation, ready, persons, households)
      values (${first}::date, ${DERIVATION}, false, 0, 0)`.execute(trx);
    await sql`lock table membership, person, household, income, disability, vehicle, bank_deposit, dwelling
      in share mode`.execute(trx);
  });
  return db.transaction().execute(async (trx) => {
    await LOCK.execute(trx);
    const again = await monthRow(trx, first);
    if (again?.ready && again.derivation === DERIVATION) {
      // Another load built it while this one waited for the lock.
      return { persons: again.persons, households: again.households, built: false, rederived: 0 };
    }
    const old = await sql<{ month: string }>`
      select month::text as month from population_fact_month where month <> ${first}::date
      order by month desc offset ${KEPT_MONTHS - 1}`.execute(trx);
    for (const { month } of old.rows) {
      await sql`delete from population_fact where month = ${month}::date`.execute(trx);
      await sql`delete from population_fact_month where month = ${month}::date`.execute(trx);
      await sql`delete from population_fact_stale where month = ${month}::date`.execute(trx);
    }
    // Marks older than the derivation below are covered by it (same order of statements as a refresh).
    await sql`delete from population_fact_stale where month = ${first}::date`.execute(trx);
    await sql`delete from population_fact where month = ${first}::date`.execute(trx);
    // Inserted in key order: the table's rows then lie in the order a load reads them.
    await sql`
      insert into population_fact (month, ${COLUMNS})
      select ${first}::date, ${COLUMNS} from (${householdFactsOf(m, undefined)}) f
      order by household_id`.execute(trx);
    const { rows } = await sql<{ persons: number; households: number }>`
      update population_fact_month
      set ready = true, built_at = now(),
          persons = (select coalesce(sum(member_count), 0) from population_fact where month = ${first}::date),
          households = (select count(*) from population_fact where month = ${first}::date)
      where month = ${first}::date
      returning persons, households`.execute(trx);
    const counts = rows[0] ?? { persons: 0, households: 0 };
    await sql`analyze population_fact`.execute(trx);
    return { ...counts, built: true, rederived: 0 };
  });
}

/** The query a load streams: the month's facts in load order (the table's key). */
export function factsQuery(m: Month): string {
  return `select ${HOUSEHOLD_FACT_COLUMNS.join(', ')} from population_fact where month = '${m.firstDate}'::date order by household_id`;
}
