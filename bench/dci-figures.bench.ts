/**
 * DCI derived values: times region-wide DCI searches on poverty_score and group_size computed per request
 * (every figure stale) and served from the maintained figures (after a refresh), over a synthetic Khorezm in
 * a fresh schema of the PostgreSQL server in DATABASE_URL, and prints the plan of the served one.
 *
 *   DATABASE_URL=postgres://... npx tsx bench/dci-figures.bench.ts                 (20,000 households)
 *   BENCH_HOUSEHOLDS=5000 DATABASE_URL=postgres://... npx tsx bench/dci-figures.bench.ts
 *
 * The last line is JSON: {"households":..,"live_ms":{...},"maintained_ms":{...},"refresh_ms":..}
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { refreshDciFigures } from '../src/dci/dci.figures.ts';
import { parseQuery, parseSort } from '../src/dci/dci.query.ts';
import { searchDates } from '../src/dci/dci.records.ts';
import { searchPage } from '../src/dci/dci.repository.ts';
import { dropSchema, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL (the bench seeds a schema of its own and drops it)');
const households = Number(process.env.BENCH_HOUSEHOLDS ?? 20_000);
const schema = `bench_dci_${randomBytes(4).toString('hex')}`;
const SEARCHES = {
  poverty_below_1: { query: { poverty_score: { $lt: 1 } }, sort: 'poverty_score' },
  poverty_borderline: {
    query: { $and: [{ poverty_score: { $gte: 1 } }, { poverty_score: { $lt: 1.25 } }] },
    sort: 'poverty_score',
  },
  group_size_8_plus: { query: { group_size: { $gte: 8 } }, sort: 'group_size' },
} as const;

const database = await openDatabase({ url, schema });
try {
  await migrate(database);
  await seedPopulation(database, { households, seed: 2026, scope: 'khorezm', progress: false });
  await sql`analyze`.execute(database.db);
  const dates = searchDates();
  const run = async () => {
    const out: Record<string, number> = {};
    for (const [name, search] of Object.entries(SEARCHES)) {
      const { condition } = parseQuery(
        'expression',
        { type: 'expression', value: { expression: { collection: 'Group', query: search.query } } },
        'Group',
      );
      const input = {
        scope: { kind: 'areas' as const, regions: ['1733'], districts: [], mahallas: [] },
        dates,
        entity: 'Group' as const,
        condition,
        sort: parseSort([{ attribute_name: search.sort, sort_order: 'asc' }], 'Group'),
        pageSize: 100,
        pageNumber: 1,
      };
      await searchPage(database.db, input);
      const started = performance.now();
      for (let i = 0; i < 3; i++) await searchPage(database.db, input);
      out[name] = Math.round((performance.now() - started) / 3);
    }
    return out;
  };
  const live = await run();
  const refreshStarted = performance.now();
  await refreshDciFigures(database.db);
  const refreshMs = Math.round(performance.now() - refreshStarted);
  await sql`analyze dci_household_figure`.execute(database.db);
  const maintained = await run();
  const basis = `${dates.asOf}|${dates.mce}`;
  const plan = await sql<{ 'QUERY PLAN': string }>`explain select household_id from dci_household_figure
    where basis = ${basis} and poverty_score < 1`.execute(database.db);
  console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  console.log(`live (per request): ${JSON.stringify(live)} ms`);
  console.log(`maintained figures: ${JSON.stringify(maintained)} ms; refresh of all: ${refreshMs} ms`);
  console.log(
    JSON.stringify({ households, live_ms: live, maintained_ms: maintained, refresh_ms: refreshMs }),
  );
} finally {
  await database.close();
  await dropSchema(url, schema);
  await dropSchema(url, `${schema}_jobs`);
}
