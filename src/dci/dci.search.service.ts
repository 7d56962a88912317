import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { type AuditActor, type AuditEntryInput, appendAudit } from '../audit/audit.service.ts';
import { PURPOSES, type Purpose } from '../audit/purposes.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import type { DB } from '../platform/db/schema.ts';
import type { OutboundPolicy } from '../platform/http/outbound-url.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import { sendDelivery } from './dci.delivery.ts';
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
} from './dci.envelope.ts';
import { entityOf, parsePagination, parseQuery, parseSort, QueryError } from './dci.query.ts';
import { runSearch, searchDates } from './dci.records.ts';
import * as repo from './dci.repository.ts';
import type {
  DciCallbackHeader,
  DciHeader,
  SearchEnvelope,
  SearchRequest,
  SearchResponse,
  SearchResponseItem,
  TxnStatusEnvelope,
  TxnStatusRequest,
} from './dci.schemas.ts';
import type { DciStatus } from './dci.tables.ts';

/** Sync and async search, and the status of transactions. */

/**
 * Who is calling: the machine client, the households it may see, how the audit log names it, and the
 * deployment's rule for callback addresses (https only in production).
 */
export interface DciCaller {
  clientId: string;
  scope: Scope;
  auditActor: AuditActor;
  policy: OutboundPolicy;
}

export interface DciReply<Body = unknown> {
  status: number;
  body: Body;
}

/** What a sync endpoint answers: an envelope in the callback form (signed by the route). */
export type EnvelopeReply = DciReply<{ header: DciCallbackHeader; message?: unknown }>;

export const SEARCH_JOB = 'dci.search';
export interface SearchJob {
  clientId: string;
  transactionId: string;
}

/** The purpose a caller states in consent / authorize, when it is one the audit log knows. */
export function purposeOf(message: SearchRequest): Purpose | null {
  for (const item of message.search_request) {
    for (const code of [
      item.search_criteria.authorize?.purpose?.code,
      item.search_criteria.consent?.purpose?.code,
    ]) {
      if (code && (PURPOSES as readonly string[]).includes(code)) return code as Purpose;
    }
  }
  return null;
}

interface Processed {
  response: SearchResponse;
  status: DciStatus;
  requests: repo.RequestStatus[];
  audit: AuditEntryInput[];
}

/** Runs every request of a search message; each is answered on its own (succ with records, or rjct). */
async function processSearch(
  db: Kysely<DB>,
  caller: { scope: Scope; auditActor: AuditActor; purpose: string | null },
  message: SearchRequest,
  correlationId: string,
): Promise<Processed> {
  const dates = searchDates();
  const seen = new Set<string>();
  const items: SearchResponseItem[] = [];
  const requests: repo.RequestStatus[] = [];
  const audit: AuditEntryInput[] = [];
  for (const request of message.search_request) {
    const base = {
      reference_id: request.reference_id,
      timestamp: now(),
      ...(request.locale ? { locale: request.locale } : {}),
    };
    const reject = (code: SearchResponseItem['status_reason_code'], why: string) => {
      items.push({
        ...base,
        status: 'rjct',
        status_reason_code: code,
        status_reason_message: why.slice(0, 999),
      });
      if (!requests.some((r) => r.referenceId === request.reference_id)) {
        requests.push({ referenceId: request.reference_id, status: 'rjct', reasonCode: code ?? null });
      }
    };
    if (seen.has(request.reference_id)) {
      reject('rjct.reference_id.duplicate', 'reference_id appears twice in this message');
      continue;
    }
    seen.add(request.reference_id);
    if (!isTimestamp(request.timestamp)) {
      reject('rjct.timestamp.invalid', 'timestamp is not an ISO 8601 date-time');
      continue;
    }
    const criteria = request.search_criteria;
    const page = parsePagination(criteria.pagination);
    if (!page) {
      reject('rjct.pagination.invalid', 'page_size is a whole number from 1 to 1000, page_number from 1');
      continue;
    }
    try {
      const parsed = parseQuery(
        criteria.query_type,
        criteria.query,
        entityOf(criteria.response_entity, criteria.reg_record_type),
      );
      const sort = parseSort(criteria.sort, parsed.entity);
      const result = await runSearch(db, { scope: caller.scope, ...parsed, sort, ...page, dates });
      items.push({
        ...base,
        status: 'succ',
        ...(result.total === 0 ? { status_reason_message: 'no records found' } : {}),
        data: {
          version: '1.0.0',
          reg_type: REG_TYPE,
          reg_record_type: parsed.entity,
          reg_records: result.records,
        },
        pagination: { page_size: page.pageSize, page_number: page.pageNumber, total_count: result.total },
      });
      requests.push({
        referenceId: request.reference_id,
        status: 'succ',
        recordCount: result.records.length,
      });
      audit.push({
        ...caller.auditActor,
        purpose: (caller.purpose as Purpose | null) ?? null,
        action: 'search',
        resourceType: parsed.entity === 'Group' ? 'household' : 'person',
        resourceId: `dci:${message.transaction_id}:${request.reference_id}`.slice(0, 200),
        subjectHouseholdIds: result.householdIds,
        subjectPersonIds: result.personIds,
        fields: ['dci', 'demographics', 'poverty_score'],
      });
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      reject(error.reason, error.message);
    }
  }
  const status: DciStatus = items.some((i) => i.status === 'succ') ? 'succ' : 'rjct';
  return {
    response: {
      transaction_id: message.transaction_id,
      correlation_id: correlationId,
      search_response: items,
    },
    status,
    requests,
    audit,
  };
}

