import type { ColumnType, Generated } from 'kysely';

/** The table of migration 018: every outgoing message and where its delivery stands. */

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OutboxMessageTable {
  id: string;
  kind: string;
  payload: Json<Record<string, unknown>>;
  target: string;
  idempotency_key: string;
  order_key: string | null;
  seq: Generated<string>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  dead_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  delivered_at: Date | null;
  dead_at: Date | null;
}

export interface OutboxTables {
  outbox_message: OutboxMessageTable;
}
