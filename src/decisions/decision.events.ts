import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { EvaluationSummary } from './decision.service.ts';

/**
 * What other contexts hear when a whole month was evaluated (the nightly run, a run staff started, the
 * demo's first start). Decisions knows nothing of who listens: the proactive context registers, at wiring
 * time, the listener that tells each family of its new or changed entitlements, so decisions does not
 * import it.
 */
export type MonthEvaluatedListener = (db: Kysely<DB>, summary: EvaluationSummary) => Promise<unknown>;

const listeners = new Map<string, MonthEvaluatedListener>();

/** Registers (or replaces, so wiring twice is harmless) the listener called `name`. */
export function onMonthEvaluated(name: string, listener: MonthEvaluatedListener): void {
  listeners.set(name, listener);
}

/** Calls every listener after the run's decisions were written, in registration order. */
export async function monthEvaluated(db: Kysely<DB>, summary: EvaluationSummary): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const listener of listeners.values()) results.push(await listener(db, summary));
  return results;
}
