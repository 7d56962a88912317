import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * What other contexts hear whenever decisions were written, by any path: a whole month's run (nightly,
 * staff, the demo's first start), one household re-evaluated (a change request, a life event, an
 * application's assessment), an approved override or an overturned appeal. Decisions knows nothing of who
 * listens: the proactive context registers, at wiring time, the listener that tells each family of its
 * new, changed or ended entitlements, so decisions does not import it. Every path calls
 * `decisionsWritten` once its decisions are written (in the same transaction when it has one), so a
 * message exists exactly when the decision it tells of does.
 */

/**
 * Why the decisions were written, which words the family is told in: `run` a month's run, `household` one
 * household re-evaluated, `override` an approved override (a review of the case), `appeal` an override
 * that remedies an overturned appeal, `application` an application's final assessment (the application's
 * own message tells the family).
 */
export type DecisionCause = 'run' | 'household' | 'override' | 'appeal' | 'application';

export interface DecisionsWritten {
  /** The run whose decisions these are (an override is a run of its own). */
  runId: number;
  month: string;
  cause: DecisionCause;
  decisionsWritten: number;
}

export type DecisionsWrittenListener = (db: Kysely<DB>, event: DecisionsWritten) => Promise<unknown>;

const listeners = new Map<string, DecisionsWrittenListener>();

/** Registers (or replaces, so wiring twice is harmless) the listener called `name`. */
export function onDecisionsWritten(name: string, listener: DecisionsWrittenListener): void {
  listeners.set(name, listener);
}

/** Calls every listener after decisions were written, in registration order; nothing when none were. */
export async function decisionsWritten(db: Kysely<DB>, event: DecisionsWritten): Promise<unknown[]> {
  if (event.decisionsWritten === 0) return [];
  const results: unknown[] = [];
  for (const listener of listeners.values()) results.push(await listener(db, event));
  return results;
}
