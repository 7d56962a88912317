import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 016_administration.sql. */

export type AdminTargetKind = Selectable<AdminRequestTable>['target_kind'];
export type AdminRequestStatus = Selectable<AdminRequestTable>['status'];

export type AdminRequestTable = Tables.AdminRequest;

export type AdminCreationTable = Tables.AdminCreation;
