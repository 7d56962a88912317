import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { LifeEvent } from '../../proactive/life-event.ts';
import type { AgencyLifeEvent, AnyAdapter, ApplyResult } from '../adapters/adapter.ts';
import type { InboundChannel } from '../integration.tables.ts';

export type RecordStatus =
  | { recordId: string | null; status: 'applied' }
  | { recordId: string | null; status: 'duplicate' }
  | { recordId: string | null; status: 'quarantined'; reason: string };

export interface IngestOptions {
  channel: InboundChannel;
  receivedAt?: Date;
  /** Per-record statuses and life events (pushed events; event feeds); bulk pulls want counts only. */
  detail?: boolean;
  /** Runs inside the batch's transaction after the apply (the pull moves its cursor here). */
  afterApply?: (trx: Kysely<DB>, summary: IngestSummary) => Promise<void>;
}

export interface IngestSummary {
  batchId: number;
  received: number;
  applied: number;
  duplicates: number;
  quarantined: number;
}

export interface IngestResult extends IngestSummary {
  /** In the order received (with `detail`). */
  statuses: RecordStatus[];
  /** The life events of the records applied (with `detail`), for the proactive services. */
  lifeEvents: LifeEvent[];
}

interface Bad {
  index: number;
  recordId: string | null;
  reason: string;
  details?: unknown;
  raw: unknown;
}

/** Lines per COPY chunk. */
const CHUNK = 2000;

/**
 * The inbound pipeline, one batch: validate every record (a bad one is quarantined with its reason and
 * raw payload and does not stop the others), COPY the valid ones into the adapter's staging table, then
 * in ONE transaction: quarantine, apply (set-based; the ledger makes it idempotent by agency record id),
 * clear the staging rows and run `afterApply`. If the transaction fails nothing of the batch is applied.
 */
export async function ingest(
  database: Database,
  adapter: AnyAdapter,
  raws: readonly unknown[],
  options: IngestOptions,
): Promise<IngestResult> {
  const receivedAt = options.receivedAt ?? new Date();
  const detail = options.detail ?? false;
  const records: unknown[] = [];
  const keys: string[] = [];
  const lines: string[] = [];
  const bad: Bad[] = [];
  const seen = new Set<string>();
  // index in `raws` -> index in `records`, or -1 for a duplicate inside the batch (detail only).
  const slot = detail ? new Int32Array(raws.length).fill(-2) : undefined;
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i];
    const parsed = adapter.parse(raw);
    if (!parsed.ok) {
      bad.push({ index: i, recordId: idOf(raw), reason: parsed.reason, details: parsed.details, raw });
      continue;
    }
    const key = adapter.key(parsed.record);
    if (seen.has(key)) {
      if (slot) slot[i] = -1;
      continue;
    }
    seen.add(key);
    if (slot) slot[i] = records.length;
    records.push(parsed.record);
    keys.push(key);
    lines.push(`${key}\t${adapter.stage.row(parsed.record)}\n`);
  }

  const batchId = await nextBatchId(database);
  const { table, columns } = adapter.stage;
  if (lines.length > 0) {
    const prefix = `${batchId}\t`;
    await database.copyIn(table, ['batch_id', 'record_id', ...columns], chunksOf(lines, prefix));
  }

  try {
    return await database.db.transaction().execute(async (trx) => {
      // A pulled batch can always be pulled again (the cursor commits with it), so its commit need not
      // wait for the WAL flush; a pushed event is acknowledged to its sender and must be durable first.
      if (options.channel === 'pull')
        await trx.executeQuery(CompiledQuery.raw('set local synchronous_commit = off'));
      let result: ApplyResult = { applied: 0, rejected: [], ...(detail ? { appliedIds: [] } : {}) };
      if (records.length > 0) {
        result = await adapter.apply(trx, {
          batchId,
          agency: adapter.agency,
          channel: options.channel,
          receivedAt,
          records,
          detail,
        });
      }
      const rejectedById = new Map(result.rejected.map((r) => [r.recordId, r.reason]));
      const quarantine = bad.map((b) => ({ ...b }));
      if (rejectedById.size > 0) {
        records.forEach((record, index) => {
          const key = keys[index] ?? '';
          const reason = rejectedById.get(key);
          if (reason !== undefined) quarantine.push({ index: -1, recordId: key, reason, raw: record });
        });
      }
      await insertQuarantine(trx, adapter.agency, options.channel, receivedAt, quarantine);
      if (lines.length > 0) {
        await trx.executeQuery(CompiledQuery.raw(`delete from ${table} where batch_id = $1`, [batchId]));
      }
      const summary: IngestSummary = {
        batchId,
        received: raws.length,
        applied: result.applied,
        quarantined: quarantine.length,
        duplicates: raws.length - result.applied - quarantine.length,
      };
      const statuses: RecordStatus[] = [];
      let lifeEvents: LifeEvent[] = [];
      if (detail && slot) {
        const applied = new Set(result.appliedIds ?? []);
        const badByIndex = new Map(bad.map((b) => [b.index, b]));
        for (let i = 0; i < raws.length; i++) {
          const b = badByIndex.get(i);
          if (b) {
            statuses.push({ recordId: b.recordId, status: 'quarantined', reason: b.reason });
            continue;
          }
          const at = slot[i] ?? -1;
          const key = at >= 0 ? (keys[at] ?? null) : idOf(raws[i]);
          const rejected = key === null ? undefined : rejectedById.get(key);
          if (at >= 0 && rejected !== undefined) {
            statuses.push({ recordId: key, status: 'quarantined', reason: rejected });
          } else if (at >= 0 && key !== null && applied.has(key)) {
            statuses.push({ recordId: key, status: 'applied' });
          } else {
            statuses.push({ recordId: key, status: 'duplicate' });
          }
        }
        // Applied now, or applied before but never reacted to (the reaction failed): both are reacted to.
        const unreacted = await unreactedKeys(trx, adapter, keys, applied);
        lifeEvents = await resolveLifeEvents(
          trx,
          adapter,
          records,
          keys,
          new Set([...applied, ...unreacted]),
        );
      }
      await options.afterApply?.(trx, summary);
      return { ...summary, statuses, lifeEvents };
    });
  } catch (error) {
    // The staging rows of a failed batch are scratch: remove them (best effort) and report the failure.
    if (lines.length > 0) {
      await database.query(`delete from ${table} where batch_id = $1`, [batchId]).catch(() => undefined);
    }
    throw error;
  }
}

