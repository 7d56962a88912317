import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { type AuditActor, appendAudit } from '../audit/audit.service.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import type { DB } from '../platform/db/schema.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import { queueDelivery, wakeDelivery } from './dci.delivery.ts';
import {
  ack,
  callbackBaseOf,
  callbackHeader,
  callbackUrl,
  checkEnvelope,
  digestOf,
  errorAck,
  isTimestamp,
  newCorrelationId,
  now,
  REG_TYPE,
  requestHeader,
} from './dci.envelope.ts';
import { type Condition, type Entity, entityOf, localName, parseQuery, QueryError } from './dci.query.ts';
import { runSearch } from './dci.records.ts';
import * as repo from './dci.repository.ts';
import type {
  SubscribeEnvelope,
  SubscribeRequest,
  SubscribeStatusReasonCode,
  UnsubscribeEnvelope,
  UnsubscribeRequest,
  UnsubscribeStatusReasonCode,
} from './dci.schemas.ts';
import type { DciCaller, DciReply } from './dci.search.service.ts';

/** Subscriptions to registry events, unsubscription, and notifying subscribers when an event happens. */

/** The registry events subscribers may ask for (the standard's notify enum). */
export type RegistryEventType = 'REGISTER' | 'NewHouseHoldMember';

const EVENT_TYPES: Readonly<Record<string, RegistryEventType>> = {
  register: 'REGISTER',
  newhouseholdmember: 'NewHouseHoldMember',
  // A birth adds a member to a household: CRVS-style names of it are accepted too.
  livebirth: 'NewHouseHoldMember',
  birth: 'NewHouseHoldMember',
};

type FilterType = 'idtype-value' | 'expression' | 'predicate';

function filterTypeOf(given: string | undefined, filter: unknown): FilterType | undefined {
  if (given) {
    const local = localName(given);
    return local === 'idtype-value' || local === 'expression' || local === 'predicate' ? local : undefined;
  }
  if (Array.isArray(filter)) return 'predicate';
  const value = (filter as { value?: unknown }).value;
  return typeof value === 'object' && value !== null ? 'expression' : 'idtype-value';
}

interface SubscribeItemResult {
  reference_id: string;
  timestamp: string;
  status: 'succ' | 'rjct';
  status_reason_code?: SubscribeStatusReasonCode;
  status_reason_message?: string;
  subscriptions?: unknown[];
}

/**
 * POST /registry/subscribe: each request becomes a subscription (or is rejected with its reason); the
 * answer goes to the caller's on-subscribe. Idempotent by transaction_id.
 */
