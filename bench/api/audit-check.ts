import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { sealAndVerify } from '../../src/audit/audit.service.ts';
import type { DB } from '../../src/platform/db/schema.ts';

/**
 * Whether the audit chain is intact after the run. Reads append without a lock and a sealer folds them into
 * hash-chained batches (ADR 012), so the run's entries are sealed first; intact means every entry sealed and
 * every batch and entry verified.
 */
export async function auditChainIntact(
  db: Kysely<DB>,
): Promise<{ ok: boolean; entries: number; unsealed: number; batches: number }> {
  const verification = await sealAndVerify(db);
  return {
    ok: verification.ok && verification.unsealed === 0,
    entries: verification.entries,
    unsealed: verification.unsealed,
    batches: verification.batches,
  };
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
