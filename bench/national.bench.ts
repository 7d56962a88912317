/**
 * The monthly run at scale, end to end on PostgreSQL: load the month from the registry, evaluate every
 * household, write the changes (decisions, traces, entitlements, the 'decisions written' event):
 *
 *   npm run bench:national -- [--households 9700000] [--region uzbekistan] [--month 2027-01]
 *                             [--changes 0.01] [--loads 3]
 *
 * The registry lives in a database of its own, `population_n<households>` on the server of DATABASE_URL
 * (default postgres://root@127.0.0.1:5432/test), seeded by `seedPopulation` (seed 2026, reference date the
 * first day of the month before `--month`) only when it holds no households yet: later runs reuse it.
 *
 * What is timed: the first run of a month over a fresh registry grants millions of entitlements (each with
 * its trace), which no later month does; so the bench empties the decisions, runs the month before
 * (`establish_s`, reported apart) to set the entitlements in force, builds the facts of `--month` ahead as
 * the nightly job does (`prepare_s`), applies registry changes to a share `--changes` of households (new
 * incomes: their facts go stale), then times the run of `--month`: load (stale households derived again, then
 * the binary COPY), evaluate, write. `--loads` more loads of the month alone are timed after it (`load_runs_s`).
 * `--load-only` skips the decisions: facts built (`prepare_s`), registry changes, then `--loads` loads timed.
 * The last line is JSON.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { evaluateMonth } from '../src/decisions/decision.service.ts';
import { loadPopulation } from '../src/decisions/population.loader.ts';
import { refreshFacts } from '../src/decisions/population-facts.repository.ts';
import { declareProgrammes } from '../src/decisions/programme.repository.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { addMonths, parseMonth } from '../src/rules/dates.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '9700000' },
    region: { type: 'string', default: 'uzbekistan' },
    month: { type: 'string', default: '2027-01' },
    changes: { type: 'string', default: '0.01' },
    loads: { type: 'string', default: '3' },
    'load-only': { type: 'boolean', default: false },
  },
});

const households = Number(args.households);
if (!Number.isInteger(households) || households < 1)
  throw new Error('--households must be a positive integer');
const region = args.region;
if (region !== 'khorezm' && region !== 'uzbekistan')
  throw new Error('--region must be khorezm or uzbekistan');
const month = parseMonth(args.month);
const before = addMonths(month, -1);
const changeShare = Number(args.changes);
const loads = Math.max(0, Number(args.loads));
const serverUrl = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const databaseName = `population_n${households}`;

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const rssMib = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function ensureDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (rows.length === 0) await admin.query(`create database ${databaseName}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

const database = await openDatabase({ url: await ensureDatabase() });
const db = database.db;
try {
  await migrate(database);
  await declareProgrammes(db);
  const count = await database.query<{ n: number }>('select count(*)::int as n from household');
  const present = count.rows[0]?.n ?? 0;
  if (present === 0) {
    console.error(
      `Seeding ${households.toLocaleString('en')} households (${region}) into ${databaseName}...`,
    );
    const report = await seedPopulation(database, {
      households,
      seed: 2026,
      scope: region,
      progress: true,
      referenceDate: before.firstDate,
    });
    console.error(`Seeded in ${report.seconds.toFixed(0)} s`);
  } else if (present !== households) {
    throw new Error(`${databaseName} holds ${present} households, not ${households}`);
  }
  const persons =
    (await database.query<{ n: number }>('select count(*)::int as n from person')).rows[0]?.n ?? 0;

  if (args['load-only']) {
    await loadOnly(persons);
  } else {
    await fullRun(persons);
  }
} finally {
  await database.close();
}

/** Registry changes after the facts were built: a new monthly income for a share of households' heads. */
async function changeRegistry(): Promise<{ households: number; ms: number }> {
  const t = performance.now();
  const changed = await database.query<{ n: number }>(
    `with chosen as (
       select m.person_id from membership m
       where m.relationship = 'head' and m.valid_to is null and random() < $1
     ), added as (
       insert into income (person_id, kind, monthly_amount, valid_from, source)
       select person_id, 'other', 2500000, $2::date, 'bench' from chosen
       returning person_id
     )
     select count(*)::int as n from added`,
    [changeShare, addMonths(month, -2).firstDate],
  );
  const households = changed.rows[0]?.n ?? 0;
  const ms = performance.now() - t;
  console.error(`Registry changes: new incomes for ${households} households in ${seconds(ms)} s`);
  return { households, ms };
}

