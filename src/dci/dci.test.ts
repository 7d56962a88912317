import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import {
  buildDciWorld,
  type DciWorld,
  header,
  searchEnvelope,
  signingClient,
  UNUSED_CALLBACK_URI,
} from './dci.test-support.ts';

/**
 * Behaviour of the DCI API that does not need the standard's file: who may call, area scoping in SQL,
 * idempotency, errors in the standard's shape, the audit trail. (Bodies against the spec: dci.conformance.)
 */

interface SearchBody {
  header: { status: string; action: string };
  message: {
    correlation_id: string;
    search_response: {
      status: string;
      status_reason_code?: string;
      data?: { reg_records: { group_identifier?: { identifier_value: string }[]; poverty_score?: number }[] };
      pagination?: { total_count: number };
    }[];
  };
}

describe('DCI Social Registry API: behaviour', () => {
  let t: TestApp;
  let w: DciWorld;
  const post = (url: string, payload: unknown, authorization?: string) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: authorization ? { authorization } : {},
    });
  const households = (body: SearchBody) =>
    (body.message.search_response[0]?.data?.reg_records ?? []).map(
      (r) => r.group_identifier?.[0]?.identifier_value,
    );

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildDciWorld(t);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const byDistrict = (district: string) =>
    searchEnvelope({
      query_type: 'expression',
      query: {
        type: 'expression',
        value: { expression: { collection: 'Group', query: { district: { $eq: district } } } },
      },
    });

  it('answers 401 without a token, 403 to staff, and the standard’s forbidden error without the scope', async () => {
    const body = byDistrict(w.districtA);
    const anonymous = await post('/dci/registry/sync/search', body);
    expect(anonymous.statusCode).toBe(401);
    const staff = await t.app.inject({
      method: 'POST',
      url: '/dci/registry/sync/search',
      payload: body,
      headers: await t.staff('dci-staff'),
    });
    expect(staff.statusCode).toBe(403);
    // No staff role holds a DCI scope: the access rules refuse before the route is reached.
    expect(staff.json().error.code).toBe('FORBIDDEN');
    const noScope = await post('/dci/registry/sync/search', body, w.tokens.noScope);
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json()).toMatchObject({
      errors: [{ code: 'err.request.forbidden' }],
      message: { ack_status: 'ERR', error: { code: 'err.request.forbidden' } },
    });
    const subscribe = await post(
      '/dci/registry/subscribe',
      { header: header('subscribe'), message: {} },
      w.tokens.noScope,
    );
    expect(subscribe.statusCode).toBe(403);
  });

  it('limits results to the client’s area in SQL: page, total and unknown-outside alike', async () => {
    const region = (
      await post('/dci/registry/sync/search', byDistrict(w.districtB), w.tokens.region)
    ).json<SearchBody>();
    expect(households(region)).toEqual([w.b1.householdId]);
    // The district client asks for another district: nothing, and a total of 0 (not "hidden").
    const outside = (
      await post('/dci/registry/sync/search', byDistrict(w.districtB), w.tokens.district)
    ).json<SearchBody>();
    expect(outside.message.search_response[0]).toMatchObject({
      status: 'succ',
      pagination: { total_count: 0 },
    });
    const everything = searchEnvelope({
      query_type: 'predicate',
      query: [{ expression1: { attribute_name: 'group_size', operator: 'ge', attribute_value: 1 } }],
    });
    const district = (
      await post('/dci/registry/sync/search', everything, w.tokens.district)
    ).json<SearchBody>();
    expect(new Set(households(district))).toEqual(new Set([w.a1.householdId, w.a2.householdId]));
    const other = (
      await post('/dci/registry/sync/search', everything, w.tokens.otherRegion)
    ).json<SearchBody>();
    expect(households(other)).toEqual([w.x1.householdId]);
    // By PINFL outside the area: a success with no records, exactly as for an unknown PINFL.
    const pinfl = searchEnvelope({
      query_type: 'idtype-value',
      query: { type: 'UIN', value: w.x1.head.pinfl },
    });
    const hidden = (await post('/dci/registry/sync/search', pinfl, w.tokens.region)).json<SearchBody>();
    expect(hidden.message.search_response[0]).toMatchObject({
      status: 'succ',
      pagination: { total_count: 0 },
    });
  });

  it('computes poverty_score as per-capita income over the MCE', async () => {
    const body = searchEnvelope({
      query_type: 'idtype-value',
      query: { type: 'HouseholdID', value: w.a1.householdId },
    });
    const reply = (await post('/dci/registry/sync/search', body, w.tokens.region)).json<SearchBody>();
    const score = reply.message.search_response[0]?.data?.reg_records[0]?.poverty_score ?? -1;
    // 1,000,000 a month for two people, against an MCE of several hundred thousand: below 1.
    expect(score).toBeGreaterThan(0.3);
    expect(score).toBeLessThan(1);
  });

  it('rejects unsafe or unknown query parts per request with the standard’s reason codes, never a 500', async () => {
    const bad = [
      {
        query_type: 'expression',
        query: { type: 'expression', value: { "district'; drop table person; --": 1 } },
      },
      { query_type: 'expression', query: { type: 'expression', value: { poverty_score: { $where: 'x' } } } },
      { query_type: 'graphql', query: { type: 'graphql', value: { expression: '{ member }' } } },
      { query_type: 'idtype-value', query: { type: 'UIN', value: '123' } },
      {
        query_type: 'predicate',
        query: [{ expression1: { attribute_name: 'sex', operator: 'gt', attribute_value: 1 } }],
      },
    ];
    for (const criteria of bad) {
      const reply = await post('/dci/registry/sync/search', searchEnvelope(criteria), w.tokens.region);
      expect(reply.statusCode).toBe(200);
      const body = reply.json<SearchBody>();
      expect(body.header.status).toBe('rjct');
      expect(body.message.search_response[0]?.status_reason_code).toBe('rjct.search_criteria.invalid');
    }
    const page = searchEnvelope({
      query_type: 'idtype-value',
      query: { type: 'UIN', value: w.a1.head.pinfl },
      pagination: { page_size: 0 },
    });
    const reply = (await post('/dci/registry/sync/search', page, w.tokens.region)).json<SearchBody>();
    expect(reply.message.search_response[0]?.status_reason_code).toBe('rjct.pagination.invalid');
  });

  it('answers a malformed envelope with an ERR acknowledgement (400), also for invalid JSON', async () => {
    const missing = await post(
      '/dci/registry/sync/search',
      { header: { action: 'search' } },
      w.tokens.region,
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      header: { status: 'rjct' },
      errors: [{ code: 'err.request.bad' }],
    });
    const asyncMissing = await post(
      '/dci/registry/search',
      { header: { action: 'search' } },
      w.tokens.region,
    );
    expect(asyncMissing.statusCode).toBe(400);
    expect(asyncMissing.json().message).toMatchObject({
      ack_status: 'ERR',
      error: { code: 'err.request.bad' },
    });
    const broken = await t.app.inject({
      method: 'POST',
      url: '/dci/registry/sync/search',
      payload: '{"header": ',
      headers: { authorization: w.tokens.region, 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0].code).toBe('err.request.bad');
    const version = byDistrict(w.districtA);
    version.header.version = '2.0.0';
    const unsupported = await post('/dci/registry/sync/search', version, w.tokens.region);
    expect(unsupported.json()).toMatchObject({
      header: { status: 'rjct', status_reason_code: 'rjct.version.invalid' },
      errors: [{ code: 'err.version.not_supported' }],
    });
    const noSender = await post('/dci/registry/search', byDistrict(w.districtA), w.tokens.region);
    expect(noSender.statusCode).toBe(400);
    expect(noSender.json().message.error.code).toBe('err.sender_uri.invalid');
    // A callback address not registered for the client is refused: the server calls nobody a message names.
    const elsewhere = byDistrict(w.districtA);
    (elsewhere.header as Record<string, unknown>).sender_uri = 'http://169.254.169.254/latest/meta-data/';
    const forged = await post('/dci/registry/search', elsewhere, w.tokens.region);
    expect(forged.statusCode).toBe(400);
    expect(forged.json().message.error).toMatchObject({ code: 'err.sender_uri.invalid' });
    expect(forged.json().message.error.message).toMatch(/not under a callback address registered/);
  });

  it('refuses a sender_uri that escapes the registered callback URI (finding 5), before storing anything', async () => {
    // The world's clients are registered with exactly UNUSED_CALLBACK_URI (http://127.0.0.1:9/dci).
    const attacks = [
      // User info: the old prefix check read this as "under http://127.0.0.1:"; the host is 0.0.0.0.
      'http://127.0.0.1:x@0.0.0.0:4999/dci/registry/on-search',
      'http://127.0.0.1:9@0.0.0.0:4999/dci',
      // Dot segments climbing out of /dci, also percent-encoded.
      'http://127.0.0.1:9/dci/../../escaped',
      'http://127.0.0.1:9/dci/%2e%2e/escaped/registry/on-search',
      // Another segment that merely starts like the registered one, another port, another scheme.
      'http://127.0.0.1:9/dcix',
      'http://127.0.0.1:5432/dci',
      'https://127.0.0.1:9/dci',
      'ftp://127.0.0.1:9/dci',
    ];
    for (const senderUri of attacks) {
      const body = byDistrict(w.districtA);
      (body.header as Record<string, unknown>).sender_uri = senderUri;
      const reply = await post('/dci/registry/search', body, w.tokens.region);
      expect(reply.statusCode, senderUri).toBe(400);
      expect(reply.json().message.error.code, senderUri).toBe('err.sender_uri.invalid');
      const stored = await t.database.db
        .selectFrom('dci_transaction')
        .select('transaction_id')
        .where('transaction_id', '=', body.message.transaction_id)
        .execute();
      expect(stored, senderUri).toEqual([]);
    }
  });

  it('answers txn status for an unknown transaction with HTTP 200, rjct and a message naming it', async () => {
    const reply = await post(
      '/dci/registry/sync/txn/status',
      {
        header: header('txn-status'),
        message: {
          transaction_id: randomUUID(),
          txnstatus_request: {
            reference_id: 'status-1',
            txn_type: 'search',
            attribute_type: 'transaction_id',
            attribute_value: 'no-such-transaction',
          },
        },
      },
      w.tokens.region,
    );
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({
      header: { status: 'rjct', status_reason_message: expect.stringContaining("'no-such-transaction'") },
      message: {
        txnstatus_response: {
          txn_status: {
            transaction_id: 'no-such-transaction',
            search_response: [{ status: 'rjct', status_reason_code: 'rjct.reference_id.invalid' }],
          },
        },
      },
    });
  });

  it('refuses a locale that is not three lower-case letters, with the standard’s err.request.bad', async () => {
    for (const locale of ['en', 'EN', 'uz-Latn', 'ENG']) {
      const body = byDistrict(w.districtA);
      (body.message.search_request[0] as Record<string, unknown>).locale = locale;
      const sync = await post('/dci/registry/sync/search', body, w.tokens.region);
      expect(sync.statusCode, locale).toBe(400);
      expect(sync.json()).toMatchObject({
        header: { status: 'rjct' },
        errors: [{ code: 'err.request.bad' }],
      });
      expect(sync.json().errors[0].message).toMatch(/locale/);
    }
    const ok = byDistrict(w.districtA);
    (ok.message.search_request[0] as Record<string, unknown>).locale = 'uzb';
    const reply = await post('/dci/registry/sync/search', ok, w.tokens.region);
    expect(reply.statusCode).toBe(200);
    expect(reply.json().message.search_response[0].locale).toBe('uzb');
  });

  it('requires a signature from a client that registered a key; clients without one need none', async () => {
    const client = await signingClient(t, 'dci-signer', UNUSED_CALLBACK_URI);
    const body = byDistrict(w.districtA);
    const unsigned = await post('/dci/registry/sync/search', body, client.token);
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().errors[0].code).toBe('err.signature.missing');
    const signed = client.sign(body);
    const tampered = { ...signed, message: { ...signed.message, transaction_id: randomUUID() } };
    const bad = await post('/dci/registry/sync/search', tampered, client.token);
    expect(bad.statusCode).toBe(401);
    expect(bad.json().errors[0].code).toBe('err.signature.invalid');
    const asyncBad = await post('/dci/registry/search', tampered, client.token);
    expect(asyncBad.statusCode).toBe(401);
    expect(asyncBad.json().message).toMatchObject({
      ack_status: 'ERR',
      error: { code: 'err.signature.invalid' },
    });
    expect((await post('/dci/registry/sync/search', signed, client.token)).statusCode).toBe(200);
    // The world's clients registered no key: unsigned messages are theirs to send.
    expect(
      (await post('/dci/registry/sync/search', byDistrict(w.districtA), w.tokens.region)).statusCode,
    ).toBe(200);
  });

  it('is idempotent by transaction_id: the same message gets the same answer, another one is refused', async () => {
    const transactionId = randomUUID();
    const body = searchEnvelope(
      { query_type: 'idtype-value', query: { type: 'UIN', value: w.a2.head.pinfl } },
      { transactionId },
    );
    const first = (await post('/dci/registry/sync/search', body, w.tokens.region)).json<SearchBody>();
    const again = (await post('/dci/registry/sync/search', body, w.tokens.region)).json<SearchBody>();
    expect(again.message.correlation_id).toBe(first.message.correlation_id);
    const other = searchEnvelope(
      { query_type: 'idtype-value', query: { type: 'UIN', value: w.a1.head.pinfl } },
      { transactionId },
    );
    const reused = await post('/dci/registry/sync/search', other, w.tokens.region);
    expect(reused.statusCode).toBe(409);
  });

  it('audits every search with its subjects and the stated purpose', async () => {
    const body = searchEnvelope({
      query_type: 'idtype-value',
      query: { type: 'UIN', value: w.a1.head.pinfl },
      authorize: { purpose: { code: 'statistics', text: 'programme planning' } },
    });
    await post('/dci/registry/sync/search', body, w.tokens.region);
    const entries = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_kind', 'purpose', 'subject_household_ids', 'subject_person_ids'])
      .where(
        'resource_id',
        '=',
        `dci:${body.message.transaction_id}:${body.message.search_request[0]?.reference_id}`,
      )
      .execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'search', actor_kind: 'machine', purpose: 'statistics' });
    expect(entries[0]?.subject_household_ids).toEqual([w.a1.householdId]);
    expect(entries[0]?.subject_person_ids).toContain(w.a1.spouse.id);
  });
});
