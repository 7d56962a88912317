/**
 * A month paid, end to end on PostgreSQL, at the scale of the whole of Khorezm (420,000 households):
 * build the payroll of every monthly programme, approve and export every batch's bank file, import the
 * bank's result file of every batch, reconcile.
 *
 *   DATABASE_URL=postgres://... npm run bench:payroll
 *   DATABASE_URL=postgres://... npm run bench:payroll -- --households 20000 --month 2027-01 --rejected 0.01
 *   BENCH_SCHEMA=payroll_bench_x DATABASE_URL=postgres://... npm run bench:payroll      (another schema)
 *
 * Setup (not timed; `setup_s`): the population is seeded once into a schema of its own,
 * `payroll_bench_<households>` (seed 2026, reference date the first day of the month before `--month`), and
 * the month before `--month` is evaluated (`evaluateMonth`) so that entitlements are in force; later runs
 * reuse both (delete them with `drop schema payroll_bench_420000 cascade`). The payments tables are then
 * emptied, so every run builds the same first payroll (see `cleanPayments`). Two finance officers of the
 * region are created once (the batches above the four-eyes limit need both).
 *
 * Timed, each with performance.now():
 * - build_s: `buildPayrolls` of the month (every monthly programme);
 * - export_s: every batch approved (twice when above the four-eyes limit) and its bank file exported;
 * - import_s: every batch's result file written from its exported file (a share `--rejected` rejected,
 *   with a mix of reasons, the rest paid) and imported with `importResults`;
 * - reconcile_s: `reconcileByMonth` + `reconcileBatches` + `ledgerBalances`, and the check that it balances.
 * `--concurrency` batches are exported and imported at once (default 1: one after another, as an officer
 * would; each is its own transaction either way).
 *
 * Readable figures go to stdout, then one JSON line:
 * {"households","payments","build_s","export_s","import_s","reconcile_s","total_s","balanced","peak_rss_mib","load_average"}
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Actor, RoleGrant } from '../src/access/actor.ts';
import { evaluateMonth } from '../src/decisions/decision.service.ts';
import { declareProgrammes } from '../src/decisions/programme.repository.ts';
import { createStaffAccount } from '../src/identity/staff.service.ts';
import { parseCsvRecord } from '../src/payments/bank-file/frame.ts';
import {
  REJECTION_REASONS,
  type ResultLine,
  writeResultFile,
} from '../src/payments/bank-file/result-file.ts';
import {
  approveBatch,
  type ExportedFile,
  exportBatch,
  importResults,
} from '../src/payments/batch.service.ts';
import { PAYMENT_RECORDS } from '../src/payments/payments.module.ts';
import { paymentSettings } from '../src/payments/payments.settings.ts';
import { buildPayrolls } from '../src/payments/payroll.service.ts';
import {
  ledgerBalances,
  reconcileBatches,
  reconcileByMonth,
} from '../src/payments/reconciliation.repository.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type Database, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { addMonths, parseMonth } from '../src/rules/dates.ts';
import { seedPopulation } from '../src/synthetic/seed.ts';

type StaffActor = Actor & { kind: 'staff' };

const SEED = 2026;
/** Khorezm: the finance officers' area. */
const REGION = '1733';
const OFFICERS = ['payroll-bench-finance-1', 'payroll-bench-finance-2'];

