import type { ColumnType, Generated } from 'kysely';

/** Table types of migration 007 (src/integration), merged into `DB` in src/platform/db/schema.ts. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;

export type InboundChannel = 'pull' | 'push';
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface InboundRecordTable {
  agency: string;
  record_id: string;
  batch_id: number;
  channel: InboundChannel;
  received_at: Timestamp;
  applied_at: Generated<Date>;
  payload: Json;
  reacted_at: Date | null;
}

export interface QuarantineTable {
  id: Generated<number>;
  agency: string;
  record_id: string | null;
  channel: InboundChannel;
  reason: string;
  details: Json;
  payload: ColumnType<unknown, string, string>;
  payload_hash: string;
  received_at: Timestamp;
  last_seen_at: Generated<Date>;
  times_seen: ColumnType<number, number | undefined, number>;
}

export interface IntegrationCursorTable {
  agency: string;
  cursor: string | null;
  last_pull_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  breaker_state: ColumnType<BreakerState, BreakerState | undefined, BreakerState>;
  breaker_opened_at: Date | null;
  records_applied: ColumnType<number, number | undefined, number>;
  records_duplicate: ColumnType<number, number | undefined, number>;
  records_quarantined: ColumnType<number, number | undefined, number>;
}

export interface MedicalRecordTable {
  id: Generated<number>;
  person_id: string;
  agency_record_id: string;
  kind: 'diagnosis' | 'referral';
  icd10: string;
  description: string | null;
  referred_to: string | null;
  recorded_on: string;
  source: string;
}

export interface IntegrationTables {
  inbound_record: InboundRecordTable;
  quarantine: QuarantineTable;
  integration_cursor: IntegrationCursorTable;
  medical_record: MedicalRecordTable;
}
