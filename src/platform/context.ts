import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { JobRunner } from './jobs/job-runner.ts';
import type { Logger } from './logger.ts';

/** What every bounded context receives: configuration, the database, logs and the durable job runner. */
export interface AppContext {
  config: Config;
  database: Database;
  logger: Logger;
  jobs: JobRunner;
}
