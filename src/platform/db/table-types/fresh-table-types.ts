import { type Database, dropSchema, openDatabase } from '../database.ts';
import { migrate } from '../migrate.ts';
import { generateTableTypes } from './generate-table-types.ts';

export const GENERATED_FILE = new URL('../tables.generated.ts', import.meta.url);

/**
 * The table types of the migrations as they are now: migrates a database of its own (in-memory PGlite, or
 * a fresh schema of `url`'s PostgreSQL, dropped afterwards) and generates from it.
 */
export async function freshTableTypes(url?: string): Promise<string> {
  const schema = url ? `types_${process.pid}_${Date.now().toString(36)}` : 'public';
  let database: Database | undefined;
  try {
    database = await openDatabase({ url, schema: url ? schema : undefined });
    await migrate(database);
    return await generateTableTypes(database.db as never, schema);
  } finally {
    await database?.close();
    if (url) await dropSchema(url, schema);
  }
}