/** Every table of src/payments that a payroll, its batches and their answers write (migration 032). */
// Everything a payroll writes, and the holds it reads (accounts stay: the seed's).
const PAYMENTS_TABLES = [...PAYMENT_RECORDS, 'payment_hold'] as const;

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const n = (value: number) => Math.round(value).toLocaleString('en');
const rssMib = () => Math.round(process.resourceUsage().maxRSS / 1024);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      households: { type: 'string', default: '420000' },
      month: { type: 'string', default: '2027-01' },
      rejected: { type: 'string', default: '0.01' },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const households = Number(values.households);
  const rejectedShare = Number(values.rejected);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(households) || households < 1) {
    console.error('--households must be a positive integer');
    return 2;
  }
  if (!(rejectedShare >= 0 && rejectedShare <= 1)) {
    console.error('--rejected must be a share between 0 and 1 (e.g. 0.01)');
    return 2;
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error('--concurrency must be a positive integer');
    return 2;
  }
  let month: ReturnType<typeof parseMonth>;
  try {
    month = parseMonth(values.month);
  } catch {
    console.error(`--month must be YYYY-MM, not '${values.month}'`);
    return 2;
  }
  const before = addMonths(month, -1);
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('postgres')) {
    console.error(
      'bench:payroll measures PostgreSQL: set DATABASE_URL to a postgres:// URL (the bench seeds a schema of its own)',
    );
    return 2;
  }
  const schema = process.env.BENCH_SCHEMA ?? `payroll_bench_${households}`;
  const fourEyesAbove = paymentSettings(
    loadConfig({ PAYMENT_FOUR_EYES_ABOVE: process.env.PAYMENT_FOUR_EYES_ABOVE }),
  ).fourEyesAbove;

  const database = await openDatabase({ url, schema, poolSize: Math.max(4, concurrency + 1) });
  const { db } = database;
  try {
    // ---- Setup, not timed ----
    const loadAtStart = load();
    const setupStart = performance.now();
    await migrate(database);
    await declareProgrammes(db);
    const seeded = await seededHouseholds(database, households, before.firstDate);
    const established = await establishedMonth(database, before.key);
    const cleaned = await cleanPayments(database);
    const [first, second] = await financeOfficers(database);
    if (!first || !second) throw new Error('no finance officers');
    const setupMs = performance.now() - setupStart;
    console.error(
      `Setup ${seconds(setupMs)} s: ${seeded.seeded ? 'seeded' : 'reused'} ${n(seeded.households)} households in ${schema}; ` +
        `${before.key} ${established.established ? 'evaluated' : 'already evaluated'} ` +
        `(${n(established.decisions)} decisions, ${n(established.entitlements)} entitlements in force); ` +
        `payments tables ${cleaned ? 'emptied' : 'empty'}`,
    );

    // ---- build_s ----
    const loadBefore = load();
    let t = performance.now();
    const builds = await buildPayrolls(db, { month: month.key, builtBy: 'bench', fourEyesAbove });
    const buildMs = performance.now() - t;
    const runs = builds.map((b) => b.run);
    if (builds.some((b) => !b.created)) throw new Error(`a payroll of ${month.key} existed already`);
    const payments = runs.reduce((s, r) => s + r.lines, 0);
    const entitledTotal = runs.reduce((s, r) => s + r.total, 0);
    const heldLines = runs.reduce((s, r) => s + r.heldLines, 0);
    const batchIds = (
      await db
        .selectFrom('payment_batch')
        .select('id')
        .where(
          'run_id',
          'in',
          runs.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    ).map((b) => b.id);

    // ---- export_s: approve (one officer, or two above the four-eyes limit), then the bank file ----
    t = performance.now();
    let secondApprovals = 0;
    const files = await inTurn(batchIds, concurrency, async (id) => {
      const approved = await approveBatch(db, first, id);
      if (approved.approvedBy.length < approved.approvalsRequired) {
        await approveBatch(db, second, id);
        secondApprovals += 1;
      }
      return exportBatch(db, first, id);
    });
    const exportMs = performance.now() - t;
    const sentLines = files.reduce((s, f) => s + f.batch.lines, 0);
    const sentTotal = files.reduce((s, f) => s + f.batch.total, 0);

    // ---- import_s: the bank's answer to each file, imported ----
    t = performance.now();
    let writeMs = 0;
    const expected = { paid: 0, paidTotal: 0, rejected: 0, rejectedTotal: 0 };
    const imports = await inTurn(files, concurrency, async (file) => {
      const w = performance.now();
      const lines = bankAnswer(file, rejectedShare);
      const text = writeResultFile(
        {
          batchRef: file.batch.reference,
          bankCode: file.batch.bankCode,
          processedAt: processedAt(file),
        },
        lines,
      );
      writeMs += performance.now() - w;
      for (const l of lines) {
        if (l.outcome === 'paid') {
          expected.paid += 1;
          expected.paidTotal += l.amount;
        } else {
          expected.rejected += 1;
          expected.rejectedTotal += l.amount;
        }
      }
      const result = await importResults(db, first, file.batch.id, Buffer.from(text, 'utf8'));
      if (!result.applied) throw new Error(`result file of ${file.batch.reference} was not applied`);
      return result;
    });
    const importMs = performance.now() - t;
    const holdsOpened = imports.reduce((s, r) => s + r.holdsOpened, 0);

    // ---- reconcile_s ----
    t = performance.now();
    // Every month and programme the payments tables hold (only this month's payroll: they were emptied).
    const byMonth = await reconcileByMonth(db);
    const byBatch = await reconcileBatches(db);
    const balances = await ledgerBalances(db);
    const paid = byMonth.reduce((s, m) => s + m.paid, 0);
    const monthsBalance = byMonth.every((m) => m.entitled === m.paid + m.rejected + m.pending + m.held);
    const batchesBalance = byBatch.every((b) => b.sent === b.paid + b.rejected + b.pending);
    const treasuryBalances = (balances.treasury ?? 0) === -paid;
    const balanced = monthsBalance && batchesBalance && treasuryBalances;
    const reconcileMs = performance.now() - t;
    const loadAfter = load();

    const totalMs = buildMs + exportMs + importMs + reconcileMs;
    const rejectedTotal = byMonth.reduce((s, m) => s + m.rejected, 0);
    const pendingTotal = byMonth.reduce((s, m) => s + m.pending, 0);
    const heldTotal = byMonth.reduce((s, m) => s + m.held, 0);
    // Beyond `balanced`: what the reconciliation says agrees with what the bench sent and answered.
    const agrees =
      paid === expected.paidTotal &&
      rejectedTotal === expected.rejectedTotal &&
      pendingTotal === 0 &&
      sentTotal === expected.paidTotal + expected.rejectedTotal &&
      entitledTotal === sentTotal + heldTotal;
    const perSecond = (ms: number) => n(payments / Math.max(ms / 1000, 1e-9));

    console.log(
      [
        `Payroll of ${month.key}: PostgreSQL, schema ${schema}, ${cpus().length} cores, node ${process.version}`,
        `  ${n(seeded.households)} households; ${runs.length} monthly programmes (${runs.map((r) => r.programme).join(', ')})`,
        ...runs.map(
          (r) =>
            `    ${r.programme}: ${n(r.lines)} lines, ${n(r.total)} so'm; ${n(r.batches)} batches; ${n(r.heldLines)} held (${n(r.heldTotal)} so'm)`,
        ),
        `  payments ${n(payments)} (${n(entitledTotal)} so'm); sent ${n(sentLines)} in ${n(batchIds.length)} batches ` +
          `(${secondApprovals} approved twice, four-eyes above ${n(fourEyesAbove)} so'm); held ${n(heldLines)}`,
        `  answered: paid ${n(expected.paid)}, rejected ${n(expected.rejected)} (${rejectedShare * 100} % asked); ` +
          `${holdsOpened} holds opened for wrong cards and closed accounts`,
        `  build      ${seconds(buildMs).toFixed(2).padStart(7)} s  ${perSecond(buildMs).padStart(9)} payments/s`,
        `  export     ${seconds(exportMs).toFixed(2).padStart(7)} s  ${perSecond(exportMs).padStart(9)} payments/s  (approvals and bank files, ${concurrency} batch(es) at once)`,
        `  import     ${seconds(importMs).toFixed(2).padStart(7)} s  ${perSecond(importMs).padStart(9)} payments/s  (of which writing the result files ${seconds(writeMs)} s)`,
        `  reconcile  ${seconds(reconcileMs).toFixed(2).padStart(7)} s  ${perSecond(reconcileMs).padStart(9)} payments/s  (${byMonth.length} month-programme rows, ${byBatch.length} batches)`,
        `  total      ${seconds(totalMs).toFixed(2).padStart(7)} s  ${perSecond(totalMs).padStart(9)} payments/s  (goal: under 30 s: ${seconds(totalMs) < 30 ? 'met' : 'not met'})`,
        `  balanced: ${balanced} (months ${monthsBalance}, batches ${batchesBalance}, treasury ${balances.treasury ?? 0} = -paid ${paid}: ${treasuryBalances}); ` +
          `agrees with the files sent and answered: ${agrees}`,
        `  ledger by account kind: ${Object.entries(balances)
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', ')}`,
        `  apart: setup ${seconds(setupMs)} s; load average ${loadAtStart} at the start, ${loadBefore} before build, ${loadAfter} after reconcile`,
      ].join('\n'),
    );
    console.log(
      JSON.stringify({
        households: seeded.households,
        payments,
        build_s: seconds(buildMs),
        export_s: seconds(exportMs),
        import_s: seconds(importMs),
        reconcile_s: seconds(reconcileMs),
        total_s: seconds(totalMs),
        balanced,
        peak_rss_mib: rssMib(),
        load_average: loadAfter,
      }),
    );
    return balanced && agrees ? 0 : 1;
  } finally {
    await database.close();
  }
}

