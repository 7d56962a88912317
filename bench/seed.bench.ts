/**
 * Seeding benchmark: generates and loads a synthetic population into a fresh schema of the PostgreSQL
 * server in DATABASE_URL, prints the figures, and drops the schema again.
 *
 *   DATABASE_URL=postgres://... npm run bench:seed -- --households 420000 [--seed 2026]
 *   npm run bench:seed -- --pglite --households 20000      (in-memory PGlite instead)
 *
 * The last line is JSON: {"households":..,"persons":..,"seconds":..,"rows_per_s":..,"persons_per_s":..}
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { type Database, dropSchema, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      households: { type: 'string', default: '420000' },
      seed: { type: 'string', default: '2026' },
      'reference-date': { type: 'string', default: '2026-07-01' },
      pglite: { type: 'boolean', default: false },
    },
  });
  const households = Number(values.households);
  const seed = Number(values.seed);
  if (!Number.isInteger(households) || households < 1 || !Number.isInteger(seed)) {
    console.error('--households must be a positive integer and --seed an integer');
    return 2;
  }
  const url = values.pglite ? undefined : process.env.DATABASE_URL;
  if (!values.pglite && !url) {
    console.error(
      'bench:seed measures loading into PostgreSQL: set DATABASE_URL to a postgres:// URL (a schema of its own ' +
        'is created and dropped), or pass --pglite to measure the embedded database in memory.',
    );
    return 2;
  }
  const schema = `bench_seed_${randomBytes(4).toString('hex')}`;
  let database: Database | undefined;
  try {
    database = await openDatabase({ url, schema: url ? schema : undefined, poolSize: 12 });
    await migrate(database);
    const report = await seedPopulation(database, {
      households,
      seed,
      scope: 'khorezm',
      progress: true,
      referenceDate: values['reference-date'],
    });
    const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
    const n = (value: number) => Math.round(value).toLocaleString('en');
    console.log(`\nSeeding benchmark: ${report.database}, ${cpus().length} cores, node ${process.version}`);
    console.log(
      `  ${n(report.households)} households, ${n(report.persons)} persons in ${report.seconds.toFixed(1)} s`,
    );
    console.log(`  ${'table'.padEnd(14)} ${'rows'.padStart(11)} ${'rows/s'.padStart(11)}`);
    for (const [table, rows] of Object.entries(report.rows)) {
      console.log(`  ${table.padEnd(14)} ${n(rows).padStart(11)} ${n(rows / report.seconds).padStart(11)}`);
    }
    console.log(`  ${'all'.padEnd(14)} ${n(total).padStart(11)} ${n(report.rowsPerSecond).padStart(11)}`);
    console.log(`  persons/s ${n(report.personsPerSecond)}`);
    console.log(
      JSON.stringify({
        households: report.households,
        persons: report.persons,
        seconds: Number(report.seconds.toFixed(2)),
        rows_per_s: Math.round(report.rowsPerSecond),
        persons_per_s: Math.round(report.personsPerSecond),
      }),
    );
    return 0;
  } finally {
    await database?.close();
    if (url) await dropSchema(url, schema);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
