import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../platform/db/database.ts';
import type { AgencyName } from '../adapters/adapter.ts';
import { ADAPTERS } from '../adapters/index.ts';
import type { BreakerState } from '../integration.tables.ts';
import { type InboundOptions, reactToBatch } from './inbound.service.ts';
import { ingest } from './ingest.ts';

export interface PullSettings {
  /** Base URL of the agencies' API: pages at `${baseUrl}/agencies/${agency}/records?cursor=&limit=`. */
  baseUrl: string;
  pageSize: number;
  timeoutMs: number;
  /** Retries of one page after the first attempt, with exponential backoff from `backoffMs`. */
  retries: number;
  backoffMs: number;
  /** Consecutive failed pulls that open the breaker. */
  breakerFailures: number;
  /** How long an open breaker refuses pulls before one trial (half-open). */
  breakerCooldownMs: number;
  /** Stop after this many pages (the next run goes on from the cursor). */
  maxPages?: number;
}

/** The protocol's page: records, the cursor to ask for next, whether more records wait. */
export const AgencyPage = z.object({
  records: z.array(z.unknown()),
  next: z.string().max(200),
  more: z.boolean(),
});
export type AgencyPage = z.infer<typeof AgencyPage>;

export interface PullResult {
  agency: AgencyName;
  pages: number;
  applied: number;
  duplicates: number;
  quarantined: number;
  breaker: BreakerState;
  /** 'breaker_open': not tried; 'failed': a page failed after its retries. */
  outcome: 'done' | 'partial' | 'breaker_open' | 'failed';
  error?: string;
}

async function cursorRow(database: Database, agency: AgencyName) {
  await database.db
    .insertInto('integration_cursor')
    .values({ agency })
    .onConflict((oc) => oc.column('agency').doNothing())
    .execute();
  return database.db
    .selectFrom('integration_cursor')
    .selectAll()
    .where('agency', '=', agency)
    .executeTakeFirstOrThrow();
}

