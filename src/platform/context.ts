import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DB } from './db/schema.ts';
import type { JobRunner } from './jobs/job-runner.ts';
import type { Logger } from './logger.ts';

/** What every bounded context receives: configuration, the database, logs and the durable job runner. */
export interface AppContext {
  config: Config;
  database: Database;
  /**
   * Reads that tolerate a few seconds of staleness (lists, search, counts): a streaming replica when
   * DATABASE_READ_URL is set (falling back to the primary if it is unreachable); absent = `database.db`
   * (tests and tools that build a context of their own). Use `readDbOf(ctx)`. Never for writes, audit rows,
   * transactions, or a read that must see a write just made.
   */
  readDb?: Kysely<DB>;
  logger: Logger;
  jobs: JobRunner;
}

/** The read pool of the context (the primary when no replica is configured). */
export function readDbOf(ctx: AppContext): Kysely<DB> {
  return ctx.readDb ?? ctx.database.db;
}
