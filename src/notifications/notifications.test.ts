import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { signInCitizen } from '../../test/support/auth.ts';
import { createMachineClient } from '../identity/machine.service.ts';
import type { Config } from '../platform/config.ts';
import { formatSoum } from '../shared/format.ts';
import { IMPOSSIBLE_CYRILLIC } from '../shared/transliterate.ts';
import { attachDispatchLoop, type DispatchContext, dispatchLoop, dispatchPending } from './dispatcher.ts';
import { enqueueNotification, getNotification, setPreferredLanguage } from './notification.service.ts';
import { consoleProvider, httpProvider } from './providers.ts';
import { NOTIFICATION_TEMPLATES, renderTemplate } from './templates.ts';
import { makeFamily, scriptedServer } from './test-support.ts';

const logger = pino({ level: 'silent' });

describe('notifications', () => {
  let t: TestApp;
  let ctx: DispatchContext;
  const offer = (dedupeKey: string) => ({
    template: 'offer.granted' as const,
    params: { programme: 'child_allowance', amount: 1_234_000, month: '2026-03', link: '/me/offers/1' },
    dedupeKey,
  });
  /** Settles everything queued so far, so that each test dispatches only its own messages. */
  const drain = async () => {
    for (let i = 0; i < 20; i += 1) {
      const s = await dispatchPending({ ...ctx, provider: consoleProvider(logger), backoff: () => 0 });
      if (s.claimed === 0) return;
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    ctx = { database: t.database, config: t.config, logger };
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('formats amounts with narrow no-break spaces and renders every template in every language', () => {
    expect(formatSoum(1_234_000, 'uz-Latn')).toBe('1\u202f234\u202f000 so‘m');
    expect(formatSoum(380_000, 'ru')).toBe('380\u202f000 сум');
    const text = renderTemplate('offer.granted', offer('x').params, 'uz-Cyrl');
    expect(text).toContain('Болалар нафақаси');
    expect(text).toContain('2026-йил март');
    const all = {
      programme: 'child_allowance',
      amount: 1_234_000,
      month: '2026-03',
      link: '/o/1',
      reference: 'A-1',
    };
    const params = {
      ...all,
      entitled: 'yes',
      kind: 'granted',
      childName: 'Dilnoza',
      kindergarten: 'Quyosh',
      date: '2026-03-05',
      account: '1234',
      reason: 'closed_account',
    };
    for (const template of NOTIFICATION_TEMPLATES) {
      for (const language of ['uz-Latn', 'uz-Cyrl', 'ru', 'en'] as const) {
        const body = renderTemplate(template, params, language);
        expect(body, `${template} ${language}`).not.toMatch(/[{}]/);
        if (language === 'uz-Cyrl') expect(body, template).not.toMatch(IMPOSSIBLE_CYRILLIC);
      }
    }
    expect(renderTemplate('birth.registered', {}, 'en')).toBe(
      "Congratulations! The birth of your child has been registered, at your family's address.",
    );
    expect(
      renderTemplate('application.decided', { programme: 'x', entitled: 'no', amount: 0 }, 'uz-Latn'),
    ).toContain('tayinlanmadi');
    expect(() => renderTemplate('entitlement.changed', { programme: 'x' }, 'en')).toThrow();
    expect(renderTemplate('birth.registered', { date: '2026-03-05' }, 'en')).toContain('05.03.2026');
    // An override's and an appeal's decision say why, for each kind of decision.
    const ended = { ...all, kind: 'ended', amount: 0 };
    expect(renderTemplate('decision.after_appeal', ended, 'en')).toMatch(/^After your appeal, payment of /);
    expect(renderTemplate('decision.after_review', { ...all, kind: 'amount_changed' }, 'ru')).toMatch(
      /^По итогам пересмотра вашего дела размер выплаты .* изменён с марта 2026 г\.: теперь 1\u202f234\u202f000 сум/,
    );
  });

  it('renders in the person language and is idempotent by its dedupe key', async () => {
    const family = await makeFamily(t.database.db);
    await setPreferredLanguage(t.database.db, family.personId, 'ru');
    const first = await enqueueNotification(t.database.db, {
      personId: family.personId,
      ...offer('offer:1'),
    });
    expect(first.created).toBe(true);
    expect(first.ids).toHaveLength(2);
    const again = await t.database.db
      .transaction()
      .execute((trx) => enqueueNotification(trx, { personId: family.personId, ...offer('offer:1') }));
    expect(again.created).toBe(false);
    expect([...again.ids].sort()).toEqual([...first.ids].sort());
    const rows = await t.database.db
      .selectFrom('notification')
      .selectAll()
      .where('dedupe_key', '=', 'offer:1')
      .execute();
    expect(rows.map((r) => r.channel).sort()).toEqual(['portal', 'sms']);
    for (const row of rows) {
      expect(row.language).toBe('ru');
      expect(row.body).toContain('Пособие на детей');
      expect(row.body).toContain('1\u202f234\u202f000 сум');
      expect(row.body).toContain('марта 2026 г.');
    }
    expect(rows.find((r) => r.channel === 'sms')).toMatchObject({ status: 'queued', phone: '+998901112233' });
    expect(rows.find((r) => r.channel === 'portal')).toMatchObject({ status: 'delivered', phone: null });
  });

  it('gives a person without a phone the portal message only', async () => {
    const family = await makeFamily(t.database.db, { phone: null });
    const result = await enqueueNotification(t.database.db, {
      personId: family.personId,
      ...offer('offer:2'),
    });
    expect(result.created).toBe(true);
    expect(result.ids).toHaveLength(1);
    expect((await getNotification(t.database.db, result.ids[0] ?? '')).channel).toBe('portal');
  });

  it('sends through the console provider and counts the SMS delivered', async () => {
    await drain();
    const family = await makeFamily(t.database.db);
    const { ids } = await enqueueNotification(t.database.db, {
      personId: family.personId,
      ...offer('offer:3'),
      channels: ['sms'],
    });
    const summary = await dispatchPending({ ...ctx, provider: consoleProvider(logger) });
    expect(summary).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });
    const sms = await getNotification(t.database.db, ids[0] ?? '');
    expect(sms).toMatchObject({ status: 'delivered', provider: 'console', attempts: 1 });
    expect(sms.deliveredAt).not.toBeNull();
  });

  it('sends an SMS within moments of enqueueing, without waiting for a poll', async () => {
    await drain();
    const detach = attachDispatchLoop(dispatchLoop({ ...ctx, provider: consoleProvider(logger) }, logger));
    try {
      const family = await makeFamily(t.database.db);
      const started = Date.now();
      const { ids } = await enqueueNotification(t.database.db, {
        personId: family.personId,
        ...offer('offer:kick'),
        channels: ['sms'],
      });
      let status = 'queued';
      while (status !== 'delivered' && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 10));
        status = (await getNotification(t.database.db, ids[0] ?? '')).status;
      }
      expect(status).toBe('delivered');
      expect(Date.now() - started).toBeLessThan(2000);
      // Queued inside a transaction: sent once the transaction commits.
      const inTransaction = await t.database.db.transaction().execute(async (trx) => {
        const queued = await enqueueNotification(trx, {
          personId: family.personId,
          ...offer('offer:kick-trx'),
          channels: ['sms'],
        });
        await new Promise((r) => setTimeout(r, 20));
        return queued;
      });
      const committed = Date.now();
      status = 'queued';
      while (status !== 'delivered' && Date.now() - committed < 5000) {
        await new Promise((r) => setTimeout(r, 10));
        status = (await getNotification(t.database.db, inTransaction.ids[0] ?? '')).status;
      }
      expect(status).toBe('delivered');
      expect(Date.now() - committed).toBeLessThan(2000);
    } finally {
      detach();
    }
  });

  describe('the HTTP provider', () => {
    const send = async (script: Parameters<typeof scriptedServer>[0], config: Partial<Config> = {}) => {
      await drain();
      const server = await scriptedServer(script);
      const family = await makeFamily(t.database.db);
      const { ids } = await enqueueNotification(t.database.db, {
        personId: family.personId,
        ...offer(`offer:${randomUUID()}`),
        channels: ['sms'],
      });
      // A short timeout only where a scripted answer hangs: elsewhere a loaded machine must not turn a slow
      // answer into a timeout and a second attempt.
      const timeoutMs = script.includes('hang') ? 500 : 10_000;
      const provider = httpProvider({ url: server.url, apiKey: 'key-1', timeoutMs });
      const passes = [];
      const run = { ...ctx, config: { ...t.config, ...config }, provider, backoff: () => 0 };
      for (let i = 0; i < 10; i += 1) {
        const s = await dispatchPending(run);
        if (s.claimed === 0) break;
        passes.push(s);
      }
      await server.close();
      return { sms: await getNotification(t.database.db, ids[0] ?? ''), passes, received: server.received };
    };

    it('posts the SMS with the API key and records the provider message id', async () => {
      const { sms, received } = await send([{ status: 200, body: { messageId: 'gw-1' } }]);
      expect(sms).toMatchObject({ status: 'sent', provider: 'http', providerMessageId: 'gw-1', attempts: 1 });
      expect(received).toHaveLength(1);
      expect(received[0]?.headers['x-api-key']).toBe('key-1');
      expect(received[0]?.body).toMatchObject({ id: sms.id, to: '+998901112233', text: sms.body });
    });

    it('retries a 500 with backoff, then succeeds', async () => {
      const { sms, passes } = await send([{ status: 500 }, { status: 202, body: { message_id: 'gw-2' } }]);
      expect(passes.map((p) => p.retrying)).toEqual([1, 0]);
      expect(sms).toMatchObject({ status: 'sent', providerMessageId: 'gw-2', attempts: 2 });
    });

    it('retries a timeout', async () => {
      const { sms } = await send(['hang', { status: 200, body: { id: 'gw-3' } }]);
      expect(sms).toMatchObject({ status: 'sent', providerMessageId: 'gw-3', attempts: 2 });
    });

    it('marks the SMS failed after SMS_MAX_ATTEMPTS failures', async () => {
      const { sms, received } = await send([{ status: 503 }], { SMS_MAX_ATTEMPTS: 3 });
      expect(received).toHaveLength(3);
      expect(sms).toMatchObject({ status: 'failed', attempts: 3 });
      expect(sms.lastError).toContain('HTTP 503');
    });

    it('does not retry a refusal (4xx)', async () => {
      const { sms, received } = await send([{ status: 400, body: { error: 'bad number' } }]);
      expect(received).toHaveLength(1);
      expect(sms).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('takes delivery reports, idempotently, from the gateway', async () => {
      const { sms } = await send([{ status: 200, body: { messageId: 'gw-report' } }]);
      const secret = 'callback-secret-0123456789';
      (t.config as { SMS_CALLBACK_SECRET?: string }).SMS_CALLBACK_SECRET = secret;
      const report = (
        payload: object,
        headers: Record<string, string> = { 'x-himoya-callback-secret': secret },
      ) => t.app.inject({ method: 'POST', url: '/api/notifications/provider-callback', headers, payload });
      const delivered = await report({ messageId: 'gw-report', status: 'delivered' });
      expect(delivered.statusCode).toBe(200);
      expect(delivered.json()).toEqual({ id: sms.id, status: 'delivered' });
      expect((await report({ messageId: 'gw-report', status: 'delivered' })).json().status).toBe('delivered');
      // A late failure report does not undo a delivery.
      expect((await report({ messageId: 'gw-report', status: 'failed' })).json().status).toBe('delivered');
      expect((await report({ messageId: 'nope', status: 'delivered' })).statusCode).toBe(404);
      expect((await report({ messageId: 'gw-report', status: 'delivered' }, {})).statusCode).toBe(401);
      expect(
        (
          await report(
            { messageId: 'gw-report', status: 'delivered' },
            { 'x-himoya-callback-secret': 'wrong' },
          )
        ).statusCode,
      ).toBe(401);
      expect(
        (await t.api({ method: 'POST', url: '/api/notifications/provider-callback', payload: {} }))
          .statusCode,
      ).toBe(403);

      // Or as a machine client with the scope.
      await createMachineClient(t.database.db, {
        clientId: 'sms-gateway',
        secret: 'sms-gateway-secret',
        agency: 'sms-gateway',
        scopes: ['notifications.callback'],
        area: null,
      });
      const token = await t.app.inject({
        method: 'POST',
        url: '/auth/token',
        payload: {
          grant_type: 'client_credentials',
          client_id: 'sms-gateway',
          client_secret: 'sms-gateway-secret',
        },
      });
      const bearer = { authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` };
      const failed = await send([{ status: 200, body: { messageId: 'gw-failed' } }]);
      const reply = await report({ messageId: 'gw-failed', status: 'failed', error: 'unreachable' }, bearer);
      expect(reply.json()).toEqual({ id: failed.sms.id, status: 'failed' });
      expect((await getNotification(t.database.db, failed.sms.id)).lastError).toBe('unreachable');
    });
  });

  it('shows citizens their own portal messages, newest first, and lets them read them', async () => {
    const me = await makeFamily(t.database.db);
    const other = await makeFamily(t.database.db);
    await enqueueNotification(t.database.db, {
      personId: me.personId,
      template: 'application.received',
      params: { programme: 'material_assistance', reference: 'AB12' },
      dedupeKey: 'me:1',
    });
    await enqueueNotification(t.database.db, {
      personId: me.personId,
      ...offer('me:2'),
      channels: ['portal'],
    });
    const theirs = await enqueueNotification(t.database.db, {
      personId: other.personId,
      ...offer('other:1'),
    });
    const headers = (await signInCitizen(t.database.db, t.config, me.personId)).headers;
    const list = await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers });
    expect(list.statusCode).toBe(200);
    const body = list.json<{
      items: { id: string; template: string; text: string }[];
      total: number;
      unread: number;
    }>();
    expect(body.total).toBe(2);
    expect(body.unread).toBe(2);
    expect(body.items.map((i) => i.template)).toEqual(['offer.granted', 'application.received']);
    expect(body.items[1]?.text).toContain('Moddiy yordam');
    const first = body.items[0]?.id ?? '';
    const read = await t.app.inject({ method: 'POST', url: `/api/me/notifications/${first}/read`, headers });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    const again = await t.app.inject({ method: 'POST', url: `/api/me/notifications/${first}/read`, headers });
    expect(again.json().readAt).toBe(read.json().readAt);
    const after = await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers });
    expect(after.json().unread).toBe(1);
    for (const id of theirs.ids) {
      const foreign = await t.app.inject({
        method: 'POST',
        url: `/api/me/notifications/${id}/read`,
        headers,
      });
      expect(foreign.statusCode).toBe(404);
    }
  });

  it('lists the outbox for the regional administration, with phones masked', async () => {
    await drain();
    const reply = await t.api({ method: 'GET', url: '/api/notifications?status=delivered&channel=sms' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json<{
      items: { status: string; phone: string | null; channel: string }[];
      total: number;
    }>();
    expect(body.total).toBeGreaterThan(0);
    for (const item of body.items) {
      expect(item).toMatchObject({ status: 'delivered', channel: 'sms' });
      expect(item.phone).toMatch(/^\*\*\*\d{4}$/);
    }
  });
});
