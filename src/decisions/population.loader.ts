import { type Kysely, sql } from 'kysely';
import { binaryCopyOf } from '../platform/db/database.ts';
import type { DB } from '../platform/db/schema.ts';
import { type Month, parseMonth } from '../rules/dates.ts';
import type { PopulationColumns } from '../rules/population.ts';
import { BinaryFactsReader, columnsFromRows } from './population.columns.ts';
import { FACT_ORDER, type FactRow, factsOf } from './population.query.ts';
import { factsQuery, refreshFacts } from './population-facts.repository.ts';

/**
 * Loads the columns of a month from the registry. A whole month is read from the maintained facts
 * (population_fact, docs/adr/013-population-facts.md): the households the registry changed since the last
 * load are derived again on the server, then the month streams out with a binary COPY straight into the
 * typed columns. Some households (the incremental path) are derived directly from the registry with the same
 * SQL (population.query.ts). `previousCategory` and `mahallaHardship` are left 0: the decisions and
 * applications layers fill them by `householdIds`.
 */

export interface LoadOptions {
  /** Only these households (the incremental path: re-evaluate a household whose data changed). */
  readonly householdIds?: readonly string[];
  /**
   * `registry`: derive every household directly from the registry, as the incremental path does, bypassing
   * the maintained facts (tests compare the two; a tool may check the facts with it).
   */
  readonly source?: 'facts' | 'registry';
}

export async function loadPopulation(
  db: Kysely<DB>,
  month: string | Month,
  options: LoadOptions = {},
): Promise<PopulationColumns> {
  const m = parseMonth(month);
  // Inside a caller's transaction the facts cannot be refreshed (that takes transactions of its own).
  if (options.householdIds !== undefined || options.source === 'registry' || db.isTransaction) {
    return loadDirect(db, m, options.householdIds);
  }
  const state = await refreshFacts(db, m);
  const copy = binaryCopyOf(db);
  // A Kysely not opened by openDatabase has no COPY: the direct derivation gives the same columns.
  if (copy === undefined) return loadDirect(db, m, undefined);
  const reader = new BinaryFactsReader(state.persons, state.households);
  await copy(factsQuery(m), (chunk) => reader.push(chunk));
  return reader.finish(m);
}

async function loadDirect(
  db: Kysely<DB>,
  m: Month,
  householdIds: readonly string[] | undefined,
): Promise<PopulationColumns> {
  const only = householdIds === undefined ? undefined : sql`${[...householdIds]}::uuid[]`;
  const { rows } = await sql<FactRow>`
    select * from (${factsOf(m, only)}) f order by ${sql.raw(FACT_ORDER)}`.execute(db);
  return columnsFromRows(m, rows);
}