async function loadOnly(persons: number): Promise<void> {
  let t = performance.now();
  const prepared = await refreshFacts(db, month);
  const prepareMs = performance.now() - t;
  console.error(`Facts of ${month.key} ready in ${seconds(prepareMs)} s (built: ${prepared.built})`);
  const changed = await changeRegistry();
  const loadRuns: number[] = [];
  // Node's own CPU time per load (parsing the COPY into columns): on a shared machine the wall time also
  // counts waiting for a core.
  const loadCpu: number[] = [];
  let loaded = 0;
  for (let k = 0; k < Math.max(1, loads); k++) {
    t = performance.now();
    const cpu = process.cpuUsage();
    const population = await loadPopulation(db, month.key);
    const used = process.cpuUsage(cpu);
    loadRuns.push(seconds(performance.now() - t));
    loadCpu.push(seconds((used.user + used.system) / 1000));
    loaded = population.householdCount;
  }
  console.log(
    JSON.stringify({
      households: loaded,
      persons,
      month: month.key,
      load_runs_s: loadRuns,
      load_node_cpu_s: loadCpu,
      stale_households: changed.households,
      prepare_s: seconds(prepareMs),
      built: prepared.built,
      peak_rss_mib: rssMib(),
      load_average: loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
    }),
  );
}

async function fullRun(persons: number): Promise<void> {
  // A clean slate of decisions: every run of the bench times the same work.
  await database.exec('truncate evaluation_run, decision_trace, decision, entitlement cascade');
  let t = performance.now();
  const established = await evaluateMonth(db, before.key, { trigger: 'manual' });
  const establishMs = performance.now() - t;
  console.error(
    `Established ${before.key}: ${established.decisionsWritten.toLocaleString('en')} decisions in ${seconds(establishMs)} s ` +
      `(load ${seconds(established.timings.loadMs)} s, evaluate ${seconds(established.timings.evaluateMs)} s, write ${seconds(established.timings.writeMs)} s)`,
  );

  t = performance.now();
  const prepared = await refreshFacts(db, month);
  const prepareMs = performance.now() - t;
  console.error(`Facts of ${month.key} built ahead in ${seconds(prepareMs)} s (${prepared.persons} persons)`);

  const changed = await changeRegistry();
  const changedHouseholds = changed.households;

  t = performance.now();
  const run = await evaluateMonth(db, month.key, { trigger: 'manual' });
  const totalMs = performance.now() - t;

  const loadRuns: number[] = [];
  for (let k = 0; k < loads; k++) {
    const s = performance.now();
    await loadPopulation(db, month.key);
    loadRuns.push(seconds(performance.now() - s));
  }

  console.log(
    [
      `${run.householdsEvaluated.toLocaleString('en')} households, ${persons.toLocaleString('en')} persons, month ${month.key}`,
      `  load     ${seconds(run.timings.loadMs)} s (${changedHouseholds} stale households derived again, then binary COPY)`,
      `  evaluate ${seconds(run.timings.evaluateMs)} s`,
      `  write    ${seconds(run.timings.writeMs)} s (${run.decisionsWritten.toLocaleString('en')} decisions)`,
      `  total    ${seconds(totalMs)} s (with the run's bookkeeping and the 'decisions written' event)`,
      `  loads of the month alone: ${loadRuns.join(', ')} s`,
      `  apart: month ${before.key} established in ${seconds(establishMs)} s (${established.decisionsWritten.toLocaleString('en')} decisions), facts of ${month.key} built ahead in ${seconds(prepareMs)} s`,
    ].join('\n'),
  );
  console.log(
    JSON.stringify({
      households: run.householdsEvaluated,
      persons,
      month: month.key,
      load_s: seconds(run.timings.loadMs),
      evaluate_s: seconds(run.timings.evaluateMs),
      write_s: seconds(run.timings.writeMs),
      total_s: seconds(totalMs),
      decisions: run.decisionsWritten,
      stale_households: changedHouseholds,
      load_runs_s: loadRuns,
      establish_s: seconds(establishMs),
      established_decisions: established.decisionsWritten,
      prepare_s: seconds(prepareMs),
      peak_rss_mib: rssMib(),
      load_average: loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
    }),
  );
}
