import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { verifyAuditChain } from '../../src/audit/audit.service.ts';
import type { DB } from '../../src/platform/db/schema.ts';

/**
 * Whether the audit chain is intact after the run. The one place bench:api calls the audit service: when
 * the chain's sealing changes (entries appended without a lock and sealed in batches), a seal before the
 * verification goes here.
 */
export async function auditChainIntact(db: Kysely<DB>): Promise<{ ok: boolean; entries: number }> {
  const verification = await verifyAuditChain(db);
  return { ok: verification.ok, entries: verification.entries };
}

/** Entries of one action on one resource type by one actor: counted before and after a run. */
export async function auditEntriesBy(
  db: Kysely<DB>,
  actorId: string,
  action: string,
  resourceType: string,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from audit_log
    where actor_id = ${actorId} and action = ${action} and resource_type = ${resourceType}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
