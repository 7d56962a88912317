import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import type { RoleGrant } from '../../src/access/actor.ts';
import { httpPlugins } from '../../src/app.ts';
import type { Config } from '../../src/platform/config.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { buildServer, type HttpPlugin } from '../../src/platform/http/server.ts';
import { JobRunner } from '../../src/platform/jobs/job-runner.ts';
import { type SignedIn, signInStaff } from './auth.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp extends TestDatabase {
  app: FastifyInstance;
  jobs: JobRunner;
  config: Config;
  /**
   * `app.inject` as a signed-in staff member (`as`, default 'tester') holding every staff role over the
   * region, with a real session cookie and CSRF token; `as: null` sends the request anonymously.
   */
  api(options: ApiOptions): Promise<LightMyRequestResponse>;
  /** Session headers for a staff member, created on first use (default grants: every staff role). */
  staff(username: string, grants?: RoleGrant[]): Promise<Record<string, string>>;
}

export type ApiOptions = InjectOptions & { as?: string | null };

/** The whole HTTP application over a test database of its own; jobs are registered but not polled. */
export async function createTestApp(
  options: { first?: HttpPlugin[]; logger?: pino.Logger; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  // `env`: configuration variables of this test's own (e.g. a small quota).
  const config = loadConfig({ NODE_ENV: 'test', SEED_HOUSEHOLDS: '0', ...options.env });
  const jobs = new JobRunner(testDb.database, logger, { schema: `${testDb.schema}_jobs` });
  const ctx = { config, database: testDb.database, logger, jobs };
  const app = await buildServer(ctx, [...(options.first ?? []), ...httpPlugins(ctx)]);
  await app.ready();
  const sessions = new Map<string, Promise<SignedIn>>();
  const staff = async (username: string, grants?: RoleGrant[]) => {
    let session = sessions.get(username);
    if (!session) {
      session = signInStaff(testDb.database.db, config, username, grants);
      sessions.set(username, session);
    }
    return (await session).headers;
  };
  return {
    ...testDb,
    app,
    jobs,
    config,
    staff,
    async api({ as = 'tester', headers, ...options }) {
      // Staff state a purpose to open records outside their worklist; these tests are about other things.
      const signedIn = as === null ? {} : { ...(await staff(as)), 'x-himoya-purpose': 'casework' };
      return app.inject({ ...options, headers: { ...signedIn, ...(headers ?? {}) } });
    },
    async cleanup() {
      await app.close();
      await jobs.stop();
      await testDb.cleanup();
    },
  };
}
