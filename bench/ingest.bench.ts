/**
 * Inbound agency records per second through the adapter path (validate → COPY into staging → apply
 * set-based in one transaction per batch), on PostgreSQL: `DATABASE_URL=postgres://... npm run bench:ingest`.
 * It seeds a population into a schema of its own, generates N tax income records for its PINFLs
 * (INGEST_RECORDS, default 1,000,000; INGEST_HOUSEHOLDS, default 20,000; INGEST_BATCH, default 100,000),
 * ingests them, and drops the schema. Prints a final JSON line with `records_per_s` and
 * `event_to_offer_p99_ms`.
 */
import { randomBytes } from 'node:crypto';
import { TaxRecord, taxAdapter } from '../src/integration/adapters/tax.adapter.ts';
import { ingest } from '../src/integration/inbound/ingest.ts';
import { dropSchema, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';
import { measureEventToOffer } from './ingest/event-to-offer.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    'bench:ingest measures PostgreSQL: set DATABASE_URL (e.g. postgres://root@127.0.0.1:5432/test).',
  );
  console.log(
    JSON.stringify({ records_per_s: null, event_to_offer_p99_ms: null, error: 'DATABASE_URL unset' }),
  );
  process.exit(1);
}
const N = Number(process.env.INGEST_RECORDS ?? 1_000_000);
const HOUSEHOLDS = Number(process.env.INGEST_HOUSEHOLDS ?? 20_000);
const BATCH = Number(process.env.INGEST_BATCH ?? 100_000);
const CONCURRENCY = Number(process.env.INGEST_CONCURRENCY ?? 2);
const schema = `bench_ingest_${randomBytes(4).toString('hex')}`;

const database = await openDatabase({ url, schema, poolSize: 4 });
try {
  await migrate(database);
  const seed = await seedPopulation(database, {
    households: HOUSEHOLDS,
    seed: 2026,
    scope: 'khorezm',
    progress: false,
  });
  const { rows } = await database.query<{ pinfl: string }>(
    'select pinfl from person where pinfl is not null',
  );
  const pinfls = rows.map((r) => r.pinfl);
  console.log(
    `seeded ${seed.persons} persons (${pinfls.length} with a PINFL) in ${seed.seconds.toFixed(1)} s`,
  );

  const records: unknown[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const year = 2015 + (Math.floor(i / pinfls.length) % 10);
    const month = String(1 + (i % 12)).padStart(2, '0');
    records[i] = {
      id: `tax-${i}`,
      pinfl: pinfls[i % pinfls.length],
      month: `${year}-${month}`,
      kind: i % 7 === 0 ? 'business' : 'wage',
      amount: 1_000_000 + (i % 5_000_000),
    };
  }

  // Validation alone: zod against the hand-written validator the adapter uses (same checks).
  const sample = records.slice(0, Math.min(N, 200_000));
  let t = performance.now();
  for (const r of sample) TaxRecord.safeParse(r);
  const zodPerS = sample.length / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const r of sample) taxAdapter.parse(r);
  const handPerS = sample.length / ((performance.now() - t) / 1000);
  console.log(
    `validation only: zod ${Math.round(zodPerS).toLocaleString('en')}/s, hand-written ${Math.round(handPerS).toLocaleString('en')}/s`,
  );

  const started = performance.now();
  let applied = 0;
  // Batches in flight at once: one validates and COPYs while another applies (both cores busy).
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const from = next;
      next += BATCH;
      const result = await ingest(database, taxAdapter, records.slice(from, from + BATCH), {
        channel: 'pull',
      });
      applied += result.applied;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const recordsPerS = Math.round(N / seconds);
  console.log(
    `ingested ${N.toLocaleString('en')} records (${applied.toLocaleString('en')} applied) in ${seconds.toFixed(1)} s`,
  );

  const latency = await measureEventToOffer(database, schema);
  const eventToOfferP99Ms = latency.p99;
  console.log(
    `event to offer (birth pushed over HTTP → child allowance decided with its trace, SMS queued), ` +
      `${latency.n} births: p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms`,
  );

  console.log(
    JSON.stringify({
      records: N,
      applied,
      seconds: Number(seconds.toFixed(2)),
      batch: BATCH,
      concurrency: CONCURRENCY,
      database: 'postgres',
      records_per_s: recordsPerS,
      event_to_offer_p50_ms: latency.p50,
      event_to_offer_p99_ms: eventToOfferP99Ms,
    }),
  );
} finally {
  await database.close();
  await dropSchema(url, schema);
}
