import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 007 (src/integration), merged into `DB` in src/platform/db/schema.ts. */

export type InboundChannel = Selectable<InboundRecordTable>['channel'];
export type BreakerState = Selectable<IntegrationCursorTable>['breaker_state'];

export type InboundRecordTable = Tables.InboundRecord;

export type QuarantineTable = Tables.Quarantine;

export type IntegrationCursorTable = Tables.IntegrationCursor;

export type MedicalRecordTable = Tables.MedicalRecord;
