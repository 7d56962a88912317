import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { backoffBound, backoffDelay } from './outbox.backoff.ts';
import {
  type DeliveryOutcome,
  type OutboxContext,
  type OutboxHandler,
  type OutboxMessage,
  registerOutboxHandler,
  type Settlement,
} from './outbox.handlers.ts';
import { wakeOutbox } from './outbox.jobs.ts';
import { maskTarget } from './outbox.routes.ts';
import { deliverDue, enqueue, listDeadLetters, nextDueAt, retryDeadLetter } from './outbox.service.ts';

const logger = pino({ level: 'silent' });

describe('backoff with full jitter', () => {
  const policy = fc.record({
    baseMs: fc.integer({ min: 1, max: 60_000 }),
    capMs: fc.integer({ min: 1, max: 86_400_000 }),
  });

  it('waits between 0 and min(cap, base * 2^(attempt - 1)), a bound that never shrinks', () => {
    fc.assert(
      fc.property(
        policy,
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (p, attempt, r) => {
          const bound = backoffBound(attempt, p);
          const delay = backoffDelay(attempt, p, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(bound);
          expect(bound).toBeLessThanOrEqual(p.capMs);
          expect(bound).toBe(Math.min(p.capMs, p.baseMs * 2 ** Math.min(attempt - 1, 40)));
          expect(backoffBound(attempt + 1, p)).toBeGreaterThanOrEqual(bound);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('spreads a burst over the whole window (the jitter is full, not a few percent)', () => {
    const p = { baseMs: 1000, capMs: 60_000 };
    const delays = Array.from({ length: 2000 }, () => backoffDelay(4, p));
    expect(Math.min(...delays)).toBeLessThan(800);
    expect(Math.max(...delays)).toBeGreaterThan(7200);
  });
});

/** A handler of a test kind that answers from a script (the last answer repeats) and records what it saw. */
function scripted(kind: string, script: DeliveryOutcome[], maxAttempts = 3) {
  const seen: OutboxMessage[] = [];
  const settled: Settlement['status'][] = [];
  const reopened: string[] = [];
  const handler: OutboxHandler = {
    kind,
    maxAttempts: () => maxAttempts,
    backoff: { baseMs: 1, capMs: 10 },
    async deliver(message) {
      seen.push(message);
      return script[Math.min(seen.length - 1, script.length - 1)] ?? { ok: true };
    },
    async recorded(_trx, _message, settlement) {
      settled.push(settlement.status);
    },
    async reopened(_trx, message) {
      reopened.push(message.id);
    },
  };
  return { handler, seen, settled, reopened };
}

describe('the outbox', () => {
  let t: TestApp;
  let ctx: OutboxContext;
  const fail = (error = 'HTTP 503'): DeliveryOutcome => ({ ok: false, retryable: true, error });
  /** Passes until nothing of `kinds` is due (retries with no wait). */
  const drain = async (handlers: OutboxHandler[]) => {
    const kinds = handlers.map((h) => h.kind);
    for (let i = 0; i < 20; i += 1) {
      const s = await deliverDue(ctx, { kinds, handlers, backoff: () => 0 });
      if (s.claimed === 0) return;
    }
  };
  const rowOf = (id: string) =>
    t.database.db.selectFrom('outbox_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp();
    ctx = { database: t.database, config: t.config, logger };
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('queues a message once per idempotency key, in the caller’s transaction', async () => {
    const key = `test:${randomUUID()}`;
    const message = { kind: 'test_once', payload: { n: 1 }, target: '+998901234567', idempotencyKey: key };
    const first = await t.database.db.transaction().execute((trx) => enqueue(trx, message));
    const again = await enqueue(t.database.db, { ...message, payload: { n: 2 } });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const rows = await t.database.db
      .selectFrom('outbox_message')
      .selectAll()
      .where('idempotency_key', '=', key)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 0, payload: { n: 1 } });
    // Rolled back with the caller: no message.
    const rolledBack = `test:${randomUUID()}`;
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await enqueue(trx, { ...message, idempotencyKey: rolledBack });
        throw new Error('the event failed');
      }),
    ).rejects.toThrow('the event failed');
    const none = await t.database.db
      .selectFrom('outbox_message')
      .select('id')
      .where('idempotency_key', '=', rolledBack)
      .execute();
    expect(none).toEqual([]);
  });

  it('delivers each message through the handler of its kind, and only the kinds asked for', async () => {
    const a = scripted('test_kind_a', [{ ok: true }]);
    const b = scripted('test_kind_b', [{ ok: true }]);
    const ma = await enqueue(t.database.db, {
      kind: 'test_kind_a',
      payload: { to: 'a' },
      target: 'https://a.example/cb',
      idempotencyKey: `a:${randomUUID()}`,
    });
    const mb = await enqueue(t.database.db, {
      kind: 'test_kind_b',
      payload: { to: 'b' },
      target: 'https://b.example/cb',
      idempotencyKey: `b:${randomUUID()}`,
    });
    const onlyA = await deliverDue(ctx, { kinds: ['test_kind_a'], handlers: [a.handler, b.handler] });
    expect(onlyA).toEqual({ claimed: 1, delivered: 1, retrying: 0, dead: 0 });
    expect(a.seen.map((m) => m.payload)).toEqual([{ to: 'a' }]);
    expect(b.seen).toEqual([]);
    expect((await rowOf(mb.id)).status).toBe('pending');
    await drain([b.handler]);
    expect(b.seen.map((m) => [m.id, m.attempts])).toEqual([[mb.id, 1]]);
    expect((await rowOf(ma.id)).status).toBe('delivered');
    expect((await rowOf(mb.id)).delivered_at).not.toBeNull();
  });

  it('retries with backoff, then gives up after the kind’s maximum with the reason', async () => {
    const h = scripted('test_flaky', [fail('HTTP 503')], 3);
    const m = await enqueue(t.database.db, {
      kind: 'test_flaky',
      payload: {},
      target: '+998901112299',
      idempotencyKey: `flaky:${randomUUID()}`,
    });
    const first = await deliverDue(ctx, { kinds: ['test_flaky'], handlers: [h.handler] });
    expect(first).toEqual({ claimed: 1, delivered: 0, retrying: 1, dead: 0 });
    // The retry waits (the real backoff: up to 1 ms here), then two more attempts, then the dead letter.
    await new Promise((r) => setTimeout(r, 20));
    await drain([h.handler]);
    expect(h.seen.map((s) => s.attempts)).toEqual([1, 2, 3]);
    expect(h.settled).toEqual(['retrying', 'retrying', 'dead']);
    expect(await rowOf(m.id)).toMatchObject({
      status: 'dead',
      attempts: 3,
      last_error: 'HTTP 503',
      dead_reason: 'attempts_exhausted',
    });
    // A refusal is not retried.
    const refused = scripted('test_refused', [
      { ok: false, retryable: false, error: 'HTTP 400', reason: 'refused' },
    ]);
    const r = await enqueue(t.database.db, {
      kind: 'test_refused',
      payload: {},
      target: 'https://partner.example/cb',
      idempotencyKey: `refused:${randomUUID()}`,
    });
    await drain([refused.handler]);
    expect(refused.seen).toHaveLength(1);
    expect(await rowOf(r.id)).toMatchObject({ status: 'dead', attempts: 1, dead_reason: 'refused' });
    // A handler that throws has failed an attempt that may pass later.
    const throwing: OutboxHandler = {
      ...h.handler,
      kind: 'test_throws',
      deliver: async () => {
        throw new Error('boom');
      },
    };
    const x = await enqueue(t.database.db, {
      kind: 'test_throws',
      payload: {},
      target: 'x',
      idempotencyKey: `throws:${randomUUID()}`,
    });
    await deliverDue(ctx, { kinds: ['test_throws'], handlers: [throwing] });
    expect(await rowOf(x.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Error: boom' });
  });

  it('delivers messages of one order key one after the other', async () => {
    const h = scripted('test_ordered', [fail(), { ok: true }]);
    const order = `intake:${randomUUID()}`;
    const first = await enqueue(t.database.db, {
      kind: 'test_ordered',
      payload: { step: 1 },
      target: 'https://p.example/',
      idempotencyKey: `o1:${order}`,
      orderKey: order,
    });
    await enqueue(t.database.db, {
      kind: 'test_ordered',
      payload: { step: 2 },
      target: 'https://p.example/',
      idempotencyKey: `o2:${order}`,
      orderKey: order,
    });
    await drain([h.handler]);
    expect(h.seen.map((m) => m.payload.step)).toEqual([1, 1, 2]);
    expect((await rowOf(first.id)).attempts).toBe(2);
  });

  it('wakes for a message only when it can be claimed (not while an earlier one of its key waits)', async () => {
    const h = scripted('test_waiting', [fail()]);
    const order = `waiting:${randomUUID()}`;
    for (const step of [1, 2]) {
      await enqueue(t.database.db, {
        kind: 'test_waiting',
        payload: { step },
        target: 'https://p.example/',
        idempotencyKey: `${order}:${step}`,
        orderKey: order,
      });
    }
    const before = Date.now();
    await deliverDue(ctx, { kinds: ['test_waiting'], handlers: [h.handler], backoff: () => 60_000 });
    const due = await nextDueAt(t.database.db, ['test_waiting']);
    expect(due?.getTime()).toBeGreaterThan(before + 50_000);
    expect(await nextDueAt(t.database.db, ['test_unknown_kind'])).toBeUndefined();
  });

  it('lists dead letters for staff (masked), sends one again, and audits both', async () => {
    const h = scripted('test_retry', [{ ok: false, retryable: false, error: 'HTTP 410' }, { ok: true }]);
    registerOutboxHandler(h.handler);
    const m = await enqueue(t.database.db, {
      kind: 'test_retry',
      payload: {},
      target: '+998 90 123 45 67',
      idempotencyKey: `retry:${randomUUID()}`,
    });
    await drain([h.handler]);
    const page = await listDeadLetters(t.database.db, { kind: 'test_retry' }, { page: 1, pageSize: 10 });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ id: m.id, reason: 'refused', attempts: 1, lastError: 'HTTP 410' });

    const list = await t.api({ method: 'GET', url: '/api/outbox/dead-letters?kind=test_retry' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      total: 1,
      items: [{ id: m.id, kind: 'test_retry', target: '***4567', reason: 'refused', attempts: 1 }],
    });
    const retried = await t.api({ method: 'POST', url: `/api/outbox/dead-letters/${m.id}/retry` });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ id: m.id, status: 'pending' });
    expect(h.reopened).toEqual([m.id]);
    expect(await rowOf(m.id)).toMatchObject({ status: 'pending', attempts: 0, dead_reason: null });
    // Not a dead letter any more: nothing to retry.
    expect((await t.api({ method: 'POST', url: `/api/outbox/dead-letters/${m.id}/retry` })).statusCode).toBe(
      404,
    );
    await drain([h.handler]);
    expect((await rowOf(m.id)).status).toBe('delivered');
    await expect(retryDeadLetter(t.database.db, m.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'resource_type', 'resource_id'])
      .where('resource_type', '=', 'outbox_message')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'search', resource_type: 'outbox_message', resource_id: null },
      { action: 'update', resource_type: 'outbox_message', resource_id: m.id },
    ]);
    // Staff without the action see nothing of it.
    const worker = await t.staff('outbox-worker', [
      { role: 'social_worker', area: { kind: 'region', code: '1733' }, organisation: 'Test' },
    ]);
    const refused = await t.app.inject({ method: 'GET', url: '/api/outbox/dead-letters', headers: worker });
    expect(refused.statusCode).toBe(403);
  });

  it('shows staff where it stands: counts per kind and state, and the oldest waiting age', async () => {
    const h = scripted('test_state', [fail()]);
    registerOutboxHandler(h.handler);
    const key = randomUUID();
    const enqueueState = (n: number) =>
      enqueue(t.database.db, {
        kind: 'test_state',
        payload: {},
        target: 'https://p.example/',
        idempotencyKey: `state:${key}:${n}`,
      });
    const retrying = await enqueueState(1);
    await deliverDue(ctx, { kinds: ['test_state'], handlers: [h.handler], backoff: () => 60_000 });
    await enqueueState(2);
    // The first waited ten minutes already: the oldest waiting age is its.
    await t.database.db
      .updateTable('outbox_message')
      .set({ created_at: sql<Date>`now() - interval '10 minutes'` })
      .where('id', '=', retrying.id)
      .execute();
    const reply = await t.api({ method: 'GET', url: '/api/outbox/state' });
    expect(reply.statusCode).toBe(200);
    const { kinds } = reply.json<{ kinds: { kind: string; oldestWaitingSeconds: number | null }[] }>();
    // Every kind the contexts send is listed, even with nothing in it.
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['sms', 'intake_callback', 'dci_callback']),
    );
    const mine = kinds.find((k) => k.kind === 'test_state');
    expect(mine).toMatchObject({ queued: 1, retrying: 1, sent: 0, dead: 0 });
    expect(mine?.oldestWaitingSeconds).toBeGreaterThanOrEqual(600);
    expect(mine?.oldestWaitingSeconds).toBeLessThan(700);
    const worker = await t.staff('outbox-state-worker', [
      { role: 'social_worker', area: { kind: 'region', code: '1733' }, organisation: 'Test' },
    ]);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/outbox/state', headers: worker })).statusCode,
    ).toBe(403);
  });

  it('masks phones to their last digits and shows an address by its host', () => {
    expect(maskTarget('+998901234567')).toBe('***4567');
    expect(maskTarget('https://my.gov.uz/himoya/callback?x=1')).toBe('my.gov.uz');
    expect(maskTarget('http://127.0.0.1:9/himoya')).toBe('127.0.0.1:9');
  });

  it('on pg-boss: a woken worker delivers at once, and a retry falls due by itself', async () => {
    const h = scripted('test_jobs', [fail(), { ok: true }]);
    h.handler.backoff = { baseMs: 500, capMs: 500 };
    registerOutboxHandler(h.handler);
    await t.jobs.start({ work: true });
    const m = await enqueue(t.database.db, {
      kind: 'test_jobs',
      payload: {},
      target: 'https://partner.example/cb',
      idempotencyKey: `jobs:${randomUUID()}`,
    });
    await wakeOutbox(t.jobs);
    const started = Date.now();
    while ((await rowOf(m.id)).status !== 'delivered' && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await rowOf(m.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  }, 30_000);
});
