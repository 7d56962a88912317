import type { ColumnType, Generated } from 'kysely';

/** Table types of migration 005_audit.sql: the audit trail, access complaints and consent records. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type AuditActorKind = 'staff' | 'citizen' | 'machine' | 'system' | 'anonymous';
export type AccessComplaintStatus = 'open' | 'answered' | 'closed';
export type ConsentKind = 'data_sharing' | 'proactive_offers';
export type ConsentChannel = 'portal' | 'social_worker' | 'my.gov.uz';

export interface AuditChainHeadTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  last_seq: number;
  last_hash: string;
}

export interface AuditLogTable {
  seq: number;
  at: ColumnType<Date, Date | string, never>;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  role: string | null;
  organisation: string | null;
  area: string | null;
  purpose: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  subject_person_ids: ColumnType<string[], string[] | undefined, never>;
  subject_household_ids: ColumnType<string[], string[] | undefined, never>;
  fields: ColumnType<string[], string[] | undefined, never>;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AccessComplaintTable {
  id: string;
  seq: number;
  person_id: string;
  text: string;
  status: ColumnType<AccessComplaintStatus, AccessComplaintStatus | undefined, AccessComplaintStatus>;
  answer: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface ConsentTable {
  id: string;
  person_id: string;
  kind: ConsentKind;
  counterpart: string;
  granted_at: Timestamp;
  withdrawn_at: Date | null;
  channel: ConsentChannel;
  recorded_by: string;
  withdrawn_by: string | null;
}

export interface AuditTables {
  audit_chain_head: AuditChainHeadTable;
  audit_log: AuditLogTable;
  access_complaint: AccessComplaintTable;
  consent: ConsentTable;
}
