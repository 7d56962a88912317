import type { Kysely } from 'kysely';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { isRegisteredCallback, type OutboundPolicy, postToPartner } from '../platform/http/outbound-url.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import type { Logger } from '../platform/logger.ts';
import * as repo from './dci.repository.ts';
import type { DciSigner } from './dci.signing-key.ts';

/**
 * Delivery of callbacks and notifications from the outbox, one durable job per row: sign the stored
 * body afresh, POST it, mark it delivered on a 2xx, else record the error and fail the job so that pg-boss
 * retries it with backoff; after MAX_ATTEMPTS the row is marked failed and left for an operator. Redirects
 * are never followed (a 3xx is a failed attempt), and a row whose address is no longer under a callback
 * URI registered for its client is failed at once, never sent.
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

export interface DeliveryContext {
  db: Kysely<DB>;
  signer: DciSigner;
  policy: OutboundPolicy;
  logger?: Logger;
  fetch?: typeof fetch;
}

export async function deliverOutbox(ctx: DeliveryContext, outboxId: number): Promise<void> {
  const { db } = ctx;
  const row = await repo.findOutbox(db, outboxId);
  if (row?.status !== 'pending') return;
  const { callbackUris } = await clientCallbacksOf(db, row.client_id);
  if (!isRegisteredCallback(row.url, callbackUris)) {
    const error = 'refused: the address is not under a callback URI registered for the client';
    ctx.logger?.warn({ outbox: outboxId, client: row.client_id, url: row.url }, `dci ${row.kind} ${error}`);
    await repo.recordDelivery(db, outboxId, { delivered: false, error, failed: true });
    return;
  }
  const body = await ctx.signer.sign(row.body as { header: unknown; message?: unknown });
  const outcome = await postToPartner(row.url, JSON.stringify(body), {
    policy: ctx.policy,
    timeoutMs: TIMEOUT_MS,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
  if (outcome.ok) {
    await repo.recordDelivery(db, outboxId, { delivered: true });
    return;
  }
  if (outcome.kind === 'redirect') {
    ctx.logger?.warn(
      { outbox: outboxId, client: row.client_id, url: row.url, error: outcome.error },
      'dci callback answered with a redirect, which is never followed',
    );
  }
  const failed = row.attempts + 1 >= MAX_ATTEMPTS;
  await repo.recordDelivery(db, outboxId, { delivered: false, error: outcome.error, failed });
  if (!failed) throw new DeliveryFailed(`delivery of ${row.kind} to ${row.url} failed: ${outcome.error}`);
}
