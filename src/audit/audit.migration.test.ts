import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Database, dropSchema, openDatabase } from '../platform/db/database.ts';
import { listMigrations, migrate } from '../platform/db/migrate.ts';
import { appendAudit, sealAndVerify } from './audit.service.ts';

/** An entry as the old chained appender wrote it (the chain's hashes do not matter to the upgrade). */
const oldEntry = (seq: number) => sql`
  insert into audit_log (seq, at, actor_kind, actor_id, action, resource_type, prev_hash, hash)
  values (${seq}, now(), 'staff', 'acc-1', 'read', 'household', ${'0'.repeat(64)}, ${`old-${seq}`})`;

describe('migration 026 on a log written by the chained appender', () => {
  it('keeps the old entries, seals them into the first batch, and numbers new ones after them', async () => {
    const url = process.env.DATABASE_URL || undefined;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    let database: Database | undefined;
    try {
      database = await openDatabase({ url, schema: url ? schema : undefined });
      await migrate(
        database,
        listMigrations().filter((m) => m.version < 26),
      );
      for (let seq = 1; seq <= 40; seq += 1) await oldEntry(seq).execute(database.db);
      await sql`update audit_chain_head set last_seq = 40, last_hash = 'old-40'`.execute(database.db);

      expect(await migrate(database)).toContain(26);
      const [next] = await appendAudit(database.db, [
        { actorKind: 'system', actorId: 'monthly-evaluation', action: 'read', resourceType: 'household' },
      ]);
      expect(next?.seq).toBe(41);
      const result = await sealAndVerify(database.db);
      expect(result).toMatchObject({ ok: true, entries: 41, unsealed: 0 });
      const first = await database.db
        .selectFrom('audit_batch')
        .select(['entries', 'first_seq', 'last_seq'])
        .where('batch', '=', 1)
        .executeTakeFirstOrThrow();
      // The old entries share the migration's transaction id: all of them are in batch 1.
      expect(Number(first.first_seq)).toBe(1);
      expect(Number(first.entries)).toBeGreaterThanOrEqual(40);
    } finally {
      await database?.close();
      if (url) await dropSchema(url, schema);
    }
  }, 180_000);
});
