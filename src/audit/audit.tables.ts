import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 005_audit.sql: the audit trail, access complaints and consent records. */

export type AuditActorKind = Selectable<AuditLogTable>['actor_kind'];
export type AccessComplaintStatus = Selectable<AccessComplaintTable>['status'];
export type ConsentKind = Selectable<ConsentTable>['kind'];
export type ConsentChannel = Selectable<ConsentTable>['channel'];

export type AuditChainHeadTable = Tables.AuditChainHead;

export type AuditLogTable = Tables.AuditLog;

export type AccessComplaintTable = Tables.AccessComplaint;

export type ConsentTable = Tables.Consent;
