import { resolve } from 'node:path';
import { accessPlugin } from './access/access.plugin.ts';
import { administrationRoutes } from './administration/administration.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { caseworkRoutes } from './casework/casework.routes.ts';
import { consentRoutes } from './consent/consent.routes.ts';
import { registerDciJobs } from './dci/dci.jobs.ts';
import { dciRoutes } from './dci/dci.routes.ts';
import {
  recoverDeadRuns,
  registerDecisionJobs,
  scheduleDeadRunSweep,
  scheduleNightlyEvaluation,
} from './decisions/decision.jobs.ts';
import { decisionRoutes } from './decisions/decision.routes.ts';
import { declareProgrammes } from './decisions/programme.repository.ts';
import { programmeRoutes } from './decisions/programme.routes.ts';
import { documentRoutes } from './documents/documents.routes.ts';
import { authenticationPlugin } from './identity/authenticate.ts';
import { installDemoAccounts } from './identity/demo-accounts.ts';
import { registerIdentityJobs, scheduleIdentityPurge } from './identity/identity.purge.ts';
import { identityRoutes } from './identity/identity.routes.ts';
import { intakeRoutes } from './intake/intake.routes.ts';
import { registerIntakeJobs, startIntakeCallbacks } from './intake/intake.service.ts';
import { registerIntegrationJobs, scheduleIntegrationPulls } from './integration/integration.jobs.ts';
import { integrationRoutes } from './integration/integration.routes.ts';
import { registerNotificationJobs, startNotificationDispatch } from './notifications/dispatcher.ts';
import { notificationRoutes } from './notifications/notification.routes.ts';
import type { Config } from './platform/config.ts';
import type { AppContext } from './platform/context.ts';
import { type Database, openDatabase } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { healthRoutes } from './platform/http/health.routes.ts';
import { type App, buildServer, type HttpPlugin } from './platform/http/server.ts';
import { JobRunner } from './platform/jobs/job-runner.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { offerRoutes } from './proactive/offers.routes.ts';
import { proactiveRoutes } from './proactive/proactive.routes.ts';
import { meRoutes } from './registry/persons/me.routes.ts';
import { registerRegistryJobs } from './registry/registry.jobs.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { seedPopulation } from './synthetic/seed.ts';
import { buildTerritory } from './territory/territory.builder.ts';
import { installTerritory } from './territory/territory.repository.ts';
import { territoryRoutes } from './territory/territory.routes.ts';
import { webRoutes } from './web/web.routes.ts';

/** Every context's HTTP routes, in one list: adding a context means adding it here. */
export function httpPlugins(ctx: AppContext): HttpPlugin[] {
  registerRegistryJobs(ctx);
  registerDecisionJobs(ctx);
  registerDciJobs(ctx);
  registerIntegrationJobs(ctx);
  registerNotificationJobs(ctx);
  registerIntakeJobs(ctx);
  registerIdentityJobs(ctx);
  // authenticationPlugin first: its onRequest hook sets request.actor for every route registered after it.
  return [
    authenticationPlugin,
    // Second: its onRequest hook needs request.actor, and refuses any route that declares no access rule.
    accessPlugin,
    identityRoutes,
    healthRoutes,
    territoryRoutes,
    registryRoutes,
    decisionRoutes,
    programmeRoutes,
    caseworkRoutes,
    webRoutes,
    auditRoutes,
    consentRoutes,
    dciRoutes,
    integrationRoutes,
    notificationRoutes,
    intakeRoutes,
    proactiveRoutes,
    offerRoutes,
    meRoutes,
    documentRoutes,
    administrationRoutes,
  ];
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.DATABASE_URL,
    dataDir: resolve(config.DATA_DIR, 'pglite'),
    schema: config.DATABASE_SCHEMA,
  });
}

/** Migrates, installs the territory and, on an empty registry, the demo population. */
export async function prepareDatabase(database: Database, config: Config, logger: Logger): Promise<void> {
  const applied = await migrate(database);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  // Before anything decides: the programme ids of the registry are what the database checks against.
  await declareProgrammes(database.db);
  await installTerritory(database.db, buildTerritory('khorezm'));
  const existing = await database.db
    .selectFrom('household')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) === 0 && config.DEMO && config.SEED_HOUSEHOLDS > 0) {
    logger.info(
      { households: config.SEED_HOUSEHOLDS, seed: config.SEED },
      'empty registry: seeding demo population',
    );
    const report = await seedPopulation(database, {
      households: config.SEED_HOUSEHOLDS,
      seed: config.SEED,
      scope: 'khorezm',
      progress: false,
    });
    logger.info(report, 'demo population seeded');
  }
  if (config.DEMO) {
    // After the seed, so the demo social workers are bound to mahallas that have households.
    const created = await installDemoAccounts(database);
    if (created.length > 0)
      logger.info({ accounts: created }, 'demo accounts created (password himoya-demo)');
  }
}

export interface RunningApp {
  app: App;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

export async function startApp(config: Config): Promise<RunningApp> {
  const logger = createLogger(config);
  const database = await openConfiguredDatabase(config);
  await prepareDatabase(database, config, logger);
  const jobs = new JobRunner(database, logger, {
    schema: config.DATABASE_SCHEMA ? `${config.DATABASE_SCHEMA}_jobs` : 'pgboss',
    schedule: config.JOBS,
  });
  const ctx: AppContext = { config, database, logger, jobs };
  const app = await buildServer(ctx, httpPlugins(ctx));
  await jobs.start({ work: config.JOBS });
  // Runs a killed process left 'running' (no heartbeat for a minute) are failed now, and every minute.
  await recoverDeadRuns(ctx);
  if (config.JOBS) {
    await scheduleNightlyEvaluation(ctx);
    await scheduleDeadRunSweep(ctx);
    await scheduleIdentityPurge(ctx);
  }
  if (config.JOBS) await scheduleIntegrationPulls(ctx);
  // SMS and my.gov.uz callbacks leave as soon as they are queued (and retries wake up on time).
  const stopDelivery = config.JOBS
    ? [await startNotificationDispatch(ctx), await startIntakeCallbacks(ctx)]
    : [];
  const url = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url, database: database.kind }, 'Himoya is listening');
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Order matters: stop taking requests, let running jobs finish, then close the database.
      await app.close();
      for (const stopLoop of stopDelivery) stopLoop();
      await jobs.stop();
      await database.close();
    })();
    return stopping;
  };
  return { app, ctx, url, stop };
}
