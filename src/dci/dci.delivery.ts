import type { Kysely } from 'kysely';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import { type OutboxHandler, registerOutboxHandler } from '../outbox/outbox.handlers.ts';
import { wakeOutbox } from '../outbox/outbox.jobs.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import type { DB } from '../platform/db/schema.ts';
import {
  isRegisteredCallback,
  type OutboundPolicy,
  outboundPolicyOf,
  postToPartner,
} from '../platform/http/outbound-url.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import type { Logger } from '../platform/logger.ts';
import * as repo from './dci.repository.ts';
import { type DciSigner, dciSignerFor } from './dci.signing-key.ts';

/**
 * Delivery of callbacks and notifications recorded in `dci_outbox`, driven by the one outbox (src/outbox,
 * kind 'dci_callback'): sign the stored body afresh, POST it, mark it delivered on a 2xx, else record the
 * error and fail the attempt so that the outbox retries it with backoff; after MAX_ATTEMPTS the row is
 * marked failed, and the outbox keeps it as a dead letter that staff may send again. Redirects are never
 * followed (a 3xx is a failed attempt), and a row whose address is no longer under a callback URI
 * registered for its client is failed at once, never sent.
 */

export const DCI_CALLBACK_KIND = 'dci_callback';
export const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 10_000;

/**
 * Records a delivery (once per dedupe key) and, when new, its outbox message, both in the caller's
 * transaction when it passes one. Wake the outbox with `wakeDelivery` after the commit.
 */
export async function queueDelivery(db: Kysely<DB>, row: repo.NewOutboxRow) {
  const queued = await repo.enqueueOutbox(db, row);
  if (queued.created) {
    await enqueue(db, {
      kind: DCI_CALLBACK_KIND,
      payload: { dciOutboxId: queued.id },
      target: row.url,
      idempotencyKey: `dci:${queued.id}`,
    });
  }
  return queued;
}

/** After the commit of a queued delivery: a job worker delivers it now. */
export async function wakeDelivery(jobs: JobRunner): Promise<void> {
  await wakeOutbox(jobs);
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

const REFUSED_ADDRESS = /not under a callback URI registered/;

/** The outbox handler of DCI callbacks and notifications: one attempt of `deliverOutbox` per message. */
export function dciCallbackHandler(fetchOverride?: typeof fetch): OutboxHandler {
  const idOf = (payload: Record<string, unknown>) => Number(payload.dciOutboxId);
  return {
    kind: DCI_CALLBACK_KIND,
    maxAttempts: () => MAX_ATTEMPTS,
    backoff: { baseMs: 2000, capMs: 3_600_000 },
    async deliver(message, ctx) {
      const db = ctx.database.db;
      const id = idOf(message.payload);
      const fetchToUse = fetchOverride ?? ctx.fetch;
      const delivery: DeliveryContext = {
        db,
        signer: dciSignerFor(db, ctx.config.DCI_SIGNING_KEY),
        policy: outboundPolicyOf(ctx.config),
        logger: ctx.logger,
        ...(fetchToUse ? { fetch: fetchToUse } : {}),
      };
      try {
        await deliverOutbox(delivery, id);
      } catch (error) {
        if (error instanceof DeliveryFailed) return { ok: false, retryable: true, error: error.message };
        throw error;
      }
      const row = await repo.findOutbox(db, id);
      if (row?.status === 'delivered') return { ok: true };
      if (row?.status === 'failed') {
        const error = row.last_error ?? 'failed';
        const reason = REFUSED_ADDRESS.test(error) ? 'address_not_registered' : 'attempts_exhausted';
        return { ok: false, retryable: false, error, reason };
      }
      return { ok: false, retryable: false, error: 'the DCI delivery record is gone', reason: 'record_gone' };
    },
    async recorded(trx, message, settlement) {
      // Given up by the outbox (its count of attempts ran out first): the DCI record says so too.
      if (settlement.status === 'dead')
        await repo.markOutboxFailed(trx, idOf(message.payload), settlement.error);
    },
    async reopened(trx, message) {
      await repo.reopenOutbox(trx, idOf(message.payload));
    },
  };
}

/** Wiring: DCI callbacks and notifications join the outbox. */
export function registerDciDelivery(): void {
  registerOutboxHandler(dciCallbackHandler());
}
