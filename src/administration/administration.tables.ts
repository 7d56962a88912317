import type { ColumnType, Generated } from 'kysely';

/** Table types of migration 016_administration.sql. */

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type AdminTargetKind = 'account' | 'machine_client';
export type AdminRequestStatus = 'pending' | 'approved' | 'rejected';

export interface AdminRequestTable {
  id: string;
  target_kind: AdminTargetKind;
  target_id: string;
  change: ColumnType<unknown, string, string>;
  before: ColumnType<unknown, string, string>;
  reach_regions: string[] | null;
  reason: string;
  status: ColumnType<AdminRequestStatus, AdminRequestStatus | undefined, AdminRequestStatus>;
  proposed_by: string;
  reviewed_by: string | null;
  review_note: string | null;
  created_at: Generated<Date>;
  reviewed_at: NullableTimestamp;
}

export interface AdminCreationTable {
  target_kind: AdminTargetKind;
  target_id: string;
  payload_digest: string;
  request_id: string | null;
  created_by: string;
  created_at: Generated<Date>;
}

export interface AdministrationTables {
  admin_request: AdminRequestTable;
  admin_creation: AdminCreationTable;
}
