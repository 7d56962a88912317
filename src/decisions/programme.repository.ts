import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { CATALOGUE } from '../programs/catalogue.ts';
import type { ProgrammeDescription } from '../programs/description.ts';

/**
 * Declares the registry's programmes to the database: the `programme` table (migration 017) is what
 * decisions, entitlements, applications and overrides are checked against, so a new programme folder
 * needs no migration. Run at every start; rows of programmes no longer listed stay (the past names them).
 */
export async function declareProgrammes(
  db: Kysely<DB>,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): Promise<void> {
  if (catalogue.length === 0) return;
  await db
    .insertInto('programme')
    .values(catalogue.map((p) => ({ id: p.id })))
    .onConflict((oc) => oc.column('id').doUpdateSet({ declared_at: new Date() }))
    .execute();
}
