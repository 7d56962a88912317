import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { accessPlugin } from '../access/access.plugin.ts';
import type { Actor } from '../access/actor.ts';
import { httpPlugins } from '../app.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { buildServer, type HttpPlugin } from '../platform/http/server.ts';
import { JobRunner } from '../platform/jobs/job-runner.ts';

/**
 * Test-only: the whole HTTP application with a hook that sets `request.actor` from an `x-test-actor` header
 * (JSON), so route tests can act as a citizen, an official, an agency's machine or an auditor without signing
 * in. Its onRequest hook runs after the authentication hook (so the test's actor wins) and before the access
 * rules (src/access/access.plugin.ts) and the routes' own checks. Real sign-in is tested in access-log.test.ts.
 */
export interface ActorTestApp extends TestDatabase {
  app: FastifyInstance;
  config: Config;
  /** Headers that make a request come from this actor. */
  as(actor: Actor): Record<string, string>;
}

const testActorHook: HttpPlugin = (app) => {
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-test-actor'];
    if (typeof header === 'string') request.actor = JSON.parse(header) as Actor;
  });
};

export async function createActorTestApp(): Promise<ActorTestApp> {
  const testDb = await createTestDatabase();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config = loadConfig({ NODE_ENV: 'test', SEED_HOUSEHOLDS: '0' });
  const jobs = new JobRunner(testDb.database, logger, { schema: `${testDb.schema}_jobs` });
  const ctx = { config, database: testDb.database, logger, jobs };
  const plugins = httpPlugins(ctx);
  // Right after authentication, before the access rules and the routes' own checks read the actor.
  const at = plugins.indexOf(accessPlugin);
  plugins.splice(at < 0 ? plugins.length : at, 0, testActorHook);
  const app = await buildServer(ctx, plugins);
  await app.ready();
  return {
    ...testDb,
    app,
    config,
    as: (actor) => ({ 'x-test-actor': JSON.stringify(actor) }),
    async cleanup() {
      await app.close();
      await jobs.stop();
      await testDb.cleanup();
    },
  };
}

export const citizen = (personId: string): Actor => ({
  kind: 'citizen',
  personId,
  pinfl: '31234567890123',
  displayName: 'Test Citizen',
  grants: [{ role: 'citizen', area: null, organisation: 'Citizen' }],
  sessionId: 'test-session',
});

export const official = (
  id: string,
  role: 'social_worker' | 'auditor' | 'regional_admin' | 'district_officer' = 'social_worker',
): Actor => ({
  kind: 'staff',
  id,
  username: `user-${id}`,
  displayName: 'Dilnoza Karimova',
  grants: [
    {
      role,
      area: { kind: 'district', code: '1733212' },
      organisation: role === 'auditor' ? 'Inspection of personal data' : 'Inson centre, Urganch district',
    },
  ],
  sessionId: 'test-session',
});
