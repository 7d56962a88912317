import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import { backoffDelay } from './outbox.backoff.ts';
import {
  type DeliveryOutcome,
  type OutboxContext,
  type OutboxHandler,
  type OutboxMessage,
  outboxHandler,
  outboxHandlers,
  type Settlement,
} from './outbox.handlers.ts';
import type { DeliveryLoop } from './outbox.loop.ts';
import * as repo from './outbox.repository.ts';

/**
 * The one outbox (see README.md): contexts enqueue a message in the transaction of the event that causes
 * it, and it is delivered after the commit by the handler registered for its kind, with retries under
 * exponential backoff with full jitter, until it is delivered or given up as a dead letter with a reason.
 */

export interface Enqueue {
  kind: string;
  payload: Record<string, unknown>;
  /** A phone number or a partner's address: shown (masked) to staff with a dead letter. */
  target: string;
  /** The message's name in its context: the same key is queued once, however often it is enqueued. */
  idempotencyKey: string;
  /** Messages of one key are delivered one after the other, in the order they were queued. */
  orderKey?: string | null;
}

/**
 * Queues a message (idempotent by `idempotencyKey`). Takes a Kysely handle or, preferably, the caller's
 * transaction, so the message exists exactly when the event that caused it commits. The in-process
 * delivery loops are nudged, at once or (inside a transaction, which they cannot see yet) over the next
 * half second; a caller holding the job runner may also `wakeOutbox(jobs)` after its commit.
 */
export async function enqueue(db: Kysely<DB>, input: Enqueue): Promise<{ id: string; created: boolean }> {
  if (!input.idempotencyKey) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'idempotencyKey is required' });
  }
  const result = await repo.insertMessage(db, { id: randomUUID(), ...input });
  if (result.created) {
    if (db.isTransaction) kickOutboxSoon();
    else kickOutbox();
  }
  return result;
}

/** Queues many messages in one statement (idempotent by each `idempotencyKey`); returns how many are new. */
export async function enqueueMany(db: Kysely<DB>, inputs: readonly Enqueue[]): Promise<number> {
  if (inputs.some((input) => !input.idempotencyKey)) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'idempotencyKey is required' });
  }
  const created = await repo.insertMessages(
    db,
    inputs.map((input) => ({ id: randomUUID(), ...input })),
  );
  if (created > 0) {
    if (db.isTransaction) kickOutboxSoon();
    else kickOutbox();
  }
  return created;
}

export interface DeliverOptions {
  /** Only these kinds (default: every registered kind, and those of `handlers`). */
  kinds?: readonly string[];
  /** Handlers of this pass, in place of the registered ones of their kinds (tests, a provider of a call). */
  handlers?: readonly OutboxHandler[];
  limit?: number;
  /** Milliseconds before the next attempt after `attempts` failed ones (tests make it 0). */
  backoff?: (attempts: number, handler: OutboxHandler) => number;
}

export interface DeliverySummary {
  claimed: number;
  delivered: number;
  retrying: number;
  dead: number;
}

/** A claimed message not settled within this long is due again (its worker is presumed dead). */
const LEASE_SECONDS = 120;

function handlersOf(options: DeliverOptions): Map<string, OutboxHandler> {
  const byKind = new Map<string, OutboxHandler>();
  for (const h of outboxHandlers()) byKind.set(h.kind, h);
  for (const h of options.handlers ?? []) byKind.set(h.kind, h);
  if (!options.kinds) return byKind;
  return new Map([...byKind].filter(([kind]) => options.kinds?.includes(kind)));
}

/**
 * One pass over the due messages, at most `limit` of them: claim, deliver each through its kind's
 * handler, record the outcome. Usable with the job workers off (tests call it directly).
 */
export async function deliverDue(ctx: OutboxContext, options: DeliverOptions = {}): Promise<DeliverySummary> {
  const db = ctx.database.db;
  const handlers = handlersOf(options);
  const claimed = await repo.claimDue(db, [...handlers.keys()], options.limit ?? 100, LEASE_SECONDS);
  const summary: DeliverySummary = { claimed: claimed.length, delivered: 0, retrying: 0, dead: 0 };
  await Promise.all(
    claimed.map(async (message) => {
      const handler = handlers.get(message.kind);
      if (!handler) return; // Not claimable: claimDue takes only the kinds of `handlers`.
      const outcome: DeliveryOutcome = await handler
        .deliver(message, ctx)
        .catch((error: unknown) => ({ ok: false as const, retryable: true, error: String(error) }));
      const settlement = settle(message, outcome, handler, ctx, options);
      await record(db, handler, message, settlement);
      summary[settlement.status] += 1;
      if (settlement.status === 'dead') {
        ctx.logger.warn(
          { outbox: message.id, kind: message.kind, attempts: message.attempts, reason: settlement.reason },
          'outbox message given up',
        );
      }
    }),
  );
  return summary;
}

