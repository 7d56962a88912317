import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachineClient } from '../../src/identity/machine.service.ts';
import {
  PUSHING_AGENCIES,
  type SimulatedAgencies,
  startSimulatedAgencies,
} from '../../src/integration/agencies/simulator.ts';
import {
  openSimulatorClients,
  type SimulatorClients,
} from '../../src/integration/agencies/simulator-clients.ts';
import { pullAgency } from '../../src/integration/inbound/pull.ts';
import { firstAffectedMonth } from '../../src/proactive/life-events.service.ts';
import { submitChangeRequest } from '../../src/registry/change-requests/change-request.service.ts';
import { createHousehold } from '../../src/registry/households/household.service.ts';
import { Factory } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Issue 5's acceptance, end to end over HTTP: the simulated civil registry pushes a birth in an eligible
 * family to the running server; with no human step the family has a child-allowance offer with its trace
 * and an SMS in the outbox. With faults on (duplicated and malformed events, and a pull of the same feed
 * through timeouts and 500s) the outcome is the same and nothing is doubled.
 */
describe('a birth reaches the family as an offer, with no human step', () => {
  let server: TestServer;
  let sim: SimulatedAgencies;
  let clients: SimulatorClients;
  let householdId: string;
  let motherId: string;
  let motherPinfl: string;
  const factory = new Factory(77);

  beforeAll(async () => {
    server = await startTestServer({ households: 20 });
    const { db } = server.running.ctx.database;
    // A family with no income and no property: poor, so a child brings child allowance.
    const mother = factory.person({ sex: 'F', birthDate: '1996-06-06', phone: '+998907770011' });
    motherId = mother.id;
    motherPinfl = mother.pinfl ?? '';
    householdId = randomUUID();
    await createHousehold(db, {
      id: householdId,
      mahallaCode: '1733204001',
      address: 'Bog‘ 9',
      createdOn: '2019-01-01',
      head: mother,
      source: 'civil_registry',
    });
    await submitChangeRequest(
      db,
      {
        id: randomUUID(),
        type: 'add_member',
        apply: true,
        householdId,
        person: factory.person({ sex: 'M', birthDate: '1993-03-03' }),
        relationship: 'spouse',
        effectiveDate: '2019-01-01',
      },
      'test',
    );
    // As `himoya agencies` does in demo mode: a temporary client per agency, its own events.push only.
    clients = await openSimulatorClients(db, { agencies: PUSHING_AGENCIES });
    sim = await startSimulatedAgencies({
      database: server.running.ctx.database,
      himoyaUrl: server.baseUrl,
      clients: clients.clients,
      rate: 0,
      seed: 5,
      timeoutMs: 300,
      slowMs: 50,
    });
  }, 180_000);

  afterAll(async () => {
    await sim?.stop();
    await clients?.retire();
    await server?.destroy();
  });

  const count = async (table: 'decision' | 'notification' | 'membership' | 'service_case', where: string) => {
    const { db } = server.running.ctx.database;
    const column = table === 'notification' ? 'person_id' : 'household_id';
    const rows = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(column as never, '=', where as never)
      .executeTakeFirstOrThrow();
    return Number(rows.n);
  };

  it('offers child allowance with its trace and queues the SMS within the push', async () => {
    const { db } = server.running.ctx.database;
    const outcome = await sim.emit('birth', { pinfl: motherPinfl });
    expect(outcome?.status).toBe(200);
    const reply = outcome?.body as { results: { status: string; reacted?: boolean }[] };
    expect(reply.results[0]).toMatchObject({ status: 'applied', reacted: true });

    // The child is a member of the family, and the month it first counts in is decided.
    expect(await count('membership', householdId)).toBe(3);
    const month = firstAffectedMonth(String(outcome?.event.date));
    const offer = await db
      .selectFrom('decision')
      .selectAll()
      .where('household_id', '=', householdId)
      .where('programme', '=', 'child_allowance')
      .where('month', '=', month)
      .executeTakeFirstOrThrow();
    expect(offer.kind).toBe('granted');
    expect(Number(offer.amount_after)).toBeGreaterThan(0);
    const trace = await db
      .selectFrom('decision_trace')
      .select('trace')
      .where('id', '=', offer.trace_id)
      .executeTakeFirstOrThrow();
    expect((trace.trace as { format: string }).format).toBe('himoya.trace/1');

    // The SMS is in the outbox, in the mother's language, before the agency got its answer.
    const sms = await db
      .selectFrom('notification')
      .select(['template', 'channel', 'phone', 'body'])
      .where('person_id', '=', motherId)
      .where('channel', '=', 'sms')
      .execute();
    const granted = await db
      .selectFrom('decision')
      .select('id')
      .where('household_id', '=', householdId)
      .where('kind', '=', 'granted')
      .execute();
    // One offer message per entitlement granted (child allowance, and the Social Registry status with it),
    // and the confirmation of the birth's registration.
    expect(sms.filter((n) => n.template === 'offer.granted')).toHaveLength(granted.length);
    expect(sms.filter((n) => n.template === 'birth.registered')).toHaveLength(1);
    expect(sms.every((n) => n.phone === '+998907770011')).toBe(true);
    const cases = await sql<{ status: string; kind: string }>`
      select status, kind from service_case where ${householdId}::uuid = any(household_ids)`.execute(db);
    expect(cases.rows).toEqual([{ status: 'done', kind: 'birth' }]);
  });

  it("refuses an agency pushing another agency's events", async () => {
    const { db } = server.running.ctx.database;
    await createMachineClient(db, {
      clientId: 'e2e-tax',
      secret: 'e2e-tax-secret',
      agency: 'tax',
      scopes: ['events.push'],
      area: { kind: 'region', code: '1733' },
    });
    const token = await fetch(`${server.baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'e2e-tax',
        client_secret: 'e2e-tax-secret',
      }),
    });
    const bearer = `Bearer ${(await token.json()).access_token}`;
    const members = await count('membership', householdId);
    const push = (agency: string, events: unknown[]) =>
      fetch(`${server.baseUrl}/integration/events/${agency}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer },
        body: JSON.stringify({ events }),
      });
    const forged = await push('civil_registry', [
      { id: 'forged-1', type: 'birth', date: '2026-01-01', child: {}, motherPinfl: motherPinfl },
    ]);
    expect(forged.status).toBe(403);
    expect(await count('membership', householdId)).toBe(members);
    // Its own agency's events are taken (here: one malformed record, quarantined with its reason).
    const own = await push('tax', [{ id: 'x', pinfl: '1', month: 'bad' }]);
    expect(own.status).toBe(200);
    expect((await own.json()).results[0].status).toBe('quarantined');
  });

  it('with duplicated and malformed pushes and a faulty pull, nothing is doubled', async () => {
    const { db } = server.running.ctx.database;
    const before = {
      decisions: await count('decision', householdId),
      notifications: await count('notification', motherId),
      members: await count('membership', householdId),
    };
    // Every push now also sends a malformed copy and is sent twice.
    sim.setFaults(['duplicate', 'malformed'], 1);
    const twin = await sim.emit('birth', { pinfl: motherPinfl });
    expect(twin?.status).toBe(200);
    const body = twin?.body as { results: { status: string }[] } | undefined;
    const statuses = (body?.results ?? []).map((r) => r.status);
    expect(statuses).toContain('applied');
    expect(statuses).toContain('quarantined');

    // A second child: one more member, one change of the child allowance, one message about it.
    expect(await count('membership', householdId)).toBe(before.members + 1);
    const decisions = await count('decision', householdId);
    expect(decisions - before.decisions).toBe(1);
    const changed = await db
      .selectFrom('decision')
      .select(['kind', 'programme'])
      .where('household_id', '=', householdId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(changed).toEqual({ kind: 'amount_changed', programme: 'child_allowance' });
    const notified = (await count('notification', motherId)) - before.notifications;

    // The same feed pulled through timeouts and 500s: every event already applied is a duplicate.
    sim.setFaults(['timeout', 'error500', 'duplicate', 'malformed'], 0.4);
    const pulled = await pullAgency(server.running.ctx.database, 'civil_registry', {
      baseUrl: sim.url,
      pageSize: 2,
      timeoutMs: 150,
      retries: 8,
      backoffMs: 5,
      breakerFailures: 50,
      breakerCooldownMs: 10,
    });
    expect(pulled.outcome).toBe('done');
    expect(await count('membership', householdId)).toBe(before.members + 1);
    expect(await count('decision', householdId)).toBe(decisions);
    expect((await count('notification', motherId)) - before.notifications).toBe(notified);
    const quarantined = await db.selectFrom('quarantine').select('reason').execute();
    expect(quarantined.length).toBeGreaterThan(0);
  });
});
