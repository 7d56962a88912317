import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import type { Area } from '../access/actor.ts';
import { recordQuestionnaire } from '../casework/application.service.ts';
import { hasConsent } from '../consent/consent.service.ts';
import { createMachineClient } from '../identity/machine.service.ts';
import { makeFamily, scriptedServer } from '../notifications/test-support.ts';
import { makePinfl } from '../registry/pinfl.ts';
import {
  CALLBACK_ID_HEADER,
  deliverIntakeCallbacks,
  listCallbacks,
  notifyIntakeStatus,
} from './intake.service.ts';

const logger = pino({ level: 'silent' });

/** A portal endpoint that answers every POST with a 307 to `location`. */
async function redirectingServer(location: string) {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits += 1;
      res.writeHead(307, { location }).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/portal/`,
    hits: () => hits,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('my.gov.uz intake', () => {
  let t: TestApp;
  let portal: Record<string, string>;
  let otherAgency: Record<string, string>;
  let family: Awaited<ReturnType<typeof makeFamily>>;

  const bearer = async (
    clientId: string,
    scopes: string[],
    area: Area | null = null,
    callbackUris = ['http://127.0.0.1:9/himoya'],
  ) => {
    // Exact callback addresses, as a portal is registered (tests run outside production: http allowed).
    await createMachineClient(
      t.database.db,
      { clientId, secret: `${clientId}-secret`, agency: clientId, scopes, area, callbackUris },
      { httpsOnly: false },
    );
    const token = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` },
    });
    return { authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` };
  };

  const body = (overrides: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    pinfl: family.pinfl,
    programme: 'child_allowance',
    submittedOn: '2026-03-05',
    consent: { granted: true, at: '2026-03-05T10:00:00+05:00' },
    callbackUrl: 'http://127.0.0.1:9/himoya',
    ...overrides,
  });
  /** Callbacks of other tests' applications are settled, so that a pass posts only this test's. */
  const settleOthers = (applicationId: string) =>
    t.database.db
      .updateTable('intake_callback')
      .set({ state: 'failed', last_error: 'test' })
      .where('application_id', '<>', applicationId)
      .where('state', 'in', ['queued', 'sending'])
      .execute();
  const submit = (payload: object, headers = portal) =>
    t.app.inject({ method: 'POST', url: '/api/intake/applications', headers, payload });

  beforeAll(async () => {
    t = await createTestApp();
    portal = await bearer('mygov', ['intake.submit']);
    otherAgency = await bearer('tax-office', ['registry.read']);
    family = await makeFamily(t.database.db);
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('submits into the application flow with the consent recorded, and tells the citizen', async () => {
    const payload = body();
    const reply = await submit(payload);
    expect(reply.statusCode).toBe(202);
    expect(reply.json()).toEqual({ applicationId: payload.id, status: 'submitted', created: true });
    expect(await hasConsent(t.database.db, family.personId, 'data_sharing', 'my.gov.uz')).toBe(true);
    const application = await t.api({ method: 'GET', url: `/api/applications/${payload.id}` });
    expect(application.statusCode).toBe(200);
    expect(application.json()).toMatchObject({
      id: payload.id,
      householdId: family.householdId,
      programme: 'child_allowance',
      channel: 'mygov',
      submittedBy: 'machine:mygov',
      status: 'submitted',
    });
    const messages = await t.database.db
      .selectFrom('notification')
      .select(['channel', 'template'])
      .where('dedupe_key', '=', `application.received:${payload.id}`)
      .execute();
    expect(messages.map((m) => m.channel).sort()).toEqual(['portal', 'sms']);
    expect(await listCallbacks(t.database.db, payload.id)).toMatchObject([
      { status: 'submitted', state: 'queued' },
    ]);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'resource_type', 'actor_kind'])
      .where('resource_id', '=', payload.id)
      .orderBy('seq')
      .execute();
    // The machine's creation, then the officer's read of it above.
    expect(audit).toEqual([
      { action: 'create', resource_type: 'application', actor_kind: 'machine' },
      { action: 'read', resource_type: 'application', actor_kind: 'staff' },
    ]);

    // A retry: the same answer, nothing doubled.
    const retry = await submit(payload);
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toEqual({ applicationId: payload.id, status: 'submitted', created: false });
    const count = await t.database.db
      .selectFrom('notification')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('dedupe_key', '=', `application.received:${payload.id}`)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
    expect(await listCallbacks(t.database.db, payload.id)).toHaveLength(1);
    // The same id with other content is a conflict.
    const reused = await submit({ ...payload, programme: 'material_assistance' });
    expect(reused.statusCode).toBe(409);
  });

  it('refuses an unknown PINFL, a missing consent and a malformed body, never with a 500', async () => {
    const unknown = await submit(body({ pinfl: makePinfl('1990-01-01', 'M', '733', 999) }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('INTAKE_PINFL_UNKNOWN');
    const noConsent = await submit(body({ consent: undefined }));
    expect(noConsent.statusCode).toBe(422);
    expect(noConsent.json().error.code).toBe('CONSENT_REQUIRED');
    const refused = await submit(body({ consent: { granted: false, at: '2026-03-05T10:00:00Z' } }));
    expect(refused.json().error.code).toBe('CONSENT_REQUIRED');
    for (const bad of [{ pinfl: '123' }, { id: 'x' }, { callbackUrl: 'ftp://x' }, { programme: 'nope' }]) {
      const reply = await submit(body(bad));
      expect(reply.statusCode).toBe(400);
      expect(reply.json().error.code).toBe('VALIDATION_FAILED');
    }
    const homeless = await t.database.db
      .selectFrom('person')
      .select('pinfl')
      .where('pinfl', 'is not', null)
      .where('id', 'not in', (eb) => eb.selectFrom('membership').select('person_id'))
      .executeTakeFirst();
    if (homeless?.pinfl) {
      expect((await submit(body({ pinfl: homeless.pinfl }))).json().error.code).toBe('INTAKE_NO_HOUSEHOLD');
    }
  });

  it('refuses a callback address not registered for the portal', async () => {
    const reply = await submit(body({ callbackUrl: 'http://10.0.0.5/internal' }));
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'callbackUrl' },
    });
  });

  it('refuses callback URLs that escape the registered one (finding 5): dot segments, user info, look-alikes', async () => {
    // The portal is registered with exactly http://127.0.0.1:9/himoya.
    for (const callbackUrl of [
      'http://127.0.0.1:9/himoya/../../escaped',
      'http://127.0.0.1:9/himoya/%2e%2e/escaped',
      'http://127.0.0.1:9@0.0.0.0:4999/himoya',
      'http://127.0.0.1:x@0.0.0.0:4999/himoya',
      'http://127.0.0.1:9/himoyax',
      'http://127.0.0.1:5432/himoya',
    ]) {
      const payload = body({ callbackUrl });
      const reply = await submit(payload);
      expect(reply.statusCode, callbackUrl).toBe(400);
      expect(reply.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'callbackUrl' },
      });
      expect(await listCallbacks(t.database.db, payload.id)).toEqual([]);
    }
    // Under it, normalised before it is stored: the stored URL is the one that was checked.
    const inside = body({ callbackUrl: 'http://127.0.0.1:9/himoya/status/./x/..//' });
    expect((await submit(inside)).statusCode).toBe(202);
    const stored = await t.database.db
      .selectFrom('intake_application')
      .select('callback_url')
      .where('application_id', '=', inside.id)
      .executeTakeFirstOrThrow();
    expect(stored.callback_url).toBe('http://127.0.0.1:9/himoya/status/');
  });

  it('refuses a regional portal a household outside its region, writing nothing', async () => {
    const elsewhere = await bearer('mygov-andijan', ['intake.submit'], { kind: 'region', code: '1703' });
    const payload = body();
    const reply = await submit(payload, elsewhere);
    expect(reply.statusCode).toBe(403);
    expect(reply.json().error.code).toBe('FORBIDDEN');
    const stored = await t.database.db
      .selectFrom('application')
      .select('id')
      .where('id', '=', payload.id)
      .execute();
    expect(stored).toEqual([]);
  });

  it('admits only machine clients with the intake.submit scope', async () => {
    expect((await submit(body(), otherAgency)).statusCode).toBe(403);
    expect((await submit(body(), {})).statusCode).toBe(401);
    const staff = await t.api({ method: 'POST', url: '/api/intake/applications', payload: body() });
    expect(staff.statusCode).toBe(403);
  });

  it("queues the portal's callback when casework moves the application (the hook wired at start-up)", async () => {
    const payload = body();
    expect((await submit(payload)).statusCode).toBe(202);
    const done = await t.api({
      method: 'POST',
      url: `/api/applications/${payload.id}/questionnaire`,
      payload: {},
    });
    expect(done.statusCode).toBe(200);
    const statuses = await t.database.db
      .selectFrom('intake_callback')
      .select('status')
      .where('application_id', '=', payload.id)
      .execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(['questionnaire_done', 'submitted']);
  });

  it('delivers status callbacks to the portal with retries, in order, once per status', async () => {
    const server = await scriptedServer([{ status: 500 }, { status: 200 }]);
    const registered = await bearer('mygov-ordered', ['intake.submit'], null, [server.url]);
    const payload = body({ callbackUrl: server.url });
    expect((await submit(payload, registered)).statusCode).toBe(202);
    await settleOthers(payload.id);
    const ctx = { database: t.database, config: t.config, logger, backoff: () => 0 };
    const deliverAll = async () => {
      for (let i = 0; i < 10; i += 1) if ((await deliverIntakeCallbacks(ctx)).claimed === 0) return;
    };
    await deliverAll();
    expect(server.received.map((r) => r.body)).toEqual([
      { applicationId: payload.id, status: 'submitted' },
      { applicationId: payload.id, status: 'submitted' },
    ]);
    expect(server.received[0]?.headers[CALLBACK_ID_HEADER]).toBe(
      server.received[1]?.headers[CALLBACK_ID_HEADER],
    );

    await recordQuestionnaire(t.database.db, payload.id, 'staff:worker');
    expect(await notifyIntakeStatus(t.database.db, payload.id)).toEqual({ queued: true });
    expect(await notifyIntakeStatus(t.database.db, payload.id)).toEqual({ queued: false });
    await deliverAll();
    expect(server.received.at(-1)?.body).toEqual({ applicationId: payload.id, status: 'questionnaire_done' });
    expect(await listCallbacks(t.database.db, payload.id)).toMatchObject([
      { status: 'submitted', state: 'delivered', attempts: 2 },
      { status: 'questionnaire_done', state: 'delivered', attempts: 1 },
    ]);
    // Not from the portal: nothing to tell.
    expect(await notifyIntakeStatus(t.database.db, randomUUID())).toEqual({ queued: false });
    await server.close();
  });

  it('never follows a redirect: a 307 to another port is a failed attempt, the other port hears nothing', async () => {
    const elsewhere = await scriptedServer([{ status: 200 }]);
    const redirecting = await redirectingServer(`${elsewhere.url}stolen`);
    const registered = await bearer('mygov-redirect', ['intake.submit'], null, [redirecting.url]);
    const payload = body({ callbackUrl: redirecting.url });
    expect((await submit(payload, registered)).statusCode).toBe(202);
    await settleOthers(payload.id);
    const ctx = {
      database: t.database,
      config: { ...t.config, INTAKE_CALLBACK_MAX_ATTEMPTS: 2 },
      logger,
      backoff: () => 0,
    };
    for (let i = 0; i < 10; i += 1) if ((await deliverIntakeCallbacks(ctx)).claimed === 0) break;
    expect(redirecting.hits()).toBe(2);
    expect(elsewhere.received).toEqual([]);
    expect(await listCallbacks(t.database.db, payload.id)).toMatchObject([
      {
        status: 'submitted',
        state: 'failed',
        attempts: 2,
        lastError: `redirect refused: HTTP 307 to ${elsewhere.url}stolen`,
      },
    ]);
    await redirecting.close();
    await elsewhere.close();
  });

  it('gives up on a callback after INTAKE_CALLBACK_MAX_ATTEMPTS', async () => {
    const server = await scriptedServer([{ status: 503 }]);
    const registered = await bearer('mygov-give-up', ['intake.submit'], null, [server.url]);
    const payload = body({ callbackUrl: server.url });
    expect((await submit(payload, registered)).statusCode).toBe(202);
    await settleOthers(payload.id);
    const ctx = {
      database: t.database,
      config: { ...t.config, INTAKE_CALLBACK_MAX_ATTEMPTS: 3 },
      logger,
      backoff: () => 0,
    };
    for (let i = 0; i < 10; i += 1) if ((await deliverIntakeCallbacks(ctx)).claimed === 0) break;
    expect(server.received).toHaveLength(3);
    expect(await listCallbacks(t.database.db, payload.id)).toMatchObject([
      { status: 'submitted', state: 'failed', attempts: 3, lastError: 'HTTP 503' },
    ]);
    await server.close();
  });
});
