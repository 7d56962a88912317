import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPayroll } from '../../src/payments/payroll.service.ts';
import type { TestApp } from '../support/app.ts';
import { evaluatedWorld, FINANCE } from './support.ts';

const MONTH = '2026-03';
const PROGRAMME = 'child_allowance';
const BIN = resolve(import.meta.dirname, '../../bin/himoya.js');
const url = process.env.DATABASE_URL || undefined;
if (!url)
  console.warn(
    'payroll-once: the SIGKILL test is skipped, it needs PostgreSQL shared with a CLI process (set DATABASE_URL)',
  );

/** What a build made, by the references and natural keys it gives (ids come from sequences and differ). */
async function builtPayroll(t: TestApp) {
  const { rows: lines } = await sql<Record<string, unknown>>`
    select household_id, programme, month, kind, amount, decision_id from payment_line
    order by household_id, programme, month, kind`.execute(t.database.db);
  const { rows: batches } = await sql<Record<string, unknown>>`
    select reference, bank_code, district_code, lines, total, approvals_required from payment_batch
    order by reference`.execute(t.database.db);
  const { rows: attempts } = await sql<Record<string, unknown>>`
    select a.reference, a.amount, a.account_id, b.reference as batch from payment_attempt a
    join payment_batch b on b.id = a.batch_id order by a.reference`.execute(t.database.db);
  const { rows: holds } = await sql<Record<string, unknown>>`
    select l.household_id, l.month, h.reason from payment_line_hold h join payment_line l on l.id = h.line_id
    order by l.household_id, l.month`.execute(t.database.db);
  const { rows: ledger } = await sql<Record<string, unknown>>`
    select kind, debit, credit, sum(amount)::bigint as amount, count(*)::int as entries from ledger_entry
    group by kind, debit, credit order by kind, debit, credit`.execute(t.database.db);
  return { lines, batches, attempts, holds, ledger };
}

describe('a payroll is built once', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Large enough on PostgreSQL for a build to take long enough to be killed in the middle.
    t = await evaluatedWorld(MONTH, { households: url ? 12_000 : 300 });
  }, 300_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('two builds of one month started at once make one run, once, in the service and over HTTP', async () => {
    const request = { month: MONTH, programme: PROGRAMME, builtBy: 'test', fourEyesAbove: 10 ** 12 };
    const [a, b] = await Promise.all([
      buildPayroll(t.database.db, request),
      buildPayroll(t.database.db, request),
    ]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.run.id).toBe(b.run.id);
    const finance = await t.staff('finance-once', FINANCE);
    const replies = await Promise.all(
      [1, 2, 3].map(() =>
        t.app.inject({
          method: 'POST',
          url: '/api/payments/runs',
          headers: finance,
          payload: { month: '2026-04' },
        }),
      ),
    );
    for (const r of replies) expect(r.statusCode, r.body).toBe(200);
    const created = replies.flatMap((r) =>
      (r.json() as { items: { created: boolean }[] }).items.filter((i) => i.created),
    );
    expect(created).toHaveLength(2); // one per monthly programme, by whichever request came first
    const runs = await t.database.db
      .selectFrom('payroll_run')
      .select(['month', 'programme'])
      .orderBy('month')
      .orderBy('programme')
      .execute();
    expect(runs).toEqual([
      { month: '2026-03', programme: 'child_allowance' },
      { month: '2026-04', programme: 'child_allowance' },
      { month: '2026-04', programme: 'material_assistance' },
    ]);
    // Each household-programme-month has one line, however many builds asked.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from (
        select household_id, programme, month from payment_line where kind <> 'correction'
        group by 1, 2, 3 having count(*) > 1) d`.execute(t.database.db);
    expect(rows[0]?.n).toBe(0);
  });

  it.skipIf(!url)(
    'killed with SIGKILL in the middle of a build, then run again, the CLI makes exactly the batch an uninterrupted run makes',
    async () => {
      const truncate = () =>
        sql`truncate payroll_run, payment_line, payment_line_hold, payment_batch, payment_batch_approval,
          payment_batch_export, payment_attempt, bank_result_file, payment_outcome, ledger_entry`.execute(
          t.database.db,
        );
      const cli = (): ChildProcess =>
        spawn(process.execPath, [BIN, 'payroll', 'build', '--month', MONTH, '--programme', PROGRAMME], {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            NODE_ENV: 'test',
            DATABASE_URL: url ?? '',
            DATABASE_SCHEMA: t.schema,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      const finished = (child: ChildProcess) =>
        new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

      await truncate();
      const whole = cli();
      expect(await finished(whole)).toBe(0);
      const reference = await builtPayroll(t);
      expect(reference.batches.length).toBeGreaterThan(0);

      await truncate();
      // The build holds its advisory lock from its first statement to its commit: kill it while it does.
      const lockHeld = async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks
          where locktype = 'advisory' and objsubid = 2 and granted
            and classid = hashtext(${t.schema} || ':payroll:' || ${PROGRAMME})::oid
            and objid = hashtext(${MONTH})::oid`.execute(t.database.db);
        return (rows[0]?.n ?? 0) > 0;
      };
      const victim = cli();
      let killed = false;
      for (let i = 0; i < 6_000 && victim.exitCode === null; i++) {
        if (await lockHeld()) {
          victim.kill('SIGKILL');
          killed = true;
          break;
        }
        await sleep(2);
      }
      await finished(victim);
      expect(killed, 'the build finished before it could be killed').toBe(true);
      // Nothing of the killed build was committed.
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from payroll_run`.execute(
        t.database.db,
      );
      expect(rows[0]?.n).toBe(0);

      const again = cli();
      expect(await finished(again)).toBe(0);
      expect(await builtPayroll(t)).toEqual(reference);
    },
    300_000,
  );
});