/** One page, with a timeout per request and retries with exponential backoff (and a little jitter). */
export async function fetchPage(
  url: string,
  settings: Pick<PullSettings, 'timeoutMs' | 'retries' | 'backoffMs'>,
): Promise<AgencyPage> {
  let last: unknown;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    if (attempt > 0) {
      const delay = settings.backoffMs * 2 ** (attempt - 1);
      await sleep(delay + Math.floor(Math.random() * (delay / 4 + 1)));
    }
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const page = AgencyPage.safeParse(await response.json());
      if (!page.success) throw new Error('the page is not in the protocol shape');
      return page.data;
    } catch (error) {
      last = error;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/**
 * Pulls an agency's pages since the stored cursor. Each page is one ingest batch, and the cursor moves in
 * that batch's transaction, so a crash between pages loses nothing and applies nothing twice. The circuit
 * breaker (state in `integration_cursor`) opens after `breakerFailures` consecutive failed pulls; after
 * the cool-down one trial pull runs (half-open): success closes it, failure opens it again.
 */
export async function pullAgency(
  database: Database,
  agency: AgencyName,
  settings: PullSettings,
  options: InboundOptions = {},
): Promise<PullResult> {
  const adapter = ADAPTERS[agency];
  const row = await cursorRow(database, agency);
  const result: PullResult = {
    agency,
    pages: 0,
    applied: 0,
    duplicates: 0,
    quarantined: 0,
    breaker: row.breaker_state,
    outcome: 'done',
  };
  if (row.breaker_state === 'open') {
    const openedAt = row.breaker_opened_at?.getTime() ?? 0;
    if (Date.now() - openedAt < settings.breakerCooldownMs) return { ...result, outcome: 'breaker_open' };
    await database.db
      .updateTable('integration_cursor')
      .set({ breaker_state: 'half_open' })
      .where('agency', '=', agency)
      .execute();
    result.breaker = 'half_open';
  }
  await database.db
    .updateTable('integration_cursor')
    .set({ last_pull_at: new Date() })
    .where('agency', '=', agency)
    .execute();
  let cursor = row.cursor ?? '';
  const base = settings.baseUrl.replace(/\/$/, '');
  for (;;) {
    const url = `${base}/agencies/${agency}/records?limit=${settings.pageSize}&cursor=${encodeURIComponent(cursor)}`;
    let page: AgencyPage;
    try {
      page = await fetchPage(url, settings);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failed = await database.db
        .updateTable('integration_cursor')
        .set((eb) => ({
          consecutive_failures: eb('consecutive_failures', '+', 1),
          last_error: message.slice(0, 500),
          breaker_state: sql<BreakerState>`case when breaker_state = 'half_open' or consecutive_failures + 1 >= ${settings.breakerFailures} then 'open' else breaker_state end`,
          breaker_opened_at: sql<Date>`case when breaker_state = 'half_open' or consecutive_failures + 1 >= ${settings.breakerFailures} then now() else breaker_opened_at end`,
        }))
        .where('agency', '=', agency)
        .returning('breaker_state')
        .executeTakeFirstOrThrow();
      return { ...result, breaker: failed.breaker_state, outcome: 'failed', error: message };
    }
    const next = page.next;
    const batch = await ingest(database, adapter, page.records, {
      channel: 'pull',
      detail: adapter.eventFeed === true,
      afterApply: async (trx, summary) => {
        await trx
          .updateTable('integration_cursor')
          .set((eb) => ({
            cursor: next,
            last_success_at: new Date(),
            last_error: null,
            consecutive_failures: 0,
            breaker_state: 'closed',
            breaker_opened_at: null,
            records_applied: eb('records_applied', '+', summary.applied),
            records_duplicate: eb('records_duplicate', '+', summary.duplicates),
            records_quarantined: eb('records_quarantined', '+', summary.quarantined),
          }))
          .where('agency', '=', agency)
          .execute();
      },
    });
    await reactToBatch(database, agency, batch, options);
    cursor = next;
    result.pages++;
    result.applied += batch.applied;
    result.duplicates += batch.duplicates;
    result.quarantined += batch.quarantined;
    result.breaker = 'closed';
    if (!page.more) return result;
    if (settings.maxPages !== undefined && result.pages >= settings.maxPages) {
      return { ...result, outcome: 'partial' };
    }
  }
}

export interface AgencyStatus {
  agency: AgencyName;
  description: string;
  cursor: string | null;
  lastPullAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  breaker: BreakerState;
  breakerOpenedAt: Date | null;
  recordsApplied: number;
  recordsDuplicate: number;
  recordsQuarantined: number;
  inLedger: number;
  inQuarantine: number;
}

/** Per agency: cursor, last pull, breaker, counts (pulled, and all records in the ledger and quarantine). */
export async function agencyStatuses(database: Database): Promise<AgencyStatus[]> {
  const { db } = database;
  const [cursors, ledger, quarantine] = await Promise.all([
    db.selectFrom('integration_cursor').selectAll().execute(),
    db
      .selectFrom('inbound_record')
      .select(['agency', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('agency')
      .execute(),
    db
      .selectFrom('quarantine')
      .select(['agency', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('agency')
      .execute(),
  ]);
  const count = (rows: { agency: string; n: number | string | bigint }[], agency: string) =>
    Number(rows.find((r) => r.agency === agency)?.n ?? 0);
  return (Object.keys(ADAPTERS) as AgencyName[]).map((agency) => {
    const c = cursors.find((r) => r.agency === agency);
    return {
      agency,
      description: ADAPTERS[agency].description,
      cursor: c?.cursor ?? null,
      lastPullAt: c?.last_pull_at ?? null,
      lastSuccessAt: c?.last_success_at ?? null,
      lastError: c?.last_error ?? null,
      consecutiveFailures: c?.consecutive_failures ?? 0,
      breaker: c?.breaker_state ?? 'closed',
      breakerOpenedAt: c?.breaker_opened_at ?? null,
      recordsApplied: Number(c?.records_applied ?? 0),
      recordsDuplicate: Number(c?.records_duplicate ?? 0),
      recordsQuarantined: Number(c?.records_quarantined ?? 0),
      inLedger: count(ledger, agency),
      inQuarantine: count(quarantine, agency),
    };
  });
}