export async function subscribe(
  db: Kysely<DB>,
  jobs: JobRunner,
  caller: DciCaller,
  envelope: SubscribeEnvelope,
): Promise<DciReply> {
  checkEnvelope(envelope.header, envelope.message, 'subscribe');
  const senderUri = callbackBaseOf(
    envelope.header,
    await clientCallbacksOf(db, caller.clientId),
    caller.policy,
    ['registry/on-subscribe', 'registry/notify'],
  );
  const message = envelope.message as SubscribeRequest;
  const hash = digestOf(message);
  const key = {
    clientId: caller.clientId,
    kind: 'subscribe' as const,
    transactionId: message.transaction_id,
  };
  const existing = await repo.findTransaction(db, key.clientId, key.kind, key.transactionId);
  if (existing) return replayAsync(existing, hash);
  const correlationId = newCorrelationId();
  const outbox = await db.transaction().execute(async (trx) => {
    const inserted = await repo.insertTransaction(trx, {
      ...key,
      correlationId,
      mode: 'async',
      messageHash: hash,
      senderId: envelope.header.sender_id,
      senderUri,
      message,
      scope: caller.scope,
      auditActor: caller.auditActor,
      purpose: null,
      status: 'pdng',
    });
    if (!inserted) return undefined;
    const seen = new Set<string>();
    const items: SubscribeItemResult[] = [];
    for (const request of message.subscribe_request) {
      const base = { reference_id: request.reference_id, timestamp: now() };
      const reject = (code: SubscribeStatusReasonCode, why: string) =>
        items.push({
          ...base,
          status: 'rjct',
          status_reason_code: code,
          status_reason_message: why.slice(0, 999),
        });
      if (seen.has(request.reference_id)) {
        reject('rjct.reference_id.duplicate', 'reference_id appears twice in this message');
        continue;
      }
      seen.add(request.reference_id);
      if (!isTimestamp(request.timestamp)) {
        reject('rjct.timestamp.invalid', 'timestamp is not an ISO 8601 date-time');
        continue;
      }
      const criteria = request.subscribe_criteria;
      const eventType = EVENT_TYPES[localName(criteria.reg_event_type)];
      if (!eventType) {
        reject(
          'rjct.notify_types.invalid',
          `reg_event_type must be one of ${Object.keys(EVENT_TYPES).join(', ')}`,
        );
        continue;
      }
      const filterType = filterTypeOf(criteria.filter_type, criteria.filter);
      if (!filterType) {
        reject('rjct.notify_details.invalid', 'filter_type must be idtype-value, expression or predicate');
        continue;
      }
      const entity = entityOf(criteria.notify_record_type) ?? 'Group';
      try {
        parseQuery(filterType, criteria.filter, entity);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        reject('rjct.notify_details.invalid', error.message);
        continue;
      }
      const same = await repo.findActiveSameSubscription(
        trx,
        caller.clientId,
        eventType,
        filterType,
        criteria.filter,
        criteria.notify_record_type,
      );
      if (same) {
        reject(
          'rjct.event.already_subscribed',
          `an active subscription ${same} has the same event and filter`,
        );
        continue;
      }
      const code = randomUUID();
      await repo.insertSubscription(trx, {
        code,
        client_id: caller.clientId,
        transaction_id: message.transaction_id,
        reference_id: request.reference_id,
        reg_event_type: eventType,
        filter_type: filterType,
        filter: criteria.filter,
        notify_record_type: criteria.notify_record_type,
        notify_uri: callbackUrl(senderUri, 'registry/notify'),
        scope: caller.scope,
        auditActor: caller.auditActor,
      });
      items.push({
        ...base,
        status: 'succ',
        subscriptions: [
          {
            version: '1.0.0',
            code,
            status: 'subscribe',
            timestamp: base.timestamp,
            reg_type: REG_TYPE,
            reg_event_type: eventType,
            filter_type: filterType,
            filter: criteria.filter,
            notify_record_type: criteria.notify_record_type,
          },
        ],
      });
    }
    const requests = items
      .filter((item, i) => items.findIndex((x) => x.reference_id === item.reference_id) === i)
      .map((item) => ({
        referenceId: item.reference_id,
        status: item.status,
        reasonCode: item.status_reason_code ?? null,
      }));
    await repo.saveRequests(trx, key, requests);
    const response = {
      transaction_id: message.transaction_id,
      correlation_id: correlationId,
      subscribe_response: items,
    };
    const status = items.some((i) => i.status === 'succ') ? 'succ' : 'rjct';
    await repo.completeTransaction(trx, key, status, response);
    return queueDelivery(trx, {
      kind: 'on-subscribe',
      clientId: caller.clientId,
      url: callbackUrl(senderUri, 'registry/on-subscribe'),
      body: {
        header: requestHeader('on-subscribe', items.length, envelope.header.sender_id),
        message: response,
      },
      dedupeKey: `on-subscribe:${correlationId}`,
    });
  });
  if (!outbox) return subscribe(db, jobs, caller, envelope);
  if (outbox.pending) await wakeDelivery(jobs);
  return { status: 202, body: ack(correlationId) };
}

/** The same transaction again: acknowledged with its correlation id (its callback was queued with it). */
function replayAsync(existing: repo.TransactionRow, hash: string): DciReply {
  if (existing.message_hash !== hash) {
    return {
      status: 409,
      body: errorAck(
        'err.request.bad',
        'transaction_id was already used for another message',
        existing.correlation_id,
      ),
    };
  }
  return { status: 202, body: ack(existing.correlation_id) };
}

/** POST /registry/unsubscribe: ends the caller's own subscriptions; answered on its on-unsubscribe. */
export async function unsubscribe(
  db: Kysely<DB>,
  jobs: JobRunner,
  caller: DciCaller,
  envelope: UnsubscribeEnvelope,
): Promise<DciReply> {
  checkEnvelope(envelope.header, envelope.message, 'unsubscribe');
  const senderUri = callbackBaseOf(
    envelope.header,
    await clientCallbacksOf(db, caller.clientId),
    caller.policy,
    ['registry/on-unsubscribe'],
  );
  const message = envelope.message as UnsubscribeRequest;
  const hash = digestOf(message);
  const key = {
    clientId: caller.clientId,
    kind: 'unsubscribe' as const,
    transactionId: message.transaction_id,
  };
  const existing = await repo.findTransaction(db, key.clientId, key.kind, key.transactionId);
  if (existing) return replayAsync(existing, hash);
  const correlationId = newCorrelationId();
  const outbox = await db.transaction().execute(async (trx) => {
    const inserted = await repo.insertTransaction(trx, {
      ...key,
      correlationId,
      mode: 'async',
      messageHash: hash,
      senderId: envelope.header.sender_id,
      senderUri,
      message,
      scope: caller.scope,
      auditActor: caller.auditActor,
      purpose: null,
      status: 'pdng',
    });
    if (!inserted) return undefined;
    const codes = [...new Set(message.subscription_codes)];
    // Another client's subscription is reported exactly like one that does not exist.
    const own = (await repo.findSubscriptions(trx, codes)).filter((s) => s.client_id === caller.clientId);
    const active = own.filter((s) => s.status === 'subscribe').map((s) => s.code);
    const already = own.filter((s) => s.status === 'unsubscribe').map((s) => s.code);
    const unknown = codes.filter((c) => !own.some((s) => s.code === c));
    await repo.unsubscribe(trx, active);
    let reason: UnsubscribeStatusReasonCode | undefined;
    if (unknown.length > 0) reason = 'rjct.subscription_code.invalid';
    else if (already.length > 0) reason = 'rjct.event.already_unsubscribed';
    const status = reason ? 'rjct' : 'succ';
    const response = {
      transaction_id: message.transaction_id,
      correlation_id: correlationId,
      timestamp: now(),
      status,
      ...(reason
        ? {
            status_reason_code: reason,
            status_reason_message:
              unknown.length > 0
                ? `unknown subscription codes: ${unknown.join(', ')}`.slice(0, 999)
                : 'already ended',
          }
        : {}),
      subscription_status: [...active, ...already].map((code) => ({ code, status: 'unsubscribe' })),
    };
    await repo.completeTransaction(trx, key, status, response);
    return queueDelivery(trx, {
      kind: 'on-unsubscribe',
      clientId: caller.clientId,
      url: callbackUrl(senderUri, 'registry/on-unsubscribe'),
      body: { header: requestHeader('on-unsubscribe', 1, envelope.header.sender_id), message: response },
      dedupeKey: `on-unsubscribe:${correlationId}`,
    });
  });
  if (!outbox) return unsubscribe(db, jobs, caller, envelope);
  if (outbox.pending) await wakeDelivery(jobs);
  return { status: 202, body: ack(correlationId) };
}