function searchMessageOf(envelope: SearchEnvelope): SearchRequest {
  checkEnvelope(envelope.header, envelope.message, 'search');
  return envelope.message as SearchRequest;
}

function onSearchEnvelope(status: DciStatus, header: { sender_id: string }, response: SearchResponse) {
  const count = response.search_response.length;
  return {
    header: callbackHeader('on-search', status, header.sender_id, {
      total_count: count,
      completed_count: count,
    }),
    message: response,
  };
}

/** A transaction id sent again: the same message gets the same answer; another message is refused. */
function replaySync(existing: repo.TransactionRow, hash: string, header: DciHeader): EnvelopeReply {
  if (existing.message_hash !== hash) {
    return {
      status: 409,
      body: {
        header: callbackHeader('on-search', 'rjct', header.sender_id, {
          status_reason_message: 'transaction_id was already used for another message',
        }),
      },
    };
  }
  if (existing.response) {
    return {
      status: 200,
      body: onSearchEnvelope(existing.status, header, existing.response as SearchResponse),
    };
  }
  return {
    status: 202,
    body: { header: callbackHeader('on-search', 'pdng', header.sender_id) },
  };
}

/** POST /registry/sync/search: answered at once; audited in the same database transaction. */
export async function syncSearch(
  db: Kysely<DB>,
  caller: DciCaller,
  envelope: SearchEnvelope,
): Promise<EnvelopeReply> {
  const message = searchMessageOf(envelope);
  const hash = digestOf(message);
  const key = { clientId: caller.clientId, kind: 'search' as const, transactionId: message.transaction_id };
  const existing = await repo.findTransaction(db, key.clientId, key.kind, key.transactionId);
  if (existing) return replaySync(existing, hash, envelope.header);
  const purpose = purposeOf(message);
  return db.transaction().execute(async (trx) => {
    const correlationId = newCorrelationId();
    const inserted = await repo.insertTransaction(trx, {
      ...key,
      correlationId,
      mode: 'sync',
      messageHash: hash,
      senderId: envelope.header.sender_id,
      senderUri: envelope.header.sender_uri ?? null,
      message,
      scope: caller.scope,
      auditActor: caller.auditActor,
      purpose,
      status: 'pdng',
    });
    if (!inserted) {
      const again = await repo.findTransaction(trx, key.clientId, key.kind, key.transactionId);
      if (again) return replaySync(again, hash, envelope.header);
    }
    const result = await processSearch(trx, { ...caller, purpose }, message, correlationId);
    await repo.saveRequests(trx, key, result.requests);
    await repo.completeTransaction(trx, key, result.status, result.response);
    await appendAudit(trx, result.audit);
    return { status: 200, body: onSearchEnvelope(result.status, envelope.header, result.response) };
  });
}

/**
 * POST /registry/search: stores the transaction, queues a durable job and acknowledges; the job searches
 * and calls the caller's on-search back. The same transaction sent again is acknowledged again (same
 * correlation id) without a second search.
 */
