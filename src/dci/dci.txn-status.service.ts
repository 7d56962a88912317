import type { Kysely } from 'kysely';
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
  newCorrelationId,
  now,
} from './dci.envelope.ts';
import * as repo from './dci.repository.ts';
import type {
  SearchResponse,
  SearchResponseItem,
  TxnStatusEnvelope,
  TxnStatusRequest,
} from './dci.schemas.ts';
import type { DciCaller, DciReply, EnvelopeReply } from './dci.search.service.ts';

/**
 * The status of a client's earlier transactions (`txn/status`, sync and async): what each request of a
 * search or subscribe transaction came to, or, for a transaction the client never sent, the standard's
 * rejection naming it.
 */

/** A status answer: the TxnStatusResponse message, and whether the transaction asked about was found. */
interface StatusOutcome {
  found: boolean;
  message: {
    transaction_id: string;
    correlation_id: string;
    txnstatus_response: {
      txn_type: string;
      txn_status: { transaction_id: string; correlation_id: string; search_response: SearchResponseItem[] };
    };
  };
  /** Why it was not found (also the header's status_reason_message). */
  reason?: string;
}

/**
 * The status of the client's transaction the request names (by transaction_id, correlation_id or a list
 * of reference_ids). Unknown to this client (or of another client): `rjct` items with the standard's
 * `rjct.reference_id.invalid` and a message naming what was asked for, in the same envelope as an answer.
 */
async function statusOf(
  db: Kysely<DB>,
  clientId: string,
  request: TxnStatusRequest,
  correlationId: string,
): Promise<StatusOutcome> {
  const { txn_type: type, attribute_type: attribute, attribute_value: value } = request.txnstatus_request;
  const envelopeOf = (
    txnStatus: StatusOutcome['message']['txnstatus_response']['txn_status'],
  ): StatusOutcome['message'] => ({
    transaction_id: request.transaction_id,
    correlation_id: correlationId,
    txnstatus_response: { txn_type: type, txn_status: txnStatus },
  });
  const asked = Array.isArray(value) ? value : [value];
  const notFound = (reason: string): StatusOutcome => {
    const timestamp = now();
    const item = (referenceId: string): SearchResponseItem => ({
      reference_id: referenceId,
      timestamp,
      status: 'rjct',
      status_reason_code: type === 'receipt' ? 'rjct.search_criteria.invalid' : 'rjct.reference_id.invalid',
      status_reason_message: reason.slice(0, 999),
    });
    return {
      found: false,
      reason,
      message: envelopeOf({
        transaction_id: attribute === 'transaction_id' ? String(value) : '',
        correlation_id: attribute === 'correlation_id' ? String(value) : '',
        search_response:
          attribute === 'reference_id_list'
            ? asked.map(item)
            : [item(request.txnstatus_request.reference_id)],
      }),
    };
  };
  if (type === 'receipt') return notFound("txn_type 'receipt' is not kept by this registry");
  let t: repo.TransactionRow | undefined;
  let referenceIds: string[] | undefined;
  if (attribute === 'reference_id_list') {
    referenceIds = asked;
    const rows = await repo.listRequests(db, clientId, type, { referenceIds });
    const newest = rows[0];
    if (newest) t = await repo.findTransaction(db, clientId, type, newest.transaction_id);
  } else if (typeof value === 'string') {
    t =
      attribute === 'transaction_id'
        ? await repo.findTransaction(db, clientId, type, value)
        : await repo.findTransactionByCorrelation(db, clientId, type, value);
  }
  if (!t) {
    const what =
      attribute === 'transaction_id'
        ? `transaction_id '${String(value)}'`
        : attribute === 'correlation_id'
          ? `correlation_id '${String(value)}'`
          : `reference_id ${asked.map((r) => `'${r}'`).join(', ')}`;
    return notFound(`no ${type} transaction with ${what} was received from this client`);
  }
  const rows = await repo.listRequests(db, clientId, type, { transactionId: t.transaction_id });
  const wanted = referenceIds ? rows.filter((r) => referenceIds.includes(r.reference_id)) : rows;
  const stored = new Map(
    type === 'search'
      ? ((t.response as SearchResponse | null)?.search_response ?? []).map(
          (i) => [i.reference_id, i] as const,
        )
      : [],
  );
  const items = wanted
    .sort((a, b) => (a.reference_id < b.reference_id ? -1 : 1))
    .map(
      (r): SearchResponseItem =>
        stored.get(r.reference_id) ?? {
          reference_id: r.reference_id,
          timestamp: new Date(r.updated_at).toISOString(),
          status: r.status,
          // Subscribe reason codes are not search reason codes: they travel as the message.
          ...(r.status_reason_code
            ? type === 'search'
              ? { status_reason_code: r.status_reason_code as SearchResponseItem['status_reason_code'] }
              : { status_reason_message: r.status_reason_code }
            : {}),
        },
    );
  return {
    found: true,
    message: envelopeOf({
      transaction_id: t.transaction_id,
      correlation_id: t.correlation_id,
      search_response: items,
    }),
  };
}