function settle(
  message: OutboxMessage,
  outcome: DeliveryOutcome,
  handler: OutboxHandler,
  ctx: OutboxContext,
  options: DeliverOptions,
): Settlement {
  if (outcome.ok) return { status: 'delivered', detail: outcome.detail };
  if (!outcome.retryable) {
    return {
      status: 'dead',
      error: outcome.error,
      reason: outcome.reason ?? 'refused',
      detail: outcome.detail,
    };
  }
  if (message.attempts >= handler.maxAttempts(ctx.config)) {
    return { status: 'dead', error: outcome.error, reason: 'attempts_exhausted', detail: outcome.detail };
  }
  const retryInMs = options.backoff
    ? options.backoff(message.attempts, handler)
    : backoffDelay(message.attempts, handler.backoff);
  return { status: 'retrying', error: outcome.error, retryInMs, detail: outcome.detail };
}

async function record(db: Kysely<DB>, handler: OutboxHandler, message: OutboxMessage, s: Settlement) {
  await db.transaction().execute(async (trx) => {
    const changed =
      s.status === 'delivered'
        ? await repo.markDelivered(trx, message.id)
        : s.status === 'retrying'
          ? await repo.markRetry(trx, message.id, s.error, s.retryInMs)
          : await repo.markDead(trx, message.id, s.error, s.reason);
    // Settled meanwhile by another worker (a lease that ran out): that worker's outcome stands.
    if (changed) await handler.recorded?.(trx, message, s);
  });
}

/** When a pass over `kinds` (default: every registered kind) next has something to claim. */
export function nextDueAt(db: Kysely<DB>, kinds?: readonly string[]): Promise<Date | undefined> {
  return repo.nextDueAt(db, kinds ?? outboxHandlers().map((h) => h.kind));
}

// --- Dead letters, for staff ---

/** How many dead letters the list would show: the administrators' worklist count. */
export function countDeadLetters(db: Kysely<DB>, filter: { kind?: string | undefined }) {
  return repo.countDeadLetters(db, filter);
}

export function listDeadLetters(db: Kysely<DB>, filter: { kind?: string | undefined }, page: PageQuery) {
  return repo.listDeadLetters(db, filter, page);
}

/**
 * Sends a dead letter again: a fresh series of attempts, the context's record queued again with it.
 * Anything but a dead letter is 404 (a delivered or pending message has nothing to retry).
 */
export async function retryDeadLetter(db: Kysely<DB>, id: string): Promise<OutboxMessage> {
  const reopened = await db.transaction().execute(async (trx) => {
    const message = await repo.reopen(trx, id);
    if (!message) return undefined;
    const handler = outboxHandler(message.kind);
    await handler?.reopened?.(trx, message);
    return message;
  });
  if (!reopened) throw new DomainError('NOT_FOUND', { id });
  kickOutbox();
  return reopened;
}

// --- In-process delivery loops ---

const loops = new Set<DeliveryLoop>();

/** Delivers what is due now, in every delivery loop of this process (after a commit that queued some). */
export function kickOutbox(): void {
  for (const loop of loops) loop.kick();
}

/** For messages queued in a transaction not committed yet: kicks a few times over the next half second. */
export function kickOutboxSoon(): void {
  for (const loop of loops) loop.kickSoon();
}

/** Registers a loop so that kicks reach it; returns what stops and unregisters it. */
export function attachOutboxLoop(loop: DeliveryLoop): () => void {
  loops.add(loop);
  return () => {
    loop.stop();
    loops.delete(loop);
  };
}

/**
 * Where the outbox stands, for the staff console: every kind the contexts send (listed even with nothing
 * in it) and any other found in the table, with counts per state and the oldest waiting age.
 */
export async function outboxState(db: Kysely<DB>, kinds: readonly string[]): Promise<repo.KindState[]> {
  const found = new Map((await repo.stateByKind(db)).map((k) => [k.kind, k]));
  const empty = (kind: string): repo.KindState => ({
    kind,
    queued: 0,
    retrying: 0,
    sent: 0,
    dead: 0,
    oldestWaitingSeconds: null,
  });
  const listed = kinds.map((kind) => found.get(kind) ?? empty(kind));
  return [...listed, ...[...found.values()].filter((k) => !kinds.includes(k.kind))];
}
