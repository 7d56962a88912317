/**
 * API load benchmark: the real server under autocannon, on PostgreSQL, at the scale of the whole of
 * Khorezm (420,000 households by default).
 *
 *   DATABASE_URL=postgres://... npm run bench:api
 *   DATABASE_URL=postgres://... npm run bench:api -- --households 20000 --duration 10 --connections 50
 *   BENCH_SCHEMA=reads_bench_x DATABASE_URL=postgres://... npm run bench:api     (another schema)
 *
 * The population is seeded once into a schema of its own, `reads_bench_<households>`, and reused by the
 * next runs (delete it with `drop schema reads_bench_420000 cascade`). The bench then starts the server
 * (`himoya serve`, production mode, in a process of its own), signs in a citizen and a social worker bound
 * to the busiest mahalla, warms every endpoint up, and loads each for --duration seconds with --connections
 * connections:
 * - `GET /health` (the ceiling: one database round trip);
 * - `GET /api/me` as the citizen;
 * - `GET /api/households/:id` as the worker, cycling through every household of the worker's mahalla;
 * - `GET /api/households?q=` as the worker, cycling through a mix of name beginnings (2 letters), full
 *   last names and PINFLs of people of that mahalla.
 * It prints one JSON line per endpoint, then checks the audit trail: the chain verifies, and every
 * successful record read and search left exactly one entry. The last line is the summary JSON.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { identitySettings } from '../src/identity/identity.settings.ts';
import { createSession } from '../src/identity/session.service.ts';
import { createStaffAccount } from '../src/identity/staff.service.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Database, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';
import { auditChainIntact, auditEntriesBy } from './api/audit-check.ts';
import { type EndpointFigures, loadEndpoint } from './api/load.ts';
import { startServer } from './api/server.ts';

/** Goals of issue 13, as shares of the health endpoint's requests per second and p99 ceilings. */
const GOALS = {
  record: { share: 1 / 6, p99Ms: 50 },
  search: { share: 1 / 20, p99Ms: 100 },
  me: { share: 1 / 4 },
} as const;

