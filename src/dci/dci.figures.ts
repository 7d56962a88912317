import type { Kysely } from 'kysely';
import type { AppContext } from '../platform/context.ts';
import type { DB } from '../platform/db/schema.ts';
import { searchDates } from './dci.records.ts';
import * as repo from './dci.repository.ts';

/**
 * Keeps the maintained DCI figures (group_size, poverty_score; migration 028) current. The database marks a
 * household's row stale the moment its members or incomes change, and every row is stale at midnight (UTC,
 * the day searches are for) or when the MCE changes; this job stores the figures again, in batches, so that
 * searches find them as indexed columns. Searches never wait for it: a stale row is computed live.
 */
export const FIGURES_JOB = 'dci.refresh-figures';
/** Every five minutes: a changed household is an index scan again within five minutes. */
export const FIGURES_SCHEDULE = '*/5 * * * *';
const BATCH = 2000;

/** Stores every stale row's figures for `at`'s day; returns how many rows were stored. */
export async function refreshDciFigures(db: Kysely<DB>, at = new Date()): Promise<number> {
  const dates = searchDates(at);
  let stored = 0;
  for (;;) {
    const batch = await repo.refreshFigures(db, dates, BATCH);
    stored += batch;
    // A short batch: the backlog is done (rows changed meanwhile wait for the next run).
    if (batch < BATCH) return stored;
  }
}

export function registerFiguresJob({ database, jobs, logger }: AppContext): void {
  jobs.register(FIGURES_JOB, async () => {
    const stored = await refreshDciFigures(database.db);
    if (stored > 0) logger.info({ stored }, 'DCI figures refreshed');
  });
}

export async function scheduleFiguresRefresh({ jobs }: AppContext): Promise<void> {
  await jobs.schedule(FIGURES_JOB, FIGURES_SCHEDULE, {}, 'UTC');
}
