import type { Kysely } from 'kysely';
import type { RoleGrant } from '../../src/access/actor.ts';
import { evaluateMonth } from '../../src/decisions/decision.service.ts';
import { PAYMENT_RECORDS } from '../../src/payments/payments.module.ts';
import type { DB } from '../../src/platform/db/schema.ts';
import { seedPopulation } from '../../src/synthetic/seed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** A registry of `households` seeded for `month`, evaluated once, so entitlements (and payroll lines) exist. */
export async function evaluatedWorld(
  month: string,
  options: { households?: number; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const t = await createTestApp(options.env ? { env: options.env } : {});
  await seedPopulation(t.database, {
    households: options.households ?? 300,
    seed: 7,
    scope: 'khorezm',
    progress: false,
    referenceDate: `${month}-01`,
  });
  await evaluateMonth(t.database.db, month, { trigger: 'manual' });
  return t;
}

export const FINANCE: RoleGrant[] = [
  { role: 'finance', area: { kind: 'region', code: '1733' }, organisation: 'Moliya bo‘limi' },
];

// Everything a payroll writes, and the holds it reads (accounts stay: the seed's).
const PAYMENT_TABLES = [...PAYMENT_RECORDS, 'payment_hold'] as const;
type PaymentTable = (typeof PAYMENT_TABLES)[number];

/** Rows of every payments table, to show a refused import or a killed build changed nothing. */
export async function paymentRowCounts(db: Kysely<DB>): Promise<Record<PaymentTable, number>> {
  const counts = {} as Record<PaymentTable, number>;
  for (const table of PAYMENT_TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** The bank file's records split into fields (no field of the demo data holds a comma or a quote). */
export function recordsOf(text: string): { header: string[]; lines: string[][]; trailer: string[] } {
  const rows = text
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  return { header: rows[0] ?? [], lines: rows.slice(1, -1), trailer: rows.at(-1) ?? [] };
}