/** Runs `fn` over the items with at most `limit` in flight; results in the items' order. */
async function inTurn<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The bank's answer to an exported file: each payment record (`P,lineRef,account,holder,amount,programme,
 * month`) paid, or rejected for a share `rejected` of them. Which ones, and why, follows from the line
 * reference (a hash), so every run rejects the same lines for the same reasons.
 */
function bankAnswer(file: ExportedFile, rejected: number): ResultLine[] {
  const records = file.text.split('\n');
  const lines: ResultLine[] = [];
  for (const record of records) {
    if (!record.startsWith('P,')) continue;
    const parsed = parseCsvRecord(record);
    if (!parsed.ok) throw new Error(`${file.fileName}: ${parsed.detail}`);
    const lineRef = parsed.fields[1] ?? '';
    const amount = Number(parsed.fields[4]);
    const draw = Number.parseInt(lineRef.slice(2, 10), 16) / 0x1_0000_0000;
    if (draw < rejected) {
      const reason = REJECTION_REASONS[Number.parseInt(lineRef.slice(10, 14), 16) % REJECTION_REASONS.length];
      lines.push({ lineRef, outcome: 'rejected', amount, reason: reason ?? 'technical' });
    } else {
      lines.push({ lineRef, outcome: 'paid', amount, reason: null });
    }
  }
  if (lines.length !== file.batch.lines) {
    throw new Error(`${file.fileName}: ${lines.length} payment records, the batch has ${file.batch.lines}`);
  }
  return lines;
}

/** The bank processes a file the day after it was exported. */
function processedAt(file: ExportedFile): string {
  const exported = file.batch.exportedAt ?? new Date();
  return new Date(exported.getTime() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Seeds the schema with `households` households the first time; later runs reuse what is there. */
async function seededHouseholds(
  database: Database,
  households: number,
  referenceDate: string,
): Promise<{ households: number; seeded: boolean }> {
  const count = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from household`.execute(database.db)).rows[0]?.n ?? 0;
  const present = await count();
  if (present > 0) {
    if (present !== households) {
      throw new Error(`the schema holds ${present} households, not ${households}: drop it or rename it`);
    }
    const seedRun = await sql<{ reference_date: string }>`
      select reference_date from seed_run order by id desc limit 1`.execute(database.db);
    const seededFor = seedRun.rows[0]?.reference_date;
    if (seededFor && seededFor !== referenceDate) {
      console.error(
        `note: the population was seeded for ${seededFor}, not ${referenceDate}; reused as it is`,
      );
    }
    return { households: present, seeded: false };
  }
  console.error(
    `Seeding ${households.toLocaleString('en')} households, reference date ${referenceDate} (once; later runs reuse them)`,
  );
  await seedPopulation(database, {
    households,
    seed: SEED,
    scope: 'khorezm',
    progress: true,
    referenceDate,
  });
  // As autovacuum leaves tables in service: statistics, and a visibility map for index-only scans.
  await sql`vacuum analyze household, person, membership, payment_account`.execute(database.db);
  return { households: await count(), seeded: true };
}

