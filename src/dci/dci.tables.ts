import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 009_dci.sql. jsonb columns are read as parsed JSON, written as JSON text. */

export type DciStatus = Selectable<DciTransactionTable>['status'];
export type DciTransactionKind = Selectable<DciTransactionTable>['kind'];
export type DciOutboxKind = Selectable<DciOutboxTable>['kind'];

export type DciTransactionTable = Tables.DciTransaction;

export type DciRequestTable = Tables.DciRequest;

export type DciSubscriptionTable = Tables.DciSubscription;

export type DciOutboxTable = Tables.DciOutbox;

/** Himoya's DCI signing key pair (migration 015): one row, made by the first process that needs it. */
export type DciSigningKeyTable = Tables.DciSigningKey;
