import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { CATALOGUE } from '../programs/catalogue.ts';
import * as repo from './payroll.repository.ts';
import { type RunSummary, runSummaries } from './reconciliation.repository.ts';

/**
 * Builds a programme's monthly payroll: the payable lines of the month (with arrears and corrections that
 * backdated decisions made), batched by bank and district, or held. One transaction, so a build either
 * happened whole or not at all; two builds of one month and programme at once make one run.
 */

/** The programmes paid every month: their decisions' amounts are so'm a month. */
export function monthlyProgrammes(): string[] {
  return CATALOGUE.filter((p) => p.payment.schedule === 'monthly' && p.outcome.kind === 'amount').map(
    (p) => p.id,
  );
}

export interface BuildRequest {
  month: string;
  programme: string;
  /** Who built it: `staff:<account>` or `system:payroll` (the monthly job) or `cli`. */
  builtBy: string;
  /** A batch whose total is above this (so'm) needs two finance officers' approvals. */
  fourEyesAbove: number;
}

export async function buildPayroll(
  db: Kysely<DB>,
  request: BuildRequest,
): Promise<{ run: RunSummary; created: boolean }> {
  if (!monthlyProgrammes().includes(request.programme)) {
    throw new DomainError('PAYROLL_PROGRAMME_NOT_PAID', { programme: request.programme });
  }
  const { runId, created } = await db.transaction().execute(async (trx) => {
    await repo.lockRun(trx, request.month, request.programme);
    const existing = await repo.findRun(trx, request.month, request.programme);
    if (existing) return { runId: existing.id, created: false };
    const previous = await repo.previousRun(trx, request.month, request.programme);
    await repo.stageLines(trx, {
      month: request.month,
      programme: request.programme,
      changedSince: previous.builtAt,
      firstMonth: previous.firstMonth ?? request.month,
    });
    const id = await repo.insertRun(trx, request);
    await repo.insertLines(trx, id, request.programme);
    await repo.stageSends(trx, { runId: id, previousRunId: previous.id, programme: request.programme });
    await repo.insertBatches(trx, {
      runId: id,
      month: request.month,
      programme: request.programme,
      fourEyesAbove: request.fourEyesAbove,
    });
    return { runId: id, created: true };
  });
  // A build adds a month of rows at once; the next statements (batches, exports, the next build) are
  // planned on statistics that know it, without waiting for autovacuum.
  if (created && !db.isTransaction) await repo.analyzePayments(db);
  const [run] = await runSummaries(db, { runId });
  if (!run) throw new Error(`payroll run ${runId} vanished`);
  return { run, created };
}

/**
 * Builds every monthly programme's payroll of the month (or the one named). Programmes are independent (their
 * own lock, lines and batches), so they are built at once, each in its own transaction and connection.
 */
export async function buildPayrolls(
  db: Kysely<DB>,
  request: Omit<BuildRequest, 'programme'> & { programme?: string | undefined },
) {
  const programmes = request.programme ? [request.programme] : monthlyProgrammes();
  return Promise.all(programmes.map((programme) => buildPayroll(db, { ...request, programme })));
}
