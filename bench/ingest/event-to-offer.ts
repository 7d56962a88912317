import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { httpPlugins } from '../../src/app.ts';
import { createMachineClient } from '../../src/identity/machine.service.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { JobRunner } from '../../src/platform/jobs/job-runner.ts';
import { submitChangeRequest } from '../../src/registry/change-requests/change-request.service.ts';
import { createHousehold } from '../../src/registry/households/household.service.ts';
import { makePinfl } from '../../src/registry/pinfl.ts';

/**
 * The latency of the proactive path: a birth pushed by the civil registry over HTTP, to the reply that says
 * it was applied and reacted to, by which time the child allowance is decided (with its trace) and the SMS
 * is queued. Families are made poor (no income, no property) so that every birth brings an offer; each is
 * checked after its reply. Births are sent one after another (the latency of one event, not a load test).
 */
export async function measureEventToOffer(
  database: Database,
  schema: string,
  births = Number(process.env.INGEST_BIRTHS ?? 300),
) {
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ NODE_ENV: 'test', SEED_HOUSEHOLDS: '0', JOBS: 'false', LOG_LEVEL: 'silent' });
  const jobs = new JobRunner(database, logger, { schema: `${schema}_jobs` });
  const ctx = { config, database, logger, jobs };
  const app = await buildServer(ctx, httpPlugins(ctx));
  await jobs.start({ work: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const db = database.db;
    await createMachineClient(db, {
      clientId: 'bench-civil-registry',
      secret: 'bench-secret',
      agency: 'civil_registry',
      scopes: ['events.push'],
      area: { kind: 'region', code: '1733' },
    });
    const tokenReply = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'bench-civil-registry',
        client_secret: 'bench-secret',
      }),
    });
    const token = ((await tokenReply.json()) as { access_token: string }).access_token;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tashkent' }).format(new Date());
    const families: { householdId: string; motherPinfl: string; motherId: string }[] = [];
    for (let i = 0; i < births; i++) {
      const motherId = randomUUID();
      const motherPinfl = makePinfl('1995-05-05', 'F', '733', 100 + i);
      const householdId = randomUUID();
      await createHousehold(db, {
        id: householdId,
        mahallaCode: '1733204001',
        address: `Bench ${i}`,
        createdOn: '2019-01-01',
        head: {
          id: motherId,
          pinfl: motherPinfl,
          lastName: 'Benchova',
          firstName: 'Malika',
          sex: 'F',
          birthDate: '1995-05-05',
          phone: '+998901234567',
          source: 'civil_registry',
        },
        source: 'civil_registry',
      });
      await submitChangeRequest(
        db,
        {
          id: randomUUID(),
          type: 'add_member',
          apply: true,
          householdId,
          person: { lastName: 'Benchov', firstName: 'Aziz', sex: 'M', birthDate: '1992-02-02' },
          relationship: 'spouse',
          effectiveDate: '2019-01-01',
        },
        'bench',
      );
      families.push({ householdId, motherPinfl, motherId });
    }
    const times: number[] = [];
    let i = 0;
    for (const family of families) {
      const sex = i % 2 === 0 ? 'M' : 'F';
      const event = {
        id: `bench-birth-${i}`,
        type: 'birth',
        date: today,
        child: {
          pinfl: makePinfl(today, sex, '733', 500 + (i % 400)),
          lastName: 'Benchov',
          firstName: 'Bola',
          sex,
        },
        motherPinfl: family.motherPinfl,
      };
      i += 1;
      const started = performance.now();
      const reply = await fetch(`${base}/integration/events/civil_registry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ events: [event] }),
      });
      const body = (await reply.json()) as { results?: { status: string; reacted?: boolean }[] };
      times.push(performance.now() - started);
      if (body.results?.[0]?.status !== 'applied' || body.results[0].reacted !== true) {
        throw new Error(`birth ${event.id} not applied and reacted: ${JSON.stringify(body)}`);
      }
      const offer = await db
        .selectFrom('decision')
        .select('id')
        .where('household_id', '=', family.householdId)
        .where('programme', '=', 'child_allowance')
        .executeTakeFirst();
      const sms = await db
        .selectFrom('notification')
        .select('id')
        .where('person_id', '=', family.motherId)
        .where('channel', '=', 'sms')
        .where('template', '=', 'offer.granted')
        .executeTakeFirst();
      if (!offer || !sms) throw new Error(`birth ${event.id}: no offer or no SMS after the reply`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
    return {
      n: times.length,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: Math.round(sorted.at(-1) ?? 0),
    };
  } finally {
    await app.close();
    await jobs.stop();
  }
}
