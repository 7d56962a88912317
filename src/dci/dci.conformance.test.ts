import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { Factory } from '../../test/support/factories.ts';
import { submitChangeRequest } from '../registry/change-requests/change-request.service.ts';
import { notifySubscribers } from './dci.notify.ts';
import {
  buildDciWorld,
  type CallbackServer,
  type DciWorld,
  header,
  type SpecValidator,
  searchEnvelope,
  specLocation,
  specValidator,
  startCallbackServer,
} from './dci.test-support.ts';

/**
 * Conformance with the DCI Social Registry v1.0.0 OpenAPI file named by DCI_SPEC: every request sent and
 * every response and callback received is validated against the spec's schema for that path.
 */

const spec = specLocation();
const suite = spec.path ? describe : describe.skip;
if (!spec.path) console.warn(`[dci] conformance tests skipped: ${spec.skipReason ?? ''}`);
const title = spec.path
  ? `DCI conformance against ${spec.path}`
  : `DCI conformance — SKIPPED: ${spec.skipReason ?? ''}`;

interface Records {
  header: { status: string };
  message: {
    transaction_id: string;
    correlation_id: string;
    search_response: {
      status: string;
      status_reason_code?: string;
      data?: { reg_record_type: string; reg_records: Record<string, unknown>[] };
      pagination?: { page_size: number; page_number: number; total_count: number };
    }[];
  };
}

