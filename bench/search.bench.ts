/**
 * Search benchmark: seeds a synthetic Khorezm into a fresh schema of the PostgreSQL server in DATABASE_URL,
 * then times 1,000 mixed staff searches (the service behind GET /api/households?q=) and drops the schema.
 *
 *   DATABASE_URL=postgres://... npm run bench:search                (420,000 households)
 *   BENCH_HOUSEHOLDS=50000 DATABASE_URL=postgres://... npm run bench:search
 *   npm run bench:search -- --pglite --households 5000              (in-memory PGlite instead)
 *   BENCH_SCHEMA=bench_search_x npm run bench:search                 (reuse a seeded schema, keep it)
 *
 * The queries are drawn from the seeded data, in equal shares: PINFL, phone, vehicle plate (typed with
 * spaces and in lower case), cadastre number, household reference, passport (typed `ab 1234567`), a Latin part of a last name (4 letters
 * from its middle) and a Cyrillic part of a last name. Each is timed alone, as a country-wide actor would
 * see it (no area filter: the widest, slowest case). The named peer is the search this replaced: a name
 * prefix (`?name=`), timed over the same Latin name parts (which it mostly does not find).
 *
 * The last line is JSON: {"households":..,"queries":..,"search_p50_ms":..,"search_p99_ms":..,...}
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { type Database, dropSchema, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { listHouseholds } from '../src/registry/households/household.service.ts';
import { Random } from '../src/shared/random.ts';
import { latinToCyrillic } from '../src/shared/transliterate.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';

const KINDS = [
  'pinfl',
  'phone',
  'plate',
  'cadastre',
  'reference',
  'passport',
  'latin_name_part',
  'cyrillic_name_part',
] as const;
type Kind = (typeof KINDS)[number];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      households: { type: 'string', default: process.env.BENCH_HOUSEHOLDS ?? '420000' },
      queries: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '2026' },
      pglite: { type: 'boolean', default: false },
    },
  });
  const households = Number(values.households);
  const queries = Number(values.queries);
  if (
    !Number.isInteger(households) ||
    households < 1 ||
    !Number.isInteger(queries) ||
    queries < KINDS.length
  ) {
    console.error('--households (BENCH_HOUSEHOLDS) and --queries must be positive integers');
    return 2;
  }
  const url = values.pglite ? undefined : process.env.DATABASE_URL;
  if (!values.pglite && !url) {
    console.error(
      'bench:search measures PostgreSQL: set DATABASE_URL (a schema of its own is made and dropped), or --pglite',
    );
    return 2;
  }
  // BENCH_SCHEMA: an already seeded schema (e.g. of an interrupted run) is reused and kept.
  const reuse = process.env.BENCH_SCHEMA;
  const schema = reuse ?? `bench_search_${randomBytes(4).toString('hex')}`;
  let database: Database | undefined;
  try {
    database = await openDatabase({ url, schema: url ? schema : undefined, poolSize: 4 });
    await migrate(database);
    const { db } = database;
    const seeded = reuse
      ? await counted(database)
      : await seedPopulation(database, {
          households,
          seed: Number(values.seed),
          scope: 'khorezm',
          progress: true,
          referenceDate: '2026-07-01',
        });
    await sql`analyze`.execute(db);

    const per = Math.ceil(queries / KINDS.length);
    const sample = async <T>(query: string) =>
      (await sql.raw<T>(`${query} order by random() limit ${per}`).execute(db)).rows;
    await sql`select setseed(0.2026)`.execute(db);
    const random = new Random(2026);
    const pool: Record<Kind, { q: string; household?: string }[]> = {
      pinfl: (
        await sample<{ q: string; h: string }>(
          `select p.pinfl as q, m.household_id as h from person p join membership m on m.person_id = p.id
         and m.valid_to is null where p.pinfl is not null`,
        )
      ).map((r) => ({ q: r.q, household: r.h })),
      phone: (
        await sample<{ q: string; h: string }>(
          `select p.phone as q, m.household_id as h from person p join membership m on m.person_id = p.id
         and m.valid_to is null where p.phone is not null`,
        )
      ).map((r) => ({ q: r.q.replace(/^\+998(\d\d)(\d{3})(\d\d)(\d\d)$/, '$1 $2-$3-$4'), household: r.h })),
      plate: (await sample<{ q: string }>('select plate as q from vehicle')).map((r) => ({
        q: r.q.toLowerCase(),
      })),
      cadastre: (
        await sample<{ q: string; h: string }>('select cadastre_number as q, household_id as h from dwelling')
      ).map((r) => ({ q: r.q, household: r.h })),
      reference: (
        await sample<{ q: string; h: string }>('select reference as q, id as h from household')
      ).map((r) => ({
        q: r.q,
        household: r.h,
      })),
      passport: (
        await sample<{ q: string; h: string }>(
          `select p.passport as q, m.household_id as h from person p join membership m on m.person_id = p.id
         and m.valid_to is null where p.passport is not null`,
        )
      ).map((r) => ({ q: `${r.q.slice(0, 2).toLowerCase()} ${r.q.slice(2)}`, household: r.h })),
      latin_name_part: [],
      cyrillic_name_part: [],
    };
    const names = await sample<{ q: string }>(
      'select last_name as q from person where length(last_name) >= 6',
    );
    for (const { q } of names) {
      const start = random.int(1, q.length - 5);
      pool.latin_name_part.push({ q: q.slice(start, start + 4) });
      pool.cyrillic_name_part.push({ q: latinToCyrillic(q) });
    }
    const mixed = KINDS.flatMap((kind) => pool[kind].map((entry) => ({ kind, ...entry }))).slice(0, queries);
    mixed.sort(() => random.int(0, 2) - 1);

    const page = { page: 1, pageSize: 25 };
    const all = { kind: 'all' } as const;
    // Warm-up: plans and pages, not measured.
    for (const entry of mixed.slice(0, 50)) await listHouseholds(db, { q: entry.q }, page, all);

    const times: Record<Kind, number[]> = Object.fromEntries(KINDS.map((k) => [k, []])) as never;
    const every: number[] = [];
    let found = 0;
    let expected = 0;
    for (const entry of mixed) {
      const start = performance.now();
      const result = await listHouseholds(db, { q: entry.q }, page, all);
      const ms = performance.now() - start;
      times[entry.kind].push(ms);
      every.push(ms);
      if (entry.household) {
        expected += 1;
        if (result.items.some((h) => h.id === entry.household)) found += 1;
      }
    }
    const peer: number[] = [];
    // The peer scans every household for each query (seconds each at 420,000): 10 of them give its figure.
    for (const entry of pool.latin_name_part.slice(0, 10)) {
      const start = performance.now();
      await listHouseholds(db, { name: entry.q }, page, all);
      peer.push(performance.now() - start);
    }

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const all50 = percentile(sorted(every), 50);
    const all99 = percentile(sorted(every), 99);
    const peer50 = percentile(sorted(peer), 50);
    const peer99 = percentile(sorted(peer), 99);
    const f = (ms: number) => ms.toFixed(2).padStart(8);
    const n = (value: number) => Math.round(value).toLocaleString('en');
    console.log(`\nSearch benchmark: ${seeded.database}, ${cpus().length} cores, node ${process.version}`);
    console.log(
      `  ${n(seeded.households)} households, ${n(seeded.persons)} persons; ${n(every.length)} queries`,
    );
    console.log(`  ${'kind'.padEnd(20)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    for (const kind of KINDS) {
      const s = sorted(times[kind]);
      console.log(
        `  ${kind.padEnd(20)} ${String(s.length).padStart(5)} ${f(percentile(s, 50))} ${f(percentile(s, 99))}`,
      );
    }
    console.log(`  ${'all'.padEnd(20)} ${String(every.length).padStart(5)} ${f(all50)} ${f(all99)}`);
    console.log(`  identifier queries that found their household: ${found} of ${expected}`);
    console.log(
      `  peer: the old name-prefix search (?name=) over the Latin name parts: p50 ${peer50.toFixed(2)} ms, ` +
        `p99 ${peer99.toFixed(2)} ms; search p99 / peer p99 = ${(all99 / peer99).toFixed(2)}`,
    );
    console.log(
      JSON.stringify({
        households: seeded.households,
        persons: seeded.persons,
        queries: every.length,
        search_p50_ms: Number(all50.toFixed(2)),
        search_p99_ms: Number(all99.toFixed(2)),
        found_identifiers: found,
        expected_identifiers: expected,
        peer_prefix_p99_ms: Number(peer99.toFixed(2)),
      }),
    );
    return 0;
  } finally {
    await database?.close();
    if (url && !reuse) await dropSchema(url, schema);
  }
}

async function counted(database: Database) {
  const one = async (table: string) =>
    Number((await database.query<{ n: number }>(`select count(*) as n from ${table}`)).rows[0]?.n ?? 0);
  return { database: database.kind, households: await one('household'), persons: await one('person') };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
