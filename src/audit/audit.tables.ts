/** Table types of migration 005_audit.sql (filled in by the audit work). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the audit tables land
export interface AuditTables {}
