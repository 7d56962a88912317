import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.ts';
import { writeResultFile } from '../../src/payments/bank-file/result-file.ts';
import { REJECTION_REASONS } from '../../src/payments/bank-file/result-types.ts';
import { approveBatch, exportBatch, importResults } from '../../src/payments/batch.service.ts';
import { buildPayroll } from '../../src/payments/payroll.service.ts';
import { ledgerBalances, reconcileByMonth } from '../../src/payments/reconciliation.repository.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { FINANCE, recordsOf } from './support.ts';

/**
 * Over random months of decisions (granted, changed, ended, some backdated), deaths, holds, new accounts
 * and bank rejections, built, sent and answered month after month:
 * - each household-programme-month's lines add up to what the decisions make due for it, so nothing is paid
 *   twice (and what a later decision took back is recorded to recover), and no month has two lines;
 * - entitled = paid + rejected + pending + held for every month and programme, and the ledger agrees:
 *   the treasury paid out exactly the paid lines, nothing is left in transit, what is owed is what waits;
 * - building a month again, or importing a file again, changes nothing.
 */

const PROGRAMMES = ['child_allowance', 'material_assistance'] as const;
const MONTHS = ['2027-01', '2027-02', '2027-03', '2027-04', '2027-05'] as const;
const HOUSEHOLDS = 5;

type Programme = (typeof PROGRAMMES)[number];
type Event =
  | { kind: 'decide'; household: number; programme: Programme; amount: number; back: number }
  | { kind: 'end'; household: number; programme: Programme; back: number }
  | { kind: 'death'; household: number }
  | { kind: 'hold'; household: number }
  | { kind: 'lift'; household: number }
  | { kind: 'new_account'; household: number };

const household = fc.integer({ min: 0, max: HOUSEHOLDS - 1 });
const programme = fc.constantFrom(...PROGRAMMES);
const back = fc.integer({ min: 0, max: 2 });
const event: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      household,
      programme,
      amount: fc.integer({ min: 1, max: 9 }).map((n) => n * 50_000),
      back,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('end' as const), household, programme, back }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('death' as const), household }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hold' as const), household }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lift' as const), household }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('new_account' as const), household }) },
);
/** Per month: the events before its build, and which answers the bank rejects (by position, with a reason). */
const month = fc.record({
  events: fc.array(event, { maxLength: 6 }),
  rejections: fc.array(fc.tuple(fc.nat(40), fc.constantFrom(...REJECTION_REASONS)), { maxLength: 3 }),
});
/** A credit balance as a positive amount (0, never -0). */
const owed = (balance: number | undefined) => (balance ? -balance : 0);

const scenario = fc.array(month, { minLength: MONTHS.length, maxLength: MONTHS.length });