/**
 * The month before the measured one, evaluated so that entitlements are in force; done once. A schema
 * without a finished run of that month (a first run, or one stopped while evaluating) starts the
 * decisions afresh, as bench:national does: a first month grants every entitlement at once.
 */
async function establishedMonth(
  database: Database,
  monthKey: string,
): Promise<{ established: boolean; decisions: number; entitlements: number }> {
  const { db } = database;
  const finished = await sql<{ n: number }>`
    select count(*)::int as n from evaluation_run where month = ${monthKey} and status = 'finished'`.execute(
    db,
  );
  let established = false;
  if ((finished.rows[0]?.n ?? 0) === 0) {
    // Payment lines name decisions: the payments go first.
    await database.exec(`truncate ${PAYMENTS_TABLES.join(', ')}`);
    await database.exec('truncate evaluation_run, decision_trace, decision, entitlement cascade');
    console.error(`Evaluating ${monthKey} so that entitlements are in force (once; minutes at 420,000)...`);
    const t = performance.now();
    const run = await evaluateMonth(db, monthKey, { trigger: 'manual' });
    console.error(
      `Evaluated ${monthKey}: ${n(run.decisionsWritten)} decisions in ${seconds(performance.now() - t)} s ` +
        `(load ${seconds(run.timings.loadMs)} s, evaluate ${seconds(run.timings.evaluateMs)} s, write ${seconds(run.timings.writeMs)} s)`,
    );
    await sql`vacuum analyze decision, entitlement`.execute(db);
    established = true;
  }
  const counts = await sql<{ decisions: number; entitlements: number }>`
    select (select count(*) from decision)::int as decisions,
      (select count(*) from entitlement where to_month is null)::int as entitlements`.execute(db);
  return {
    established,
    decisions: counts.rows[0]?.decisions ?? 0,
    entitlements: counts.rows[0]?.entitlements ?? 0,
  };
}