const WORKER = 'reads-bench-worker';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      households: { type: 'string', default: process.env.BENCH_HOUSEHOLDS ?? '420000' },
      duration: { type: 'string', default: '30' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '5' },
      seed: { type: 'string', default: '2026' },
      // Profiling: load only these endpoints (comma-separated names); no summary or goals then.
      only: { type: 'string' },
    },
  });
  const households = Number(values.households);
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  const warmup = Number(values.warmup);
  if (![households, seconds, connections].every((n) => Number.isInteger(n) && n > 0) || !(warmup >= 0)) {
    console.error('--households, --duration and --connections must be positive integers');
    return 2;
  }
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('postgres')) {
    console.error('bench:api measures PostgreSQL: set DATABASE_URL (the bench seeds a schema of its own)');
    return 2;
  }
  const schema = process.env.BENCH_SCHEMA ?? `reads_bench_${households}`;
  const database = await openDatabase({ url, schema, poolSize: 4 });
  try {
    await migrate(database);
    const seeded = await seededHouseholds(database, households, Number(values.seed));
    const { db } = database;

    // The worker: bound to the busiest mahalla, like the demo's worker1.
    const [mahalla] = (
      await sql<{ code: string; n: number }>`
        select mahalla_code as code, count(*)::int as n from household
        group by mahalla_code order by count(*) desc, mahalla_code limit 1`.execute(db)
    ).rows;
    if (!mahalla) throw new Error('no households');
    await createStaffAccount(db, {
      username: WORKER,
      password: randomUUID(),
      grants: [
        { role: 'social_worker', area: { kind: 'mahalla', code: mahalla.code }, organisation: 'Bench' },
      ],
    });
    const worker = await db
      .selectFrom('account')
      .select('id')
      .where('username', '=', WORKER)
      .executeTakeFirstOrThrow();
    const grant = await db
      .selectFrom('role_grant')
      .select(['area_code'])
      .where('account_id', '=', worker.id)
      .executeTakeFirstOrThrow();
    if (grant.area_code !== mahalla.code) {
      throw new Error(`${WORKER} exists bound to ${grant.area_code}, not ${mahalla.code}: drop the schema`);
    }
    const householdIds = (
      await sql<{
        id: string;
      }>`select id from household where mahalla_code = ${mahalla.code} order by id`.execute(db)
    ).rows.map((r) => r.id);
    const people = (
      await sql<{ pinfl: string; last_name: string }>`
        select p.pinfl, p.last_name from person p
        join membership m on m.person_id = p.id and m.valid_to is null
        join household h on h.id = m.household_id and h.mahalla_code = ${mahalla.code}
        where p.pinfl is not null and length(p.last_name) >= 3 order by p.pinfl limit 300`.execute(db)
    ).rows;
    // A search mix as a worker types it: a name's beginning, a full last name, a PINFL, in turn.
    const searches = people.flatMap((p) => [p.last_name.slice(0, 2), p.last_name, p.pinfl]);
    const citizen = await sql<{ id: string }>`
      select p.id from person p join membership m on m.person_id = p.id and m.valid_to is null
      where p.pinfl is not null and p.merged_into is null order by p.pinfl limit 1`.execute(db);
    const citizenId = citizen.rows[0]?.id;
    if (!citizenId) throw new Error('no citizen to sign in');

    const server = await startServer(url, schema);
    try {
      const settings = identitySettings(loadConfig(server.env));
      const cookieOf = async (
        owner: { kind: 'staff'; accountId: string } | { kind: 'citizen'; personId: string },
      ) => `himoya_session=${(await createSession(db, settings, owner)).token}`;
      const workerCookie = await cookieOf({ kind: 'staff', accountId: worker.id });
      const citizenCookie = await cookieOf({ kind: 'citizen', personId: citizenId });

      const endpoints = [
        { name: 'health', paths: ['/health'], cookie: undefined },
        { name: 'me', paths: ['/api/me'], cookie: citizenCookie },
        { name: 'record', paths: householdIds.map((id) => `/api/households/${id}`), cookie: workerCookie },
        {
          name: 'search',
          paths: searches.map((q) => `/api/households?pageSize=25&q=${encodeURIComponent(q)}`),
          cookie: workerCookie,
        },
      ].filter((e) => !values.only || values.only.split(',').includes(e.name));
      const options = (cookie: string | undefined, duration: number) => {
        const headers: Record<string, string> = cookie ? { cookie } : {};
        return { baseUrl: server.baseUrl, connections, seconds: duration, headers };
      };

      // Warm-up: plans, caches and the JIT, not measured (its audit entries are counted below too).
      const before = {
        read: await auditEntriesBy(db, worker.id, 'read', 'household'),
        search: await auditEntriesBy(db, worker.id, 'search', 'household'),
      };
      // Audited reads answered (2xx), and those sent but not answered (in flight when a run ended, timed
      // out): the server may still finish and record those, so they widen the expected count.
      const audited = { read: 0, search: 0, unanswered: 0 };
      const count = (name: string, f: EndpointFigures) => {
        if (name !== 'record' && name !== 'search') return;
        audited[name === 'record' ? 'read' : 'search'] += f.requests_2xx;
        audited.unanswered += f.unanswered;
      };
      if (warmup > 0) {
        for (const e of endpoints) {
          count(e.name, await loadEndpoint(e.name, e.paths, options(e.cookie, warmup)));
          await drained(server.baseUrl);
        }
      }
      const load = [loadavg()[0] ?? 0];
      const figures: Record<string, EndpointFigures> = {};
      for (const e of endpoints) {
        const f = await loadEndpoint(e.name, e.paths, options(e.cookie, seconds));
        figures[e.name] = f;
        load.push(loadavg()[0] ?? 0);
        count(e.name, f);
        console.log(JSON.stringify(f));
        await drained(server.baseUrl);
      }
      await server.stop();

      const after = {
        read: await auditEntriesBy(db, worker.id, 'read', 'household'),
        search: await auditEntriesBy(db, worker.id, 'search', 'household'),
      };
      const chain = await auditChainIntact(db);
      const within = (entries: number, answered: number) =>
        entries >= answered && entries <= answered + audited.unanswered;
      const onePerRead = within(after.read - before.read, audited.read);
      const onePerSearch = within(after.search - before.search, audited.search);
      console.log(
        JSON.stringify({
          audit_chain_ok: chain.ok,
          audit_entries_checked: chain.entries,
          audit_batches: chain.batches,
          audit_unsealed: chain.unsealed,
          record_reads_2xx: audited.read,
          record_read_entries: after.read - before.read,
          searches_2xx: audited.search,
          search_entries: after.search - before.search,
          unanswered_audited_requests: audited.unanswered,
        }),
      );

      const health = figures.health;
      const record = figures.record;
      const search = figures.search;
      const me = figures.me;
      if (!health || !record || !search || !me) {
        if (values.only) return 0;
        throw new Error('an endpoint was not measured');
      }
      const ratio = (f: EndpointFigures) => Number((f.rps / Math.max(1, health.rps)).toFixed(3));
      const goals = {
        record: ratio(record) >= GOALS.record.share && record.p99_ms < GOALS.record.p99Ms,
        search: ratio(search) >= GOALS.search.share && search.p99_ms < GOALS.search.p99Ms,
        me: ratio(me) >= GOALS.me.share,
      };
      console.error(
        `\nAPI under load: PostgreSQL, ${seeded.toLocaleString('en')} households, mahalla ${mahalla.code} ` +
          `(${mahalla.n} households), ${cpus().length} cores, node ${process.version}, ${connections} ` +
          `connections x ${seconds} s; load average (1 min) ${load.map((l) => l.toFixed(2)).join(' → ')}`,
      );
      console.log(
        JSON.stringify({
          health_rps: health.rps,
          record_rps: record.rps,
          record_p99_ms: record.p99_ms,
          search_rps: search.rps,
          search_p99_ms: search.p99_ms,
          me_rps: me.rps,
          me_p99_ms: me.p99_ms,
          audit_intact: chain.ok && onePerRead && onePerSearch,
          record_share_of_health: ratio(record),
          search_share_of_health: ratio(search),
          me_share_of_health: ratio(me),
          goals_met: goals,
          households: seeded,
          connections,
          seconds,
          load_average: Number((load.at(-1) ?? 0).toFixed(2)),
        }),
      );
      return chain.ok && onePerRead && onePerSearch ? 0 : 1;
    } finally {
      await server.stop();
    }
  } finally {
    await database.close();
  }
}

/**
 * Waits until the server has worked off what the last load left queued (requests the load generator gave
 * up on are still served): the next endpoint must not pay for them.
 */
async function drained(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const start = performance.now();
    const response = await fetch(`${baseUrl}/health`).catch(() => undefined);
    if (response?.ok && performance.now() - start < 50) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Seeds the schema with `households` households the first time; later runs reuse what is there. */
async function seededHouseholds(database: Database, households: number, seed: number): Promise<number> {
  const count = async () =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from household`.execute(database.db)).rows[0]?.n ??
        0,
    );
  const present = await count();
  if (present > 0) {
    if (present < households) {
      throw new Error(
        `the schema holds ${present} households, fewer than ${households}: drop it or rename it`,
      );
    }
    return present;
  }
  console.error(`seeding ${households.toLocaleString('en')} households (once; later runs reuse them)`);
  await seedPopulation(database, { households, seed, scope: 'khorezm', progress: true });
  // As autovacuum leaves a table in service: statistics, and a visibility map for index-only scans.
  await sql`vacuum analyze`.execute(database.db);
  return count();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
