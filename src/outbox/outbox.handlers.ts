import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { AppContext } from '../platform/context.ts';
import type { DB } from '../platform/db/schema.ts';
import type { DeadReason } from '../shared/outbox.ts';

/**
 * What a context gives the outbox for one kind of message: how to deliver it, how often to try, and how
 * to mirror each outcome into the context's own record. The outbox imports no context: handlers are
 * registered at wiring time (src/app.ts), and a pass may be given its own handlers (tests).
 */

/** Why a message was given up: one vocabulary with the staff console (src/shared/outbox.ts). */
export { DEAD_REASONS, type DeadReason } from '../shared/outbox.ts';

export interface OutboxMessage {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  target: string;
  idempotencyKey: string;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
}

export type DeliveryOutcome =
  | { ok: true; detail?: Record<string, unknown> }
  | {
      ok: false;
      /** Whether trying again may help. */
      retryable: boolean;
      error: string;
      /** When not retryable: why (default 'refused'). */
      reason?: DeadReason;
      detail?: Record<string, unknown>;
    };

/** What the outbox decided after an attempt, handed to the handler to mirror into its own record. */
export type Settlement =
  | { status: 'delivered'; detail?: Record<string, unknown> | undefined }
  | { status: 'retrying'; error: string; retryInMs: number; detail?: Record<string, unknown> | undefined }
  | { status: 'dead'; error: string; reason: DeadReason; detail?: Record<string, unknown> | undefined };

/** What a delivery may use: configuration, the database, logs, and (tests) another `fetch`. */
export type OutboxContext = Pick<AppContext, 'database' | 'config' | 'logger'> & { fetch?: typeof fetch };

export interface BackoffPolicy {
  /** The delay bound after the first failed attempt; it doubles with each further one. */
  baseMs: number;
  /** The delay bound never grows past this. */
  capMs: number;
}

export interface OutboxHandler {
  kind: string;
  /** Attempts before the message is given up (from the configuration, so that deployments tune it). */
  maxAttempts(config: Config): number;
  backoff: BackoffPolicy;
  /** One attempt. Never throws for an expected failure (a thrown error counts as a retryable one). */
  deliver(message: OutboxMessage, ctx: OutboxContext): Promise<DeliveryOutcome>;
  /** In the transaction that records the settlement in the outbox: the context's own record follows it. */
  recorded?(trx: Kysely<DB>, message: OutboxMessage, settlement: Settlement): Promise<void>;
  /** When staff send a dead letter again: the context's own record is queued again too. */
  reopened?(trx: Kysely<DB>, message: OutboxMessage): Promise<void>;
}

const registry = new Map<string, OutboxHandler>();

/** Registers (or replaces) the handler of a kind; called by the contexts' wiring. */
export function registerOutboxHandler(handler: OutboxHandler): void {
  registry.set(handler.kind, handler);
}

export function outboxHandler(kind: string): OutboxHandler | undefined {
  return registry.get(kind);
}

export function outboxHandlers(): OutboxHandler[] {
  return [...registry.values()];
}
