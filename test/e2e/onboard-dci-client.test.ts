import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, khorezmPlaces } from '../../src/administration/administration.test-support.ts';
import { type CallbackServer, header, startCallbackServer } from '../../src/dci/dci.test-support.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { KHOREZM } from '../support/auth.ts';

/**
 * Acceptance (issue 10): a machine client is onboarded through the admin API alone, with `dci.subscribe`
 * and a callback URI, over the whole Khorezm region (so a second administrator approves it, ADR 004); it
 * gets a token, subscribes, and the on-subscribe callback reaches its server. Nothing is written to the
 * database by hand.
 */
describe('onboarding a DCI subscriber through the admin API', () => {
  let t: TestApp;
  let callbacks: CallbackServer;

  beforeAll(async () => {
    t = await createTestApp();
    callbacks = await startCallbackServer();
    await t.jobs.start({ work: true });
  });
  afterAll(async () => {
    await callbacks?.close();
    await t?.cleanup();
  });

  const token = (secret: string, scope: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: { grant_type: 'client_credentials', client_id: 'spmis-khorezm', client_secret: secret, scope },
    });

  it('onboard, approve, get a token, subscribe, receive on-subscribe', async () => {
    const first = as(t, 'first-admin');
    const second = as(t, 'second-admin');
    const onboarded = await first.post('/api/admin/clients', {
      id: 'spmis-khorezm',
      agency: 'SPMIS of the Khorezm region',
      scopes: ['dci.search', 'dci.subscribe'],
      area: { kind: 'region', code: KHOREZM },
      callbackUris: [callbacks.url],
      defaultCallbackUri: callbacks.url,
      reason: 'SPMIS follows new household members in the region',
    });
    expect(onboarded.statusCode, onboarded.body).toBe(201);
    const { secret, pendingRequest } = onboarded.json();
    expect(pendingRequest.status).toBe('pending');

    // Before the second administrator approves, the client holds no DCI scope at all.
    const early = await token(secret, 'dci.subscribe');
    expect([early.statusCode, early.json().error]).toEqual([400, 'invalid_scope']);

    const approved = await second.post(`/api/admin/requests/${pendingRequest.id}/approve`);
    expect(approved.json().status).toBe('approved');

    const issued = await token(secret, 'dci.search dci.subscribe');
    expect(issued.statusCode, issued.body).toBe(200);
    const bearer = `Bearer ${issued.json().access_token}`;

    const { district } = await khorezmPlaces(t);
    const subscribed = await t.app.inject({
      method: 'POST',
      url: '/dci/registry/subscribe',
      headers: { authorization: bearer },
      payload: {
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
                  value: { expression: { query: { district: { $eq: district } } } },
                },
                notify_record_type: 'Group',
              },
            },
          ],
        },
      },
    });
    expect(subscribed.statusCode, subscribed.body).toBe(202);
    expect(subscribed.json().message.ack_status).toBe('ACK');
    const onSubscribe = (await callbacks.waitFor('/registry/on-subscribe')) as {
      message: { subscribe_response: { status: string; subscriptions: { code: string }[] }[] };
    };
    expect(onSubscribe.message.subscribe_response[0]?.status).toBe('succ');
    expect(onSubscribe.message.subscribe_response[0]?.subscriptions[0]?.code).toMatch(/\S/);
  });
});
