import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) return undefined;
      return {
        version: Number(match[1]),
        name: match[2] ?? file,
        sql: readFileSync(`${dir}/${file}`, 'utf8'),
      };
    })
    .filter((m): m is Migration => m !== undefined)
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so that two
 * processes starting together (server and worker) do not race. Returns the versions applied.
 */
export async function migrate(database: Database, migrations = listMigrations()): Promise<number[]> {
  // Extensions are database-wide; a concurrent creator elsewhere may win the race, which is fine. They go
  // into `public` explicitly: created in a test's own schema, they would vanish when that schema is dropped.
  for (const extension of ['btree_gist', 'pg_trgm']) {
    try {
      await database.exec(`create extension if not exists ${extension} schema public`);
    } catch (error) {
      if (!/already exists|duplicate key/i.test(String(error))) throw error;
    }
  }
  await database.exec(
    `create table if not exists schema_migrations (
       version integer primary key, name text not null, applied_at timestamptz not null default now())`,
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await database.query<{ version: number }>(
      'select version from schema_migrations where version = $1',
      [migration.version],
    );
    if (done.rows.length > 0) continue;
    const escapedName = migration.name.replace(/'/g, "''");
    // One multi-statement string keeps the whole migration inside one transaction on both drivers.
    await database
      .exec(
        `begin;
       select pg_advisory_xact_lock(hashtext(current_schema() || ':migrations'));
       do $$ begin
         if exists (select 1 from schema_migrations where version = ${migration.version}) then
           raise exception 'himoya:migration-already-applied';
         end if;
       end $$;
       ${migration.sql};
       insert into schema_migrations (version, name) values (${migration.version}, '${escapedName}');
       commit;`,
      )
      .catch(async (error: unknown) => {
        await database.exec('rollback').catch(() => {});
        if (String(error).includes('himoya:migration-already-applied')) return;
        throw error;
      });
    applied.push(migration.version);
  }
  return applied;
}
