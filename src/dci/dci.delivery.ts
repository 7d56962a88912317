import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import * as repo from './dci.repository.ts';

/**
 * Delivery of callbacks and notifications from the outbox, one durable job per row: POST the stored body,
 * mark it delivered on a 2xx, else record the error and fail the job so that pg-boss retries it with
 * backoff; after MAX_ATTEMPTS the row is marked failed and left for an operator.
 */

export const DELIVER_JOB = 'dci.deliver';
export const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 10_000;

export interface DeliverJob {
  outboxId: number;
}

export async function sendDelivery(jobs: JobRunner, outboxId: number): Promise<void> {
  await jobs.send(DELIVER_JOB, { outboxId } satisfies DeliverJob, {
    singletonKey: `dci-outbox:${outboxId}`,
    retryLimit: MAX_ATTEMPTS - 1,
  });
}

export class DeliveryFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryFailed';
  }
}

export async function deliverOutbox(
  db: Kysely<DB>,
  outboxId: number,
  fetcher: typeof fetch = fetch,
): Promise<void> {
  const row = await repo.findOutbox(db, outboxId);
  if (row?.status !== 'pending') return;
  let error: string;
  try {
    const response = await fetcher(row.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(row.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    // The body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) {
      await repo.recordDelivery(db, outboxId, { delivered: true });
      return;
    }
    error = `HTTP ${response.status}`;
  } catch (cause) {
    error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  }
  const failed = row.attempts + 1 >= MAX_ATTEMPTS;
  await repo.recordDelivery(db, outboxId, { delivered: false, error, failed });
  if (!failed) throw new DeliveryFailed(`delivery of ${row.kind} to ${row.url} failed: ${error}`);
}