suite(title, () => {
  let t: TestApp;
  let w: DciWorld;
  let v: SpecValidator;
  let callbacks: CallbackServer;

  beforeAll(async () => {
    v = specValidator(spec.path ?? '');
    t = await createTestApp();
    callbacks = await startCallbackServer();
    w = await buildDciWorld(t, 11, callbacks.url);
    await t.jobs.start({ work: true });
  });
  afterAll(async () => {
    await callbacks?.close();
    await t?.cleanup();
  });

  /** Sends a request that must validate, and checks the response validates for its status. */
  async function call(path: string, body: unknown, token = w.tokens.region): Promise<LightMyRequestResponse> {
    const specPath = path.replace(/^\/dci/, '');
    expect(v.request(specPath, body), `request to ${specPath}`).toEqual([]);
    const reply = await t.app.inject({
      method: 'POST',
      url: path,
      payload: body as object,
      headers: { authorization: token },
    });
    expect(reply.statusCode, reply.body).toBeLessThan(500);
    expect(
      v.response(specPath, reply.statusCode, reply.json()),
      `response of ${specPath}: ${reply.body}`,
    ).toEqual([]);
    return reply;
  }
  const search = async (criteria: Record<string, unknown>) =>
    (await call('/dci/registry/sync/search', searchEnvelope(criteria))).json<Records>();
  const ids = (body: Records) =>
    (body.message.search_response[0]?.data?.reg_records ?? []).map(
      (r) => (r.group_identifier as { identifier_value: string }[] | undefined)?.[0]?.identifier_value,
    );

  it('idtype-value: by PINFL (Group and Member) and by household id', async () => {
    const group = await search({
      query_type: 'idtype-value',
      query: { type: 'UIN', value: w.a1.spouse.pinfl },
    });
    expect(group.message.search_response[0]).toMatchObject({
      status: 'succ',
      pagination: { total_count: 1 },
    });
    const record = group.message.search_response[0]?.data?.reg_records[0];
    expect(record).toMatchObject({
      '@type': 'Group',
      group_size: 2,
      poverty_score_type: 'income-per-capita-to-mce',
    });
    expect(typeof record?.poverty_score).toBe('number');
    const member = await search({
      query_type: 'idtype-value',
      response_entity: 'Member',
      query: { type: 'PINFL', value: w.a1.spouse.pinfl },
    });
    expect(member.message.search_response[0]?.data).toMatchObject({
      reg_record_type: 'Member',
      reg_records: [{ '@type': 'Member', member_identifier: [{ identifier_value: w.a1.spouse.pinfl }] }],
    });
    const household = await search({
      query_type: 'idtype-value',
      query: { type: 'HouseholdID', value: w.b1.householdId },
    });
    expect(ids(household)).toEqual([w.b1.householdId]);
  });

  it('expression: the spec’s JSON condition form with $and, comparisons and location', async () => {
    const body = await search({
      query_type: 'expression',
      query: {
        type: 'ns:org:QueryType:expression',
        value: {
          expression: {
            collection: 'Group',
            query: {
              $and: [
                { poverty_score: { $lt: 5 } },
                { location: { $eq: w.districtA } },
                { group_size: { $lt: 5 } },
              ],
            },
          },
        },
      },
    });
    // a1 is below the line; a2 (5,000,000 for one) is far above.
    expect(ids(body)).toEqual([w.a1.householdId]);
  });

  it('predicate: conditions joined by and / or / not', async () => {
    const body = await search({
      query_type: 'predicate',
      query: [
        {
          seq_num: 1,
          expression1: { attribute_name: 'district', operator: 'eq', attribute_value: w.districtA },
          condition: 'not',
          // The spec's attribute_value is oneOf string/integer/number: a whole number matches two, so
          // conformant callers send it as text.
          expression2: { attribute_name: 'group_size', operator: 'ge', attribute_value: '2' },
        },
      ],
    });
    expect(ids(body)).toEqual([w.a2.householdId]);
    const either = await search({
      query_type: 'predicate',
      query: [
        {
          expression1: { attribute_name: 'mahalla', operator: 'eq', attribute_value: w.mahallaB },
          condition: 'or',
          expression2: {
            attribute_name: 'household_id',
            operator: 'in',
            attribute_value: `${w.a2.householdId},${w.x1.householdId}`,
          },
        },
      ],
    });
    expect(new Set(ids(either))).toEqual(new Set([w.a2.householdId, w.b1.householdId]));
  });

  it('pagination: two pages of one, sorted, with the total', async () => {
    const page = (n: number) =>
      search({
        query_type: 'expression',
        query: { type: 'expression', value: { district: w.districtA } },
        sort: [{ attribute_name: 'poverty_score', sort_order: 'desc' }],
        pagination: { page_size: 1, page_number: n },
      });
    const [one, two, three] = [await page(1), await page(2), await page(3)];
    expect(one.message.search_response[0]?.pagination).toEqual({
      page_size: 1,
      page_number: 1,
      total_count: 2,
    });
    expect(two.message.search_response[0]?.pagination).toEqual({
      page_size: 1,
      page_number: 2,
      total_count: 2,
    });
    expect(ids(one)).toEqual([w.a2.householdId]);
    expect(ids(two)).toEqual([w.a1.householdId]);
    expect(ids(three)).toEqual([]);
    expect(three.message.search_response[0]?.pagination?.total_count).toBe(2);
  });

  it('an unknown PINFL is a success with no records', async () => {
    const body = await search({
      query_type: 'idtype-value',
      query: { type: 'UIN', value: '31234567890123' },
    });
    expect(body.header.status).toBe('succ');
    expect(body.message.search_response[0]).toMatchObject({
      status: 'succ',
      data: { reg_records: [] },
      pagination: { total_count: 0 },
    });
  });

  it('a malformed envelope gets the standard’s ERR acknowledgement, never a 500', async () => {
    for (const body of [
      {},
      { header: header('search'), message: { transaction_id: 'x' } },
      { message: [] },
    ]) {
      const reply = await t.app.inject({
        method: 'POST',
        url: '/dci/registry/sync/search',
        payload: body,
        headers: { authorization: w.tokens.region },
      });
      expect(reply.statusCode).toBe(400);
      expect(v.response('/registry/sync/search', 400, reply.json())).toEqual([]);
      expect(reply.json()).toMatchObject({
        header: { status: 'rjct' },
        errors: [{ code: 'err.request.bad' }],
      });
      const async = await t.app.inject({
        method: 'POST',
        url: '/dci/registry/search',
        payload: body,
        headers: { authorization: w.tokens.region },
      });
      expect(async.statusCode).toBe(400);
      expect(v.response('/registry/search', 400, async.json())).toEqual([]);
      expect(async.json().message).toMatchObject({ ack_status: 'ERR', error: { code: 'err.request.bad' } });
    }
    const rejected = await call(
      '/dci/registry/sync/search',
      searchEnvelope({ query_type: 'expression', query: { type: 'expression', value: { shoe_size: 44 } } }),
    );
    expect(rejected.json().message.search_response[0].status_reason_code).toBe(
      'rjct.search_criteria.invalid',
    );
  });

  it('async search: ACK, then the result on the caller’s on-search (after a failed delivery is retried)', async () => {
    callbacks.failNext(1);
    const body = searchEnvelope(
      { query_type: 'idtype-value', query: { type: 'UIN', value: w.a2.head.pinfl } },
      { senderUri: `${callbacks.url}/registry/on-search` },
    );
    const reply = await call('/dci/registry/search', body);
    expect(reply.statusCode).toBe(202);
    const correlationId = reply.json().message.correlation_id as string;
    expect(reply.json().message.ack_status).toBe('ACK');
    const again = await call('/dci/registry/search', body);
    expect(again.json().message.correlation_id).toBe(correlationId);
    const result = (await callbacks.waitFor(
      '/registry/on-search',
      (b) => (b as Records).message?.transaction_id === body.message.transaction_id,
    )) as Records;
    expect(v.request('/registry/on-search', result)).toEqual([]);
    expect(result.message.correlation_id).toBe(correlationId);
    expect(ids(result)).toEqual([w.a2.householdId]);
    expect(callbacks.received.filter((r) => r.path.endsWith('/on-search'))).toHaveLength(1);

    const status = (
      attribute: 'transaction_id' | 'correlation_id' | 'reference_id_list',
      value: unknown,
    ) => ({
      header: header('txn-status'),
      message: {
        transaction_id: randomUUID(),
        txnstatus_request: {
          reference_id: randomUUID(),
          txn_type: 'search',
          attribute_type: attribute,
          attribute_value: value,
        },
      },
    });
    const byTxn = await call(
      '/dci/registry/sync/txn/status',
      status('transaction_id', body.message.transaction_id),
    );
    expect(byTxn.json().message.txnstatus_response.txn_status.search_response[0].status).toBe('succ');
    const byCorrelation = await call(
      '/dci/registry/sync/txn/status',
      status('correlation_id', correlationId),
    );
    expect(byCorrelation.statusCode).toBe(200);
    const byReference = await call(
      '/dci/registry/sync/txn/status',
      status('reference_id_list', [body.message.search_request[0]?.reference_id]),
    );
    expect(byReference.json().message.txnstatus_response.txn_status.transaction_id).toBe(
      body.message.transaction_id,
    );
    const unknown = await call(
      '/dci/registry/sync/txn/status',
      status('transaction_id', 'no-such-transaction'),
    );
    // The standard answers an unknown transaction in its envelope: HTTP 200, header.status rjct.
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json().header.status).toBe('rjct');

    const asyncStatus = status('transaction_id', body.message.transaction_id);
    asyncStatus.header = header('txn-status', { sender_uri: callbacks.url });
    const acked = await call('/dci/registry/txn/status', asyncStatus);
    expect(acked.json().message.ack_status).toBe('ACK');
    const onStatus = await callbacks.waitFor('/registry/txn/on-status');
    expect(v.request('/registry/txn/on-status', onStatus)).toEqual([]);
  });

  it('subscribe → a birth in the household → notify delivered once → unsubscribe → no more', async () => {
    const subscribeBody = {
      header: header('subscribe', { sender_uri: callbacks.url }),
      message: {
        transaction_id: randomUUID(),
        subscribe_request: [
          {
            reference_id: randomUUID(),
            timestamp: new Date().toISOString(),
            subscribe_criteria: {
              reg_type: 'ns:uz:RegistryType:Social',
              reg_event_type: 'NewHouseHoldMember',
              filter_type: 'expression',
              filter: {
                type: 'expression',
                value: { expression: { query: { district: { $eq: w.districtA } } } },
              },
              notify_record_type: 'Group',
            },
          },
        ],
      },
    };
    const acked = await call('/dci/registry/subscribe', subscribeBody);
    expect(acked.json().message.ack_status).toBe('ACK');
    const onSubscribe = (await callbacks.waitFor('/registry/on-subscribe')) as {
      message: { subscribe_response: { status: string; subscriptions: { code: string }[] }[] };
    };
    expect(v.request('/registry/on-subscribe', onSubscribe)).toEqual([]);
    const item = onSubscribe.message.subscribe_response[0];
    expect(item?.status).toBe('succ');
    const code = item?.subscriptions[0]?.code ?? '';
    // The same subscription again is refused with the standard's reason.
    const twice = structuredClone(subscribeBody);
    twice.message.transaction_id = randomUUID();
    await call('/dci/registry/subscribe', twice);
    const refused = (await callbacks.waitFor(
      '/registry/on-subscribe',
      (b) =>
        (b as { message?: { transaction_id?: string } }).message?.transaction_id ===
        twice.message.transaction_id,
    )) as { message: { subscribe_response: { status_reason_code?: string }[] } };
    expect(refused.message.subscribe_response[0]?.status_reason_code).toBe('rjct.event.already_subscribed');

    const child = new Factory(5).person({
      birthDate: new Date().toISOString().slice(0, 10),
      lastName: 'Karimova',
    });
    await submitChangeRequest(
      t.database.db,
      {
        id: randomUUID(),
        type: 'add_member',
        apply: true,
        householdId: w.a1.householdId,
        person: child,
        relationship: 'child',
        effectiveDate: child.birthDate,
      },
      'civil-registry',
    );
    const event = {
      id: `birth-${randomUUID()}`,
      type: 'NewHouseHoldMember' as const,
      householdId: w.a1.householdId,
      personId: child.id,
    };
    expect(await notifySubscribers(t.database.db, t.jobs, event)).toBe(1);
    // Reported twice: still one notification.
    expect(await notifySubscribers(t.database.db, t.jobs, event)).toBe(0);
    // Outside the subscription's filter: none.
    const elsewhere = {
      id: `birth-${randomUUID()}`,
      type: 'NewHouseHoldMember' as const,
      householdId: w.b1.householdId,
    };
    expect(await notifySubscribers(t.database.db, t.jobs, elsewhere)).toBe(0);
    const notify = (await callbacks.waitFor('/registry/notify')) as {
      message: { notify_event: { data: { reg_records: { group_size: number } } }[] };
    };
    expect(v.request('/registry/notify', notify)).toEqual([]);
    expect(notify.message.notify_event[0]?.data.reg_records.group_size).toBe(3);

    const unsubscribeBody = {
      header: header('unsubscribe', { sender_uri: callbacks.url }),
      message: {
        transaction_id: randomUUID(),
        timestamp: new Date().toISOString(),
        subscription_codes: [code],
      },
    };
    await call('/dci/registry/unsubscribe', unsubscribeBody);
    const onUnsubscribe = (await callbacks.waitFor('/registry/on-unsubscribe')) as {
      message: { status: string; subscription_status: { code: string; status: string }[] };
    };
    expect(v.request('/registry/on-unsubscribe', onUnsubscribe)).toEqual([]);
    expect(onUnsubscribe.message).toMatchObject({
      status: 'succ',
      subscription_status: [{ code, status: 'unsubscribe' }],
    });
    const later = {
      id: `birth-${randomUUID()}`,
      type: 'NewHouseHoldMember' as const,
      householdId: w.a1.householdId,
    };
    expect(await notifySubscribers(t.database.db, t.jobs, later)).toBe(0);
  });
});
