import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/platform/db/database.ts';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { buildTerritory } from '../../src/territory/territory.builder.ts';
import { installTerritory } from '../../src/territory/territory.repository.ts';

/**
 * On PGlite every test file needs its own database; creating one from nothing (initdb in WebAssembly)
 * takes seconds. This builds one migrated database with the Khorezm territory once per run (and per
 * migration set) and lets each file start from a copy of it.
 */
export default async function setup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const migrations = listMigrations();
  const hash = createHash('sha256')
    .update(migrations.map((m) => `${m.version}:${m.sql}`).join('\n'))
    .update(JSON.stringify(buildTerritory('khorezm').mahallas.length))
    .digest('hex')
    .slice(0, 16);
  const path = join(tmpdir(), `himoya-pglite-template-${hash}.tar`);
  if (!existsSync(path)) {
    const database = await openDatabase({});
    await migrate(database, migrations);
    await installTerritory(database.db, buildTerritory('khorezm'));
    const dump = await database.dumpDataDir();
    await database.close();
    writeFileSync(`${path}.tmp`, Buffer.from(await dump.arrayBuffer()));
    // Rename is atomic: a concurrent run never reads half a template.
    renameSync(`${path}.tmp`, path);
  }
  process.env.HIMOYA_PGLITE_TEMPLATE = path;
}
