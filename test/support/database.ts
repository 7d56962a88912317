import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { declareProgrammes } from '../../src/decisions/programme.repository.ts';
import { type Database, dropSchema, openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import type { DB } from '../../src/platform/db/schema.ts';
import { buildTerritory } from '../../src/territory/territory.builder.ts';
import { installTerritory } from '../../src/territory/territory.repository.ts';

export interface TestDatabase {
  database: Database;
  /** Schema created for this test file (PostgreSQL); PGlite runs are in memory. */
  schema: string;
  cleanup(): Promise<void>;
}

/**
 * A database of the test's own: on PostgreSQL (DATABASE_URL set) a fresh schema that is dropped
 * afterwards, so leftovers on a shared server never change a result; otherwise an in-memory PGlite.
 * Migrated, with the Khorezm territory installed unless `territory: false`.
 */
export async function createTestDatabase(options: { territory?: boolean } = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL || undefined;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const templatePath = process.env.HIMOYA_PGLITE_TEMPLATE;
  const useTemplate =
    !url && options.territory !== false && templatePath !== undefined && existsSync(templatePath);
  const database = await openDatabase({
    url,
    schema: url ? schema : undefined,
    poolSize: 4,
    template: useTemplate && templatePath ? new Blob([readFileSync(templatePath)]) : undefined,
  });
  await migrate(database);
  // What the application does at start: the registry's programme ids, which decisions are checked against.
  await declareProgrammes(database.db);
  if (options.territory !== false) await installTerritory(database.db, buildTerritory('khorezm'));
  return {
    database,
    schema,
    async cleanup() {
      await database.close();
      if (url) {
        await dropSchema(url, schema);
        await dropSchema(url, `${schema}_jobs`);
      }
    },
  };
}

/**
 * A database for one describe block: created before its tests and removed after them. Read `db` (or `t`)
 * inside tests and hooks, not at collection time.
 */
export function useTestDatabase(options: { territory?: boolean } = {}): {
  readonly t: TestDatabase;
  readonly db: Kysely<DB>;
} {
  let created: TestDatabase | undefined;
  beforeAll(async () => {
    created = await createTestDatabase(options);
  }, 120_000);
  afterAll(async () => {
    await created?.cleanup();
  });
  const current = () => {
    if (!created) throw new Error('the test database exists only inside tests and hooks');
    return created;
  };
  return {
    get t() {
      return current();
    },
    get db() {
      return current().database.db;
    },
  };
}