async function nextBatchId(database: Database): Promise<number> {
  const { rows } = await database.query<{ id: string | number }>("select nextval('inbound_batch_seq') as id");
  return Number(rows[0]?.id);
}

function* chunksOf(lines: string[], prefix: string): Generator<string> {
  for (let i = 0; i < lines.length; i += CHUNK) {
    let text = '';
    const end = Math.min(lines.length, i + CHUNK);
    for (let j = i; j < end; j++) text += prefix + lines[j];
    yield text;
  }
}

/** The record's own id, if it has a usable one (for quarantine and replies about malformed records). */
function idOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}

async function insertQuarantine(
  trx: Kysely<DB>,
  agency: string,
  channel: InboundChannel,
  receivedAt: Date,
  items: Bad[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    const rows = items.slice(i, i + 500).map((b) => {
      const payload = safeJson(b.raw);
      return {
        agency,
        record_id: b.recordId,
        channel,
        reason: b.reason.slice(0, 500),
        details: b.details === undefined ? null : JSON.stringify(b.details),
        payload,
        payload_hash: createHash('sha256').update(`${b.reason}\n${payload}`).digest('hex'),
        received_at: receivedAt,
      };
    });
    // The same bad payload seen again (a re-pull) only counts up.
    const unique = [...new Map(rows.map((r) => [r.payload_hash, r])).values()];
    await trx
      .insertInto('quarantine')
      .values(unique)
      .onConflict((oc) =>
        oc.columns(['agency', 'payload_hash']).doUpdateSet({
          times_seen: sql`quarantine.times_seen + 1`,
          last_seen_at: sql`now()`,
        }),
      )
      .execute();
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value ?? null) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

async function unreactedKeys(
  trx: Kysely<DB>,
  adapter: AnyAdapter,
  keys: readonly string[],
  applied: ReadonlySet<string>,
): Promise<string[]> {
  if (!adapter.lifeEvent) return [];
  const others = keys.filter((k) => !applied.has(k));
  if (others.length === 0) return [];
  const rows = await trx
    .selectFrom('inbound_record')
    .select('record_id')
    .where('agency', '=', adapter.agency)
    .where('record_id', 'in', others)
    .where('reacted_at', 'is', null)
    .execute();
  return rows.map((r) => r.record_id);
}

/** Marks life events as reacted to (after the proactive services took them). */
export async function markReacted(
  db: Kysely<DB>,
  agency: string,
  recordIds: readonly string[],
): Promise<void> {
  if (recordIds.length === 0) return;
  await db
    .updateTable('inbound_record')
    .set({ reacted_at: new Date() })
    .where('agency', '=', agency)
    .where('record_id', 'in', recordIds)
    .execute();
}

/** Life events of the applied records, with persons and households resolved from the PINFLs. */
async function resolveLifeEvents(
  trx: Kysely<DB>,
  adapter: AnyAdapter,
  records: readonly unknown[],
  keys: readonly string[],
  applied: ReadonlySet<string>,
): Promise<LifeEvent[]> {
  const lifeEvent = adapter.lifeEvent;
  if (!lifeEvent || applied.size === 0) return [];
  const found: { key: string; event: AgencyLifeEvent }[] = [];
  records.forEach((record, i) => {
    const key = keys[i];
    if (key === undefined || !applied.has(key)) return;
    const event = lifeEvent(record) as AgencyLifeEvent | undefined;
    if (event) found.push({ key, event });
  });
  const pinfls = [...new Set(found.flatMap((f) => f.event.pinfls))];
  if (pinfls.length === 0) return [];
  // The person's latest membership: for the newborn the mother's household, for the deceased the one
  // just ended, for a divorced wife her new household.
  const rows = await sql<{ pinfl: string; id: string; household_id: string | null }>`
    select p.pinfl, p.id,
      (select m.household_id from membership m where m.person_id = p.id
        order by m.valid_from desc limit 1) as household_id
    from person p where p.pinfl = any(${pinfls}) and p.merged_into is null`.execute(trx);
  const byPinfl = new Map(rows.rows.map((r) => [r.pinfl.trim(), r]));
  const events: LifeEvent[] = [];
  for (const { key, event } of found) {
    const people = event.pinfls.map((p) => byPinfl.get(p)).filter((p) => p !== undefined);
    const householdIds = [...new Set(people.map((p) => p.household_id).filter((h) => h !== null))];
    if (householdIds.length === 0) continue;
    events.push({
      eventId: `${adapter.agency}:${key}`,
      source: adapter.agency,
      kind: event.kind,
      occurredOn: event.occurredOn,
      householdIds,
      personIds: people.map((p) => p.id),
    });
  }
  return events;
}