// --- Notifications ---

/** A change to a household that subscribers may be told about. `id` makes the notification idempotent. */
export interface RegistryEvent {
  /** Unique per event (e.g. the civil registry's event id): the same event notifies once. */
  id: string;
  type: RegistryEventType;
  householdId: string;
  /** The person the event is about (the new member, the registered person), when there is one. */
  personId?: string;
}

const MAX_RECORDS_PER_EVENT = 50;

/**
 * Tells every subscriber whose subscription matches the event — its event type, its filter and the area it
 * may see, checked in SQL like a search — by queueing a notify delivery (once per subscription and event).
 * Call after the change has committed. Returns how many new notifications were queued.
 */
export async function notifyRegistryEvent(
  db: Kysely<DB>,
  jobs: JobRunner,
  event: RegistryEvent,
): Promise<number> {
  const subscriptions = await repo.activeSubscriptions(db, event.type);
  const pending: number[] = [];
  let created = 0;
  for (const s of subscriptions) {
    const entity: Entity = entityOf(s.notify_record_type) ?? 'Group';
    let filter: Condition;
    try {
      filter = parseQuery(s.filter_type, s.filter, entity).condition;
    } catch {
      continue; // Checked at subscription; a filter that no longer parses matches nothing.
    }
    const narrowed: Condition[] = [
      filter,
      {
        op: 'eq',
        attribute: 'household_id',
        columns: ['household_id'],
        kind: 'uuid',
        value: event.householdId,
      },
    ];
    if (entity === 'Member' && event.personId) {
      narrowed.push({
        op: 'eq',
        attribute: 'person_id',
        columns: ['person_id'],
        kind: 'uuid',
        value: event.personId,
      });
    }
    const result = await runSearch(db, {
      scope: s.scope as Scope,
      entity,
      condition: { and: narrowed },
      sort: [],
      pageSize: MAX_RECORDS_PER_EVENT,
      pageNumber: 1,
    });
    if (result.records.length === 0) continue;
    const timestamp = now();
    const body = {
      header: callbackHeader('notify', 'succ', s.client_id, {
        total_count: result.records.length,
        completed_count: result.records.length,
      }),
      message: {
        transaction_id: s.transaction_id,
        notify_event: result.records.map((record, i) => ({
          reference_id: `${event.id}${result.records.length > 1 ? `:${i + 1}` : ''}`.slice(0, 99),
          timestamp,
          data: {
            version: '1.0.0',
            reg_type: REG_TYPE,
            reg_event_type: event.type,
            reg_record_type: entity,
            reg_records: record,
          },
        })),
      },
    };
    const outbox = await db.transaction().execute(async (trx) => {
      const row = await queueDelivery(trx, {
        kind: 'notify',
        clientId: s.client_id,
        url: s.notify_uri,
        body,
        dedupeKey: `notify:${s.code}:${event.id}`,
        subscriptionCode: s.code,
        eventId: event.id,
      });
      if (row.created) {
        await appendAudit(trx, [
          {
            ...(s.audit_actor as AuditActor),
            requestId: null,
            action: 'notify',
            resourceType: entity === 'Group' ? 'household' : 'person',
            resourceId: `dci-subscription:${s.code}`,
            subjectHouseholdIds: result.householdIds,
            subjectPersonIds: result.personIds,
            fields: ['dci', 'demographics', 'poverty_score'],
          },
        ]);
      }
      return row;
    });
    if (outbox.created) created += 1;
    if (outbox.pending) pending.push(outbox.id);
  }
  // Pending deliveries: the outbox is woken (harmless when it has nothing due).
  if (pending.length > 0) await wakeDelivery(jobs);
  return created;
}
