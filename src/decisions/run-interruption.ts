import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { markRunFailed } from './decision.service.ts';

/** What of `process` the interruption handling uses (a test passes its own). */
export interface ProcessLike {
  once(event: 'SIGINT' | 'SIGTERM' | 'uncaughtException', listener: (arg: unknown) => void): unknown;
  removeListener(
    event: 'SIGINT' | 'SIGTERM' | 'uncaughtException',
    listener: (arg: unknown) => void,
  ): unknown;
  exit(code: number): void;
}

/** Longest wait for the database on the way out; past it the heartbeat's staleness fails the run. */
const GIVE_UP_MS = 5_000;

/**
 * A command that runs an evaluation in the foreground (`himoya evaluate`) marks its run failed when it is
 * interrupted (SIGINT, SIGTERM) or crashes outside the evaluation's own error handling, then exits with
 * the conventional code (130, 143, 1). A kill that leaves no chance (SIGKILL, power) is caught by the
 * heartbeat instead. Returns the function that removes the handlers.
 */
export function failRunOnInterrupt(
  db: Kysely<DB>,
  currentRun: () => number | undefined,
  proc: ProcessLike = process,
  log: (message: string) => void = (message) => console.error(message),
): () => void {
  let ending = false;
  const end = (reason: string, code: number) => {
    if (ending) return;
    ending = true;
    log(`${reason}: marking the run failed`);
    const runId = currentRun();
    const marked = runId === undefined ? Promise.resolve() : markRunFailed(db, runId, reason);
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, GIVE_UP_MS);
    });
    Promise.race([marked, giveUp])
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        proc.exit(code);
      });
  };
  const onInt = () => end('interrupted by SIGINT', 130);
  const onTerm = () => end('interrupted by SIGTERM', 143);
  const onCrash = (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    end(`crashed: ${error instanceof Error ? error.message : String(error)}`, 1);
  };
  proc.once('SIGINT', onInt);
  proc.once('SIGTERM', onTerm);
  proc.once('uncaughtException', onCrash);
  return () => {
    proc.removeListener('SIGINT', onInt);
    proc.removeListener('SIGTERM', onTerm);
    proc.removeListener('uncaughtException', onCrash);
  };
}
