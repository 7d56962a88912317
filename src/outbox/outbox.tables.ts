import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** The table of migration 018: every outgoing message and where its delivery stands. */

export type OutboxStatus = Selectable<OutboxMessageTable>['status'];

export type OutboxMessageTable = Tables.OutboxMessage;
