import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { Month, PopulationColumns } from '../rules/index.ts';
import { loadMonth } from './decision.service.ts';

/**
 * Loaded months kept for what-if simulations. An analyst runs scenario after scenario over the same month;
 * loading two million persons from PostgreSQL takes seconds while evaluating them twice takes well under
 * one, so each later scenario reuses the columns loaded by the first. A snapshot is used for at most
 * `SNAPSHOT_TTL_MS` and its load time is reported with every result (`dataAsOf`). Decisions never use
 * snapshots: they always read the registry as it is.
 */

/** How long a loaded month serves simulations before the registry is read again. */
export const SNAPSHOT_TTL_MS = 10 * 60_000;
/** Months kept per database: two million persons take about 250 MB of columns and ids. */
const MAX_MONTHS = 2;

export interface Snapshot {
  population: PopulationColumns;
  loadedAt: Date;
  /** Whether this call found it already loaded. */
  reused: boolean;
}

interface Entry {
  population: Promise<PopulationColumns>;
  loadedAt: Date;
}

// Keyed by the Kysely instance: tests and tools open several databases in one process.
const byDatabase = new WeakMap<Kysely<DB>, Map<string, Entry>>();

export async function populationSnapshot(
  db: Kysely<DB>,
  month: Month,
  options: { fresh?: boolean; now?: () => number } = {},
): Promise<Snapshot> {
  const now = options.now ?? Date.now;
  let months = byDatabase.get(db);
  if (!months) {
    months = new Map();
    byDatabase.set(db, months);
  }
  const found = months.get(month.key);
  if (found && !options.fresh && now() - found.loadedAt.getTime() < SNAPSHOT_TTL_MS) {
    return { population: await found.population, loadedAt: found.loadedAt, reused: true };
  }
  // Concurrent scenarios of the same month share one load (the promise is stored, not the result).
  const entry: Entry = { population: loadMonth(db, month), loadedAt: new Date(now()) };
  months.delete(month.key);
  months.set(month.key, entry);
  while (months.size > MAX_MONTHS) {
    const oldest = months.keys().next().value;
    if (oldest === undefined) break;
    months.delete(oldest);
  }
  try {
    return { population: await entry.population, loadedAt: entry.loadedAt, reused: false };
  } catch (error) {
    if (months.get(month.key) === entry) months.delete(month.key);
    throw error;
  }
}
