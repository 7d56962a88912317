import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import * as repo from './decision.repository.ts';

/**
 * A run's sign of life. While an evaluation works it writes `heartbeat_at` every HEARTBEAT_MS; a run
 * 'running' without a heartbeat for DEAD_AFTER_MS belongs to a process that died (a killed server, an
 * interrupted CLI) and is marked failed (`failDeadRuns`), so the month is free for a new run. Re-runs are
 * idempotent, so the new run completes what the dead one left.
 */
export const HEARTBEAT_MS = 10_000;
export const DEAD_AFTER_MS = 60_000;

export interface Heartbeat {
  /** False once the run was declared dead meanwhile: its worker must stop writing. */
  readonly alive: boolean;
  stop(): void;
}

export function startHeartbeat(db: Kysely<DB>, runId: number, everyMs = HEARTBEAT_MS): Heartbeat {
  let alive = true;
  let stopped = false;
  const timer = setInterval(() => {
    repo.beatRun(db, runId, new Date()).then(
      (running) => {
        if (!running && !stopped) alive = false;
      },
      // A missed beat is no death: the next one may pass, and staleness needs six in a row.
      () => undefined,
    );
  }, everyMs);
  // A heartbeat never keeps a finished command alive.
  timer.unref();
  return {
    get alive() {
      return alive;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** Marks failed the runs without a heartbeat for DEAD_AFTER_MS; returns them (with their jobs). */
export function failDeadRuns(db: Kysely<DB>, now = new Date()) {
  return repo.failDeadRuns(db, new Date(now.getTime() - DEAD_AFTER_MS), now);
}