export async function startAsyncSearch(
  db: Kysely<DB>,
  jobs: JobRunner,
  caller: DciCaller,
  envelope: SearchEnvelope,
): Promise<DciReply> {
  const message = searchMessageOf(envelope);
  const senderUri = callbackBaseOf(
    envelope.header,
    await clientCallbacksOf(db, caller.clientId),
    caller.policy,
    ['registry/on-search'],
  );
  const hash = digestOf(message);
  const key = { clientId: caller.clientId, kind: 'search' as const, transactionId: message.transaction_id };
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
    // A lost job (a crash between the insert and the queue) is queued again; the job itself is idempotent.
    await enqueueSearch(jobs, key);
    return { status: 202, body: ack(existing.correlation_id) };
  }
  const correlationId = newCorrelationId();
  const inserted = await db.transaction().execute(async (trx) => {
    const ok = await repo.insertTransaction(trx, {
      ...key,
      correlationId,
      mode: 'async',
      messageHash: hash,
      senderId: envelope.header.sender_id,
      senderUri,
      message,
      scope: caller.scope,
      auditActor: caller.auditActor,
      purpose: purposeOf(message),
      status: 'rcvd',
    });
    if (ok) {
      const unique = [...new Set(message.search_request.map((r) => r.reference_id))];
      await repo.saveRequests(
        trx,
        key,
        unique.map((referenceId) => ({ referenceId, status: 'rcvd' as const })),
      );
    }
    return ok;
  });
  if (!inserted) return startAsyncSearch(db, jobs, caller, envelope);
  await enqueueSearch(jobs, key);
  return { status: 202, body: ack(correlationId) };
}

async function enqueueSearch(jobs: JobRunner, key: { clientId: string; transactionId: string }) {
  await jobs.send(
    SEARCH_JOB,
    { clientId: key.clientId, transactionId: key.transactionId } satisfies SearchJob,
    {
      singletonKey: `${key.clientId}:${key.transactionId}`,
      retryLimit: 5,
    },
  );
}

/** The job of an async search: search (once), then queue the on-search callback (once). */
export async function runAsyncSearch(db: Kysely<DB>, jobs: JobRunner, job: SearchJob): Promise<void> {
  const t = await repo.findTransaction(db, job.clientId, 'search', job.transactionId);
  if (!t?.sender_uri) return;
  const key = { clientId: t.client_id, kind: 'search' as const, transactionId: t.transaction_id };
  let response = t.response as SearchResponse | null;
  let status = t.status;
  if (!response) {
    const message = t.message as SearchRequest;
    const done = await db.transaction().execute(async (trx) => {
      const result = await processSearch(
        trx,
        { scope: t.scope as Scope, auditActor: t.audit_actor as AuditActor, purpose: t.purpose },
        message,
        t.correlation_id,
      );
      await repo.saveRequests(trx, key, result.requests);
      await repo.completeTransaction(trx, key, result.status, result.response);
      await appendAudit(trx, result.audit);
      return result;
    });
    response = done.response;
    status = done.status;
  }
  const outbox = await repo.enqueueOutbox(db, {
    kind: 'on-search',
    clientId: t.client_id,
    url: callbackUrl(t.sender_uri, 'registry/on-search'),
    body: onSearchEnvelope(status, { sender_id: t.sender_id }, response),
    dedupeKey: `on-search:${t.correlation_id}`,
  });
  if (outbox.pending) await sendDelivery(jobs, outbox.id);
}

// --- Transaction status ---

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
    if (outbox?.pending) await sendDelivery(jobs, outbox.id);
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
    return repo.enqueueOutbox(trx, {
      kind: 'txn-on-status',
      clientId: caller.clientId,
      url: callbackUrl(senderUri, 'registry/txn/on-status'),
      body: statusEnvelope(outcome, envelope.header),
      dedupeKey: `txn-on-status:${correlationId}`,
    });
  });
  // Another request with this transaction_id won the race: answer as it was answered.
  if (!outbox) return asyncTxnStatus(db, jobs, caller, envelope);
  if (outbox.pending) await sendDelivery(jobs, outbox.id);
  return { status: 202, body: ack(correlationId) };
}
