import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { httpPlugins } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { JobRunner } from '../../src/platform/jobs/job-runner.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp extends TestDatabase {
  app: FastifyInstance;
  jobs: JobRunner;
}

/** The whole HTTP application over a test database of its own; jobs are registered but not polled. */
export async function createTestApp(): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config = loadConfig({ NODE_ENV: 'test', SEED_HOUSEHOLDS: '0' });
  const jobs = new JobRunner(testDb.database, logger, { schema: `${testDb.schema}_jobs` });
  const ctx = { config, database: testDb.database, logger, jobs };
  const app = await buildServer(ctx, httpPlugins(ctx));
  await app.ready();
  return {
    ...testDb,
    app,
    jobs,
    async cleanup() {
      await app.close();
      await jobs.stop();
      await testDb.cleanup();
    },
  };
}