/** The txn-on-status envelope: `succ`, or `rjct` with the reason naming the transaction asked for. */
function statusEnvelope(outcome: StatusOutcome, header: { sender_id: string }) {
  return {
    header: callbackHeader(
      'txn-on-status',
      outcome.found ? 'succ' : 'rjct',
      header.sender_id,
      outcome.reason ? { status_reason_message: outcome.reason.slice(0, 999) } : {},
    ),
    message: outcome.message,
  };
}

/** POST /registry/sync/txn/status: answered at once, HTTP 200 also for a transaction it does not know. */
export async function syncTxnStatus(
  db: Kysely<DB>,
  caller: DciCaller,
  envelope: TxnStatusEnvelope,
): Promise<EnvelopeReply> {
  checkEnvelope(envelope.header, envelope.message, 'txn-status');
  const request = envelope.message as TxnStatusRequest;
  const outcome = await statusOf(db, caller.clientId, request, newCorrelationId());
  return { status: 200, body: statusEnvelope(outcome, envelope.header) };
}

/**
 * POST /registry/txn/status: acknowledged, then answered on the caller's txn/on-status with the ACK's
 * correlation_id. Kept as a transaction, so the same message again is acknowledged with the same
 * correlation_id (and answered once); the same transaction_id with another message is refused (409).
 */
export async function asyncTxnStatus(
  db: Kysely<DB>,
  jobs: JobRunner,
  caller: DciCaller,
  envelope: TxnStatusEnvelope,
): Promise<DciReply> {
  checkEnvelope(envelope.header, envelope.message, 'txn-status');
  const senderUri = callbackBaseOf(
    envelope.header,
    await clientCallbacksOf(db, caller.clientId),
    caller.policy,
    ['registry/txn/on-status'],
  );
  const request = envelope.message as TxnStatusRequest;
  const hash = digestOf(request);
  const key = {
    clientId: caller.clientId,
    kind: 'txn-status' as const,
    transactionId: request.transaction_id,
  };
  const existing = await repo.findTransaction(db, key.clientId, key.kind, key.transactionId);
  if (existing) {
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
    const outbox = await repo.findOutboxByDedupeKey(db, `txn-on-status:${existing.correlation_id}`);
    if (outbox?.pending) await wakeDelivery(jobs);
    return { status: 202, body: ack(existing.correlation_id) };
  }
  const correlationId = newCorrelationId();
  const outcome = await statusOf(db, caller.clientId, request, correlationId);
  const outbox = await db.transaction().execute(async (trx) => {
    const inserted = await repo.insertTransaction(trx, {
      ...key,
      correlationId,
      mode: 'async',
      messageHash: hash,
      senderId: envelope.header.sender_id,
      senderUri,
      message: request,
      scope: caller.scope,
      auditActor: caller.auditActor,
      purpose: null,
      status: outcome.found ? 'succ' : 'rjct',
    });
    if (!inserted) return undefined;
    await repo.completeTransaction(trx, key, outcome.found ? 'succ' : 'rjct', outcome.message);
    return queueDelivery(trx, {
      kind: 'txn-on-status',
      clientId: caller.clientId,
      url: callbackUrl(senderUri, 'registry/txn/on-status'),
      body: statusEnvelope(outcome, envelope.header),
      dedupeKey: `txn-on-status:${correlationId}`,
    });
  });
  // Another request with this transaction_id won the race: answer as it was answered.
  if (!outbox) return asyncTxnStatus(db, jobs, caller, envelope);
  if (outbox.pending) await wakeDelivery(jobs);
  return { status: 202, body: ack(correlationId) };
}
