import type { ColumnType, Generated } from 'kysely';

/** Table types of migration 009_dci.sql. jsonb columns are read as parsed JSON, written as JSON text. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string, string>;
type NullableJson<T = unknown> = ColumnType<T | null, string | null | undefined, string | null>;

export type DciStatus = 'rcvd' | 'pdng' | 'succ' | 'rjct';
export type DciTransactionKind = 'search' | 'subscribe' | 'unsubscribe' | 'txn-status';
export type DciOutboxKind = 'on-search' | 'on-subscribe' | 'on-unsubscribe' | 'txn-on-status' | 'notify';

export interface DciTransactionTable {
  client_id: string;
  kind: DciTransactionKind;
  transaction_id: string;
  correlation_id: string;
  mode: 'sync' | 'async';
  message_hash: string;
  sender_id: string;
  sender_uri: string | null;
  message: Json;
  scope: Json;
  audit_actor: Json;
  purpose: string | null;
  status: DciStatus;
  response: NullableJson;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface DciRequestTable {
  client_id: string;
  kind: DciTransactionKind;
  transaction_id: string;
  reference_id: string;
  status: DciStatus;
  status_reason_code: string | null;
  record_count: number | null;
  updated_at: Timestamp;
}

export interface DciSubscriptionTable {
  code: string;
  client_id: string;
  transaction_id: string;
  reference_id: string;
  reg_event_type: string;
  filter_type: 'idtype-value' | 'expression' | 'predicate';
  filter: Json;
  notify_record_type: string;
  notify_uri: string;
  scope: Json;
  audit_actor: Json;
  status: 'subscribe' | 'unsubscribe';
  created_at: Timestamp;
  unsubscribed_at: NullableTimestamp;
}

export interface DciOutboxTable {
  id: Generated<number>;
  kind: DciOutboxKind;
  client_id: string;
  url: string;
  body: Json;
  subscription_code: string | null;
  event_id: string | null;
  dedupe_key: string;
  status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | 'delivered' | 'failed' | undefined>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

/** Himoya's DCI signing key pair (migration 015): one row, made by the first process that needs it. */
export interface DciSigningKeyTable {
  id: string;
  private_jwk: Json<Record<string, unknown>>;
  public_jwk: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface DciTables {
  dci_transaction: DciTransactionTable;
  dci_request: DciRequestTable;
  dci_subscription: DciSubscriptionTable;
  dci_outbox: DciOutboxTable;
  dci_signing_key: DciSigningKeyTable;
}
