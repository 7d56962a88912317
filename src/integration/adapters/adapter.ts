import { CompiledQuery, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../../platform/db/schema.ts';
import type { LifeEventKind } from '../../proactive/life-event.ts';
import { pinflCheckDigit } from '../../registry/pinfl.ts';
import type { InboundChannel } from '../integration.tables.ts';

/** The agencies Himoya exchanges data with; each has one adapter and speaks the same paged protocol. */
export const AGENCIES = [
  'tax',
  'pension_fund',
  'cadastre',
  'vehicles',
  'civil_registry',
  'banks',
  'medical',
] as const;
export type AgencyName = (typeof AGENCIES)[number];

export type Parsed<R> = { ok: true; record: R } | { ok: false; reason: string; details?: unknown };

/** What a record means for the family, in PINFLs; the pipeline resolves persons and households. */
export interface AgencyLifeEvent {
  kind: LifeEventKind;
  occurredOn: string;
  pinfls: string[];
}

/** A batch of valid records, already COPYed into the adapter's staging table under `batchId`. */
export interface StagedBatch<R> {
  batchId: number;
  agency: AgencyName;
  channel: InboundChannel;
  receivedAt: Date;
  /** Valid records of the batch, keys unique, in the order received. */
  records: readonly R[];
  /** Return the ids applied (small batches: pushed events); bulk pulls need counts only. */
  detail: boolean;
}

export interface Rejection {
  recordId: string;
  reason: string;
}

export interface ApplyResult {
  /** Records new to the ledger and applied. */
  applied: number;
  /** Their ids, when `detail` was asked. */
  appliedIds?: string[];
  /** Valid records that could not be applied (unknown PINFL, ...): they go to quarantine. */
  rejected: Rejection[];
}

/**
 * One agency: how its records look on the wire (zod schema), how they are checked (`parse`, the
 * schema or a faster hand-written equivalent), their idempotency key, how a valid record becomes a
 * staging row (COPY text), and how a staged batch is applied to our tables, set-based, inside the
 * batch's one transaction. `apply` writes each applied record's `inbound_record` ledger row itself
 * (with ON CONFLICT DO NOTHING), so a record already in the ledger is never applied twice.
 */
export interface AgencyAdapter<R> {
  readonly agency: AgencyName;
  readonly description: string;
  readonly schema: z.ZodType<R>;
  parse(raw: unknown): Parsed<R>;
  key(record: R): string;
  readonly stage: {
    table: string;
    /** Columns after (batch_id, record_id). */
    columns: readonly string[];
    /** The record's values for `columns`, as COPY text (tab-separated, `\N` for null, escaped). */
    row(record: R): string;
  };
  apply(trx: Kysely<DB>, batch: StagedBatch<R>): Promise<ApplyResult>;
  /** The life event a record reports, if any (births, deaths, a new job, a car...). */
  lifeEvent?(record: R): AgencyLifeEvent | undefined;
  /** Pulled records of this agency are events too (life events are reacted to on pull as well). */
  readonly eventFeed?: boolean;
}

/** Any adapter, for registries of them (the record type is the adapter's business). */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of adapters; each is typed on its own.
export type AnyAdapter = AgencyAdapter<any>;

/** Zod's first issue as a short reason ('pinfl: check digit'), with all issues as details. */
export function parseWith<R>(schema: z.ZodType<R>, raw: unknown): Parsed<R> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, record: result.data };
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  return {
    ok: false,
    reason: first ? `invalid: ${first.path || '(record)'}: ${first.message}` : 'invalid',
    details: issues,
  };
}

export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,119}$/;
export const PINFL_FORMAT = /^[1-6][0-9]{13}$/;

/** PINFL shape and check digit (the birth date and sex are checked where the person is created). */
export function pinflChecks(pinfl: string): boolean {
  return PINFL_FORMAT.test(pinfl) && pinflCheckDigit(pinfl) === pinfl.charCodeAt(13) - 48;
}

/** COPY text: `\N` for null; tabs, newlines and backslashes escaped. */
export function copyText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return /[\t\n\r\\]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

/**
 * The common shape of a set-based apply, as one SQL statement:
 *   s      the batch's staging rows with what they resolve to (person ids by PINFL, ...) and a `problem`
 *          (null when the record can be applied);
 *   fresh  the ledger rows inserted (ON CONFLICT DO NOTHING): exactly the records not applied before;
 *   writes the adapter's inserts and updates, each reading `s join fresh using (record_id)`.
 * `$1` is the batch id in `select` and `writes`.
 */
export interface StagedApplySpec {
  select: string;
  writes: Record<string, string>;
}

export async function applyStaged<R>(
  trx: Kysely<DB>,
  batch: StagedBatch<R>,
  spec: StagedApplySpec,
): Promise<ApplyResult> {
  const writes = Object.entries(spec.writes).map(([name, statement]) => `, ${name} as (${statement})`);
  const text = `with s as materialized (${spec.select}),
    fresh as (
      insert into inbound_record (agency, record_id, batch_id, channel, received_at)
      select $2, record_id, $1, $3, $4 from s where problem is null
      on conflict do nothing returning record_id
    )${writes.join('')}
    select (select count(*) from fresh)::int as applied,
      ${batch.detail ? "coalesce((select json_agg(record_id) from fresh), '[]'::json)" : "'[]'::json"} as applied_ids,
      coalesce((select json_agg(json_build_object('recordId', record_id, 'reason', problem))
                from s where problem is not null), '[]'::json) as rejected
      ${Object.keys(spec.writes)
        .map((name) => `, (select count(*) from ${name})::int as ${name}_count`)
        .join('')}`;
  const result = await trx.executeQuery<{ applied: number; applied_ids: unknown; rejected: unknown }>(
    CompiledQuery.raw(text, [batch.batchId, batch.agency, batch.channel, batch.receivedAt]),
  );
  const row = result.rows[0];
  if (!row) throw new Error('staged apply returned no row');
  const ids = jsonOf<string[]>(row.applied_ids);
  return {
    applied: row.applied,
    ...(batch.detail ? { appliedIds: ids } : {}),
    rejected: jsonOf<Rejection[]>(row.rejected),
  };
}

/** json columns arrive parsed from pg and PGlite alike; a string is parsed for safety. */
function jsonOf<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Resolves a PINFL to the person it names (not merged away); a SQL fragment for adapters' selects. */
export const PERSON_BY_PINFL = (column: string, alias = 'p') =>
  `left join person ${alias} on ${alias}.pinfl = ${column} and ${alias}.merged_into is null`;

/** The household a person is a member of on a date (SQL expression). */
export const HOUSEHOLD_ON = (personId: string, onDate: string) =>
  `(select m.household_id from membership m where m.person_id = ${personId} and m.valid_from <= ${onDate}
     and (m.valid_to is null or m.valid_to > ${onDate}) limit 1)`;