/**
 * A clean payments state. The payments tables are append-only (triggers refuse UPDATE and DELETE, not
 * TRUNCATE), so an earlier run's rows are truncated rather than deleted. Truncating, rather than building a
 * fresh month on top of the earlier runs, keeps every run's work the same: a first payroll of the month
 * with no previous run, so no arrears or corrections to look for, no lines held or rejected before to send
 * again and no holds the earlier imports opened. Any payments row at all is cleared, not only the measured
 * month's, for the same reason. Payment accounts (where families are paid, from the seed) stay.
 *
 * An import tells each family of its payment (a notification per channel, deduplicated by
 * `payment:<line reference>`, and an SMS outbox message). References are derived from what they name, so a
 * later run makes the same keys: the notices the earlier runs left are deleted too (only those), or a later
 * run would skip them and time less work than the first.
 */
async function cleanPayments(database: Database): Promise<boolean> {
  const { rows } = await sql<{ any: boolean }>`
    select exists (select 1 from payroll_run) or exists (select 1 from payment_hold)
      or exists (select 1 from ledger_entry)
      or exists (select 1 from notification where dedupe_key like 'payment:%') as any`.execute(database.db);
  if (!rows[0]?.any) return false;
  await database.exec(`truncate ${PAYMENTS_TABLES.join(', ')}`);
  // The ids go through a table with statistics, so the outbox's rows are matched by a hash join, not one
  // scan of the told ids per message.
  await database.exec(`create temporary table told (id text primary key);
    with gone as (delete from notification where dedupe_key like 'payment:%' returning id)
    insert into told select id::text from gone;
    analyze told;
    delete from outbox_message o using told where o.kind = 'sms' and o.payload->>'notificationId' = told.id;
    drop table told;`);
  // The server may run without autovacuum (this one does): the deleted rows' space is made reusable here.
  await database.exec('vacuum notification, outbox_message');
  return true;
}

/** Two finance officers of the region (created once): the second approves batches above the four-eyes limit. */
async function financeOfficers(database: Database): Promise<StaffActor[]> {
  const { db } = database;
  const grants: RoleGrant[] = [
    { role: 'finance', area: { kind: 'region', code: REGION }, organisation: 'Moliya' },
  ];
  const officers: StaffActor[] = [];
  for (const username of OFFICERS) {
    await createStaffAccount(db, { username, password: randomUUID(), grants });
    const account = await db
      .selectFrom('account')
      .select(['id', 'username', 'display_name'])
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    officers.push({
      kind: 'staff',
      id: account.id,
      username: account.username,
      displayName: account.display_name,
      grants,
      sessionId: 'bench',
    });
  }
  return officers;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
