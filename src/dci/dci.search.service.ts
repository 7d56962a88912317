import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { PURPOSES, type Purpose } from '../access/purposes.ts';
import { type AuditActor, type AuditEntryInput, appendAudit } from '../audit/audit.service.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import type { DB } from '../platform/db/schema.ts';
import type { OutboundPolicy } from '../platform/http/outbound-url.ts';
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
} from './dci.schemas.ts';
import type { DciStatus } from './dci.tables.ts';

/** Sync and async search. */

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
  /** Where the registry is read (the replica for sync searches); `db` holds the transaction. */
  readDb: Kysely<DB> = db,
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
      const result = await runSearch(readDb, { scope: caller.scope, ...parsed, sort, ...page, dates });
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
  /** Reads of the registry (a replica may serve them); the transaction and audit stay on `db`. */
  readDb: Kysely<DB> = db,
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
    const result = await processSearch(
      trx,
      { ...caller, purpose },
      message,
      correlationId,
      readDb === db ? trx : readDb,
    );
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
  const outbox = await queueDelivery(db, {
    kind: 'on-search',
    clientId: t.client_id,
    url: callbackUrl(t.sender_uri, 'registry/on-search'),
    body: onSearchEnvelope(status, { sender_id: t.sender_id }, response),
    dedupeKey: `on-search:${t.correlation_id}`,
  });
  if (outbox.pending) await wakeDelivery(jobs);
}
