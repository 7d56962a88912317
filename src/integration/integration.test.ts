import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Database } from '../platform/db/database.ts';
import type { LifeEvent } from '../proactive/life-event.ts';
import { makePinfl } from '../registry/pinfl.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { AGENCIES, type AgencyName } from './adapters/adapter.ts';
import { ADAPTERS } from './adapters/index.ts';
import { startSimulatedAgencies } from './agencies/simulator.ts';
import { receivePushedEvents } from './inbound/inbound.service.ts';
import { ingest } from './inbound/ingest.ts';
import { type PullSettings, pullAgency } from './inbound/pull.ts';

const SEED = { households: 30, seed: 7, scope: 'khorezm' as const, progress: false };

async function seeded(): Promise<TestDatabase> {
  const t = await createTestDatabase();
  await seedPopulation(t.database, SEED);
  return t;
}

const count = async (database: Database, table: string, where = 'true') =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from ${sql.raw(table)} where ${sql.raw(where)}`.execute(
        database.db,
      )
    ).rows[0]?.n,
  );

/** What the agencies' data changed in the registry: the rows and fields each adapter writes. */
async function registryState(database: Database) {
  const state: Record<string, unknown> = {};
  for (const [table, where] of [
    ['income', "source in ('tax', 'pension_fund')"],
    ['dwelling', "source = 'cadastre'"],
    ['vehicle', "source = 'vehicles'"],
    ['bank_deposit', "source like 'banks:%'"],
    ['medical_record', 'true'],
    ['person', "employment = 'employed_formal'"],
    ['inbound_record', 'true'],
  ] as const) {
    state[table] = await count(database, table, where);
  }
  state.incomeSum = Number(
    (
      await sql<{
        s: string;
      }>`select coalesce(sum(monthly_amount), 0) as s from income where source = 'tax'`.execute(database.db)
    ).rows[0]?.s,
  );
  return state;
}

describe('agency adapters and the inbound pipeline', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await seeded();
  }, 60_000);
  afterAll(async () => t?.cleanup());

  it('each adapter maps and applies a valid batch; a replay applies nothing new', async () => {
    const sim = await startSimulatedAgencies({ database: t.database, seed: 1 });
    const seededTax = await count(t.database, 'income', "source = 'tax'");
    const seededVehicles = await count(t.database, 'vehicle', "source = 'vehicles'");
    const seededDwellings = await count(t.database, 'dwelling', "source = 'cadastre'");
    try {
      for (const agency of AGENCIES) {
        if (agency === 'civil_registry') continue;
        const records = sim.records(agency);
        expect(records.length, agency).toBeGreaterThan(0);
        const first = await ingest(t.database, ADAPTERS[agency], records, { channel: 'pull' });
        expect(first, agency).toMatchObject({ applied: records.length, quarantined: 0, duplicates: 0 });
        const again = await ingest(t.database, ADAPTERS[agency], records, { channel: 'pull' });
        expect(again, agency).toMatchObject({ applied: 0, duplicates: records.length });
      }
      expect(await count(t.database, 'income', "source = 'tax'")).toBe(seededTax + sim.records('tax').length);
      expect(await count(t.database, 'vehicle', "source = 'vehicles'")).toBe(
        seededVehicles + sim.records('vehicles').length,
      );
      expect(await count(t.database, 'dwelling', "source = 'cadastre'")).toBe(
        seededDwellings + sim.records('cadastre').length,
      );
      expect(await count(t.database, 'medical_record')).toBe(sim.records('medical').length);
      expect(await count(t.database, 'stage_tax')).toBe(0);
    } finally {
      await sim.stop();
    }
  });

  it('quarantines a malformed record with its reason and applies the rest', async () => {
    const person = await t.database.db
      .selectFrom('person')
      .select('pinfl')
      .where('pinfl', 'is not', null)
      .executeTakeFirstOrThrow();
    const pinfl = String(person.pinfl);
    const good = [1, 2, 3].map((m) => ({
      id: `q-${m}`,
      pinfl,
      month: `2025-0${m}`,
      kind: 'wage',
      amount: 1000 * m,
    }));
    const bad = { id: 'q-bad', pinfl, month: '2025-13', kind: 'wage', amount: 5 };
    const unknown = {
      id: 'q-unknown',
      pinfl: makePinfl('1990-01-01', 'M', '001', 999),
      month: '2025-01',
      kind: 'wage',
      amount: 5,
    };
    const result = await ingest(t.database, ADAPTERS.tax, [...good, bad, unknown], {
      channel: 'push',
      detail: true,
    });
    expect(result).toMatchObject({ applied: 3, quarantined: 2, duplicates: 0 });
    expect(result.statuses.map((s) => s.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'quarantined',
      'quarantined',
    ]);
    const rows = await t.database.db
      .selectFrom('quarantine')
      .selectAll()
      .where('agency', '=', 'tax')
      .execute();
    expect(rows.find((r) => r.record_id === 'q-bad')?.reason).toMatch(/month/);
    expect(rows.find((r) => r.record_id === 'q-unknown')?.reason).toBe('unknown PINFL');
    expect(rows.find((r) => r.record_id === 'q-bad')?.payload).toEqual(bad);
    // The same bad payload again only counts up.
    await ingest(t.database, ADAPTERS.tax, [bad], { channel: 'push' });
    const again = await t.database.db
      .selectFrom('quarantine')
      .select('times_seen')
      .where('record_id', '=', 'q-bad')
      .executeTakeFirstOrThrow();
    expect(again.times_seen).toBe(2);
  });

  it('a pushed birth adds the child to the mother’s household and is reacted to once; a death ends membership', async () => {
    const mother = await sql<{ pinfl: string; household_id: string; last_name: string }>`
      select p.pinfl, m.household_id, p.last_name from person p join membership m on m.person_id = p.id
      where p.sex = 'F' and p.birth_date between current_date - interval '40 years' and current_date - interval '20 years'
        and m.valid_to is null and m.relationship in ('head', 'spouse') limit 1`.execute(t.database.db);
    const m = mother.rows[0];
    if (!m) throw new Error('no mother in the seeded population');
    const today = new Date().toISOString().slice(0, 10);
    const childPinfl = makePinfl(today, 'F', m.pinfl.slice(7, 10), 987);
    const birth = {
      id: 'crvs-birth-1',
      type: 'birth',
      date: today,
      child: { pinfl: childPinfl, lastName: m.last_name, firstName: 'Malika', sex: 'F' },
      motherPinfl: m.pinfl.trim(),
    };
    const seen: LifeEvent[] = [];
    const onLifeEvent = vi.fn(async (e: LifeEvent) => void seen.push(e));
    const first = await receivePushedEvents(t.database, 'civil_registry', [birth], { onLifeEvent });
    expect(first.results).toEqual([{ recordId: 'crvs-birth-1', status: 'applied', reacted: true }]);
    const again = await receivePushedEvents(t.database, 'civil_registry', [birth, birth], { onLifeEvent });
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(onLifeEvent).toHaveBeenCalledTimes(1);
    const child = await t.database.db
      .selectFrom('person')
      .innerJoin('membership', 'membership.person_id', 'person.id')
      .select(['person.id', 'membership.household_id', 'membership.relationship', 'membership.valid_from'])
      .where('person.pinfl', '=', childPinfl)
      .execute();
    expect(child).toEqual([
      { id: expect.any(String), household_id: m.household_id, relationship: 'child', valid_from: today },
    ]);
    expect(seen[0]).toMatchObject({
      kind: 'birth',
      source: 'civil_registry',
      householdIds: [m.household_id],
      personIds: [child[0]?.id],
    });

    // A bad child PINFL (wrong birth date) is quarantined, not applied.
    const wrong = { ...birth, id: 'crvs-birth-2', date: '2020-01-01' };
    const refused = await receivePushedEvents(t.database, 'civil_registry', [wrong], { onLifeEvent });
    expect(refused.results[0]).toMatchObject({
      status: 'quarantined',
      reason: expect.stringMatching(/child\.pinfl/),
    });

    const death = { id: 'crvs-death-1', type: 'death', date: today, pinfl: m.pinfl.trim() };
    const died = await receivePushedEvents(t.database, 'civil_registry', [death], { onLifeEvent });
    expect(died.results[0]?.status).toBe('applied');
    const after = await sql<{ death_date: string; open: string }>`
      select p.death_date, (select count(*) from membership where person_id = p.id and (valid_to is null or valid_to > ${today}::date)) as open
      from person p where p.pinfl = ${m.pinfl}`.execute(t.database.db);
    expect(after.rows[0]).toMatchObject({ death_date: today });
    expect(Number(after.rows[0]?.open)).toBe(0);
    expect(onLifeEvent).toHaveBeenCalledTimes(2);
  });
});

describe('pulling from the simulated agencies', () => {
  let clean: TestDatabase;
  let faulty: TestDatabase;
  beforeAll(async () => {
    [clean, faulty] = await Promise.all([seeded(), seeded()]);
  }, 90_000);
  afterAll(async () => {
    await clean?.cleanup();
    await faulty?.cleanup();
  });

  const settings = (baseUrl: string, over: Partial<PullSettings> = {}): PullSettings => ({
    baseUrl,
    pageSize: 40,
    timeoutMs: 250,
    retries: 6,
    backoffMs: 5,
    breakerFailures: 100,
    breakerCooldownMs: 0,
    ...over,
  });

  async function pullAll(database: Database, url: string) {
    for (const agency of AGENCIES) {
      for (let i = 0; i < 50; i++) {
        const result = await pullAgency(database, agency as AgencyName, settings(url));
        if (result.outcome === 'done') break;
      }
    }
  }

  it('ends with the same registry state with faults as without, nothing doubled', async () => {
    const a = await startSimulatedAgencies({ database: clean.database, seed: 3 });
    const b = await startSimulatedAgencies({
      database: faulty.database,
      seed: 3,
      faults: ['slow', 'timeout', 'error500', 'malformed', 'duplicate'],
      faultRate: 0.3,
      slowMs: 20,
      timeoutMs: 600,
    });
    try {
      await pullAll(clean.database, a.url);
      await pullAll(faulty.database, b.url);
      const expected = await registryState(clean.database);
      expect(expected.income).toBeGreaterThan(0);
      expect(await registryState(faulty.database)).toEqual(expected);
      // Pulling again finds nothing new.
      await pullAll(faulty.database, b.url);
      expect(await registryState(faulty.database)).toEqual(expected);
      expect(await count(faulty.database, 'quarantine')).toBeGreaterThan(0);
      // The search's member_name (migration 030) followed every membership the pulls moved (its triggers).
      for (const database of [clean.database, faulty.database]) {
        const differing = await database.query(
          `(select * from member_name except all select * from member_name_source)
           union all (select * from member_name_source except all select * from member_name)`,
        );
        expect(differing.rows).toEqual([]);
      }
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 60_000);

  it('opens the circuit breaker after repeated failures and half-opens after the cool-down', async () => {
    const sim = await startSimulatedAgencies({
      database: clean.database,
      faults: ['error500'],
      faultRate: 1,
    });
    try {
      const s = settings(sim.url, { retries: 0, breakerFailures: 2, breakerCooldownMs: 60_000 });
      expect((await pullAgency(clean.database, 'banks', s)).breaker).toBe('closed');
      expect((await pullAgency(clean.database, 'banks', s)).breaker).toBe('open');
      expect((await pullAgency(clean.database, 'banks', s)).outcome).toBe('breaker_open');
      sim.setFaults([]);
      const trial = await pullAgency(clean.database, 'banks', { ...s, breakerCooldownMs: 0 });
      expect(trial).toMatchObject({ outcome: 'done', breaker: 'closed' });
    } finally {
      await sim.stop();
    }
  });
});