describe('the payments ledger over random months', () => {
  let t: TestApp;
  let actor: Actor & { kind: 'staff' };
  let mahallas: { code: string; district_code: string }[];

  beforeAll(async () => {
    t = await createTestApp();
    await t.staff('finance-property', FINANCE);
    const account = await t.database.db
      .selectFrom('account')
      .select(['id', 'username', 'display_name'])
      .where('username', '=', 'finance-property')
      .executeTakeFirstOrThrow();
    actor = {
      kind: 'staff',
      id: account.id,
      username: account.username,
      displayName: account.display_name,
      grants: FINANCE,
      sessionId: 'property',
    };
    mahallas = await t.database.db
      .selectFrom('mahalla')
      .select(['code', 'district_code'])
      .orderBy('code')
      .limit(40)
      .execute();
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  /** A fresh start: no payments, decisions or holds; the households of the last run are left (unused). */
  async function reset() {
    await sql`truncate payroll_run, payment_line, payment_line_hold, payment_batch, payment_batch_approval,
      payment_batch_export, payment_attempt, bank_result_file, payment_outcome, ledger_entry, payment_hold,
      payment_account, entitlement, decision, decision_trace, evaluation_run cascade`.execute(t.database.db);
    const [run] = await t.database.db
      .insertInto('evaluation_run')
      .values({ month: MONTHS[0], trigger: 'manual', status: 'finished' })
      .returning('id')
      .execute();
    const homes: { id: string; head: string }[] = [];
    for (let i = 0; i < HOUSEHOLDS; i++) {
      const place = mahallas[(i * 7) % mahallas.length];
      if (!place) throw new Error('no territory');
      const id = randomUUID();
      const head = randomUUID();
      await t.database.db
        .insertInto('person')
        .values({
          id: head,
          pinfl: null,
          last_name: 'Karimova',
          first_name: `Oydin ${i}`,
          name_key: `k ${i}`,
          sex: 'F',
          birth_date: '1985-01-01',
          source: 'test',
        })
        .execute();
      await t.database.db
        .insertInto('household')
        .values({
          id,
          district_code: place.district_code,
          mahalla_code: place.code,
          address: `Uy ${i}`,
          created_on: '2020-01-01',
          source: 'test',
        })
        .execute();
      await t.database.db
        .insertInto('membership')
        .values({
          household_id: id,
          person_id: head,
          relationship: 'head',
          valid_from: '2020-01-01',
          source: 'test',
        })
        .execute();
      homes.push({ id, head });
    }
    return { runId: run?.id ?? 0, homes };
  }

  it('never pays a household-programme-month twice, and always reconciles, to the so’m', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (months) => {
        const { runId, homes } = await reset();
        const db = t.database.db;
        // The decisions as the model keeps them: for each household and programme, (month index, order, amount).
        const decided = new Map<string, { at: number; order: number; amount: number }[]>();
        let order = 0;
        let accountSerial = 0;
        const key = (h: number, p: string) => `${h}:${p}`;
        const openAccount = async (h: number) => {
          const home = homes[h];
          if (!home) return;
          await db
            .updateTable('payment_account')
            .set({ closed_at: new Date() })
            .where('household_id', '=', home.id)
            .where('closed_at', 'is', null)
            .execute();
          accountSerial++;
          await db
            .insertInto('payment_account')
            .values({
              id: randomUUID(),
              household_id: home.id,
              holder_person_id: home.head,
              kind: 'card',
              bank_code: h % 2 ? '00014' : '00440',
              number: `8600${String(accountSerial).padStart(12, '0')}`,
              source: 'test',
            })
            .execute();
        };
        for (let h = 0; h < HOUSEHOLDS; h++) if (h !== 3) await openAccount(h); // one family has no account yet
        const decide = async (h: number, p: Programme, at: number, amount: number) => {
          const home = homes[h];
          if (!home) return;
          const list = decided.get(key(h, p)) ?? [];
          const previous = await db
            .selectFrom('decision')
            .select(['id', 'amount_after'])
            .where('household_id', '=', home.id)
            .where('programme', '=', p)
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          const [trace] = await db
            .insertInto('decision_trace')
            .values({
              household_id: home.id,
              month: MONTHS[at] ?? '',
              run_id: runId,
              parameters_digest: 'test',
              trace: JSON.stringify({}),
            })
            .returning('id')
            .execute();
          const kind =
            amount === 0 ? 'ended' : previous && previous.amount_after > 0 ? 'amount_changed' : 'granted';
          const [row] = await db
            .insertInto('decision')
            .values({
              household_id: home.id,
              programme: p,
              month: MONTHS[at] ?? '',
              kind,
              category_before: 'none',
              category_after: 'none',
              amount_before: previous?.amount_after ?? 0,
              amount_after: amount,
              previous_decision_id: previous?.id ?? null,
              trace_id: trace?.id ?? 0,
              parameters_digest: 'test',
              run_id: runId,
            })
            .returning('id')
            .execute();
          list.push({ at, order: order++, amount });
          decided.set(key(h, p), list);
          // The entitlement is only the payroll's list of candidates; what is due comes from the decisions.
          await db
            .insertInto('entitlement')
            .values({
              household_id: home.id,
              programme: p,
              category: 'none',
              amount,
              from_month: MONTHS[0],
              to_month: null,
              decided_month: MONTHS[at] ?? '',
              last_decision_id: row?.id ?? 0,
            })
            .onConflict((oc) =>
              oc
                .columns(['household_id', 'programme'])
                .doUpdateSet({ amount, last_decision_id: row?.id ?? 0 }),
            )
            .execute();
        };
        const dueAt = (h: number, p: string, at: number) => {
          const list = (decided.get(key(h, p)) ?? []).filter((d) => d.at <= at);
          list.sort((a, b) => b.at - a.at || b.order - a.order);
          return list[0]?.amount ?? 0;
        };

        for (const [i, plan] of months.entries()) {
          const current = MONTHS[i] ?? '';
          for (const e of plan.events) {
            const home = homes[e.household];
            if (!home) continue;
            if (e.kind === 'decide')
              await decide(e.household, e.programme, Math.max(0, i - e.back), e.amount);
            else if (e.kind === 'end') await decide(e.household, e.programme, Math.max(0, i - e.back), 0);
            else if (e.kind === 'death') {
              await db
                .updateTable('person')
                .set({ death_date: '2027-01-01' })
                .where('id', '=', home.head)
                .execute();
              for (const p of PROGRAMMES)
                if (dueAt(e.household, p, i) > 0) await decide(e.household, p, i, 0);
            } else if (e.kind === 'hold') {
              await db
                .insertInto('payment_hold')
                .values({ household_id: home.id, reason: 'data_mismatch', opened_by: 'test' })
                .execute();
            } else if (e.kind === 'lift') {
              await db
                .updateTable('payment_hold')
                .set({ closed_at: new Date(), closed_by: 'test' })
                .where('household_id', '=', home.id)
                .where('closed_at', 'is', null)
                .execute();
            } else {
              await openAccount(e.household);
              await db
                .updateTable('payment_hold')
                .set({ closed_at: new Date(), closed_by: 'test' })
                .where('household_id', '=', home.id)
                .where('reason', '=', 'account_problem')
                .where('closed_at', 'is', null)
                .execute();
            }
          }
          for (const p of PROGRAMMES) {
            const request = { month: current, programme: p, builtBy: 'test', fourEyesAbove: 10 ** 12 };
            const built = await buildPayroll(db, request);
            expect(built.created).toBe(true);
            expect((await buildPayroll(db, request)).created).toBe(false);
          }
          let rejectedNow = 0;
          const batches = await sql<{
            id: number;
          }>`select b.id from payment_batch b join payroll_run r on r.id = b.run_id
            where r.month = ${current} order by b.id`.execute(db);
          for (const { id } of batches.rows) {
            await approveBatch(db, actor, id);
            const file = await exportBatch(db, actor, id);
            const { header, lines } = recordsOf(file.text);
            const answers = lines.map((l, n) => {
              const rejected = plan.rejections.find(([at]) => at % lines.length === n);
              return {
                lineRef: l[1] ?? '',
                outcome: rejected ? ('rejected' as const) : ('paid' as const),
                amount: Number(l[4]),
                reason: rejected ? rejected[1] : null,
              };
            });
            const result = writeResultFile(
              {
                batchRef: header[3] ?? '',
                bankCode: header[4] ?? '',
                processedAt: `${current}-06T10:00:00Z`,
              },
              answers,
            );
            rejectedNow += answers
              .filter((a) => a.outcome === 'rejected')
              .reduce((sum, a) => sum + a.amount, 0);
            const bytes = new TextEncoder().encode(result);
            expect((await importResults(db, actor, id, bytes)).applied).toBe(true);
            expect((await importResults(db, actor, id, bytes)).applied).toBe(false);
          }

          // Each household-programme-month's lines add up to what is due, from the first payroll month on.
          const { rows: nets } = await sql<{
            household_id: string;
            programme: string;
            month: string;
            net: number;
            lines: number;
          }>`
            select household_id, programme, month, sum(amount)::bigint as net,
              count(*) filter (where kind <> 'correction')::int as lines
            from payment_line group by 1, 2, 3`.execute(db);
          const net = new Map(nets.map((n) => [`${n.household_id}:${n.programme}:${n.month}`, n]));
          for (const [h, home] of homes.entries()) {
            for (const p of PROGRAMMES) {
              for (let at = 0; at <= i; at++) {
                const got = net.get(`${home.id}:${p}:${MONTHS[at]}`);
                expect(Number(got?.net ?? 0), `household ${h} ${p} ${MONTHS[at]} after ${current}`).toBe(
                  dueAt(h, p, at),
                );
                expect(got?.lines ?? 0).toBeLessThanOrEqual(1);
              }
            }
          }
          // Paid at most what its lines asked for, per household-programme-month.
          const { rows: over } = await sql<{ n: number }>`select count(*)::int as n from (
              select l.household_id, l.programme, l.month
              from payment_line l left join payment_outcome o on o.line_id = l.id and o.outcome = 'paid'
              group by 1, 2, 3
              having coalesce(sum(case when o.line_id is not null then l.amount end), 0)
                   > sum(case when l.amount > 0 then l.amount else 0 end)) x`.execute(db);
          expect(over[0]?.n).toBe(0);

          // entitled = paid + rejected + pending + held, and the ledger says the same.
          const rec = await reconcileByMonth(db);
          let paid = 0;
          let rejected = 0;
          let waiting = 0;
          let recoverable = 0;
          for (const r of rec) {
            expect(r.entitled, `${r.month} ${r.programme}`).toBe(r.paid + r.rejected + r.pending + r.held);
            expect(r.pending).toBe(0); // every batch was answered whole
            paid += r.paid;
            rejected += r.rejected;
            waiting += r.rejected + r.held;
            recoverable += r.recoverable;
          }
          // What the bank returned this month waits as rejected until the next build sends (or holds) it.
          expect(rejected).toBe(rejectedNow);
          const balances = await ledgerBalances(db);
          expect(owed(balances.treasury)).toBe(paid);
          expect(balances.transit ?? 0).toBe(0);
          expect(owed(balances.payable)).toBe(waiting);
          expect(balances.recoverable ?? 0).toBe(recoverable);
        }
      }),
      { numRuns: Number(process.env.PAYMENTS_PROPERTY_RUNS ?? 12), seed: 20270104 },
    );
  }, 600_000);
});
