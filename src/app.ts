import { resolve } from 'node:path';
import { accessPlugin } from './access/access.plugin.ts';
import { CONTEXTS } from './contexts.ts';
import { evaluateOnFirstStart } from './decisions/first-start.ts';
import { authenticationPlugin } from './identity/authenticate.ts';
import { installDemoAccounts } from './identity/demo-accounts.ts';
import type { Config } from './platform/config.ts';
import type { AppContext } from './platform/context.ts';
import { type Database, openDatabase } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { openReadReplica, primaryOnly } from './platform/db/read-replica.ts';
import { healthRoutes } from './platform/http/health.routes.ts';
import { handlersSettled } from './platform/http/in-flight.ts';
import { type App, buildServer, type HttpPlugin } from './platform/http/server.ts';
import { JobRunner } from './platform/jobs/job-runner.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { seedPopulation } from './synthetic/seed.ts';
import { buildTerritory } from './territory/territory.builder.ts';
import { installTerritory } from './territory/territory.repository.ts';

/**
 * Wires every context of `CONTEXTS` (src/contexts.ts): the hooks they register on each other, their job
 * handlers, then the HTTP plugins. Adding a context is adding its module to that list, not editing this.
 */
export function httpPlugins(ctx: AppContext): HttpPlugin[] {
  for (const context of CONTEXTS) context.wire?.(ctx);
  for (const context of CONTEXTS) context.registerJobs?.(ctx);
  // authenticationPlugin first: its onRequest hook sets request.actor for every route registered after it.
  return [
    authenticationPlugin,
    // Second: its onRequest hook needs request.actor, and refuses any route that declares no access rule.
    accessPlugin,
    healthRoutes,
    ...CONTEXTS.flatMap((context) => context.routes ?? []),
  ];
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.DATABASE_URL,
    listenUrl: config.DATABASE_LISTEN_URL,
    dataDir: resolve(config.DATA_DIR, 'pglite'),
    schema: config.DATABASE_SCHEMA,
  });
}

/** Migrates, installs the territory and, on an empty registry, the demo population. */
export async function prepareDatabase(database: Database, config: Config, logger: Logger): Promise<void> {
  const applied = await migrate(database);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  for (const context of CONTEXTS) await context.prepare?.(database);
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

/** How long a stopping process waits for handlers whose clients went away. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningApp {
  app: App;
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
  /** Queries answered by the read replica and by the primary in its stead (tests of the routing). */
  readCounts(): { replica: number; primary: number };
}

export async function startApp(config: Config): Promise<RunningApp> {
  const logger = createLogger(config);
  const database = await openConfiguredDatabase(config);
  const jobs = new JobRunner(database, logger, {
    schema: config.DATABASE_SCHEMA ? `${config.DATABASE_SCHEMA}_jobs` : 'pgboss',
    schedule: config.JOBS,
  });
  const reads = config.DATABASE_READ_URL
    ? openReadReplica({
        url: config.DATABASE_READ_URL,
        schema: config.DATABASE_SCHEMA,
        primary: database.db,
        logger,
        retryMs: config.READ_REPLICA_RETRY_SECONDS * 1000,
      })
    : primaryOnly(database.db);
  const ctx: AppContext = { config, database, readDb: reads.db, logger, jobs };
  const stopDelivery: Array<() => void> = [];
  // N processes may start together on one database (behind a load balancer): they take turns through the
  // start-up below, so one migrates, seeds, creates the job queues and evaluates the first month while the
  // others wait and then find it done (docs/DEPLOYMENT.md). Requests are served only after it.
  const app = await database.withLock('startup', async () => {
    await prepareDatabase(database, config, logger);
    const built = await buildServer(ctx, httpPlugins(ctx));
    await jobs.start({ work: config.JOBS });
    // Start-up recovery (runs a killed process left 'running' are failed), whether or not this process runs jobs.
    for (const context of CONTEXTS) await context.recover?.(ctx);
    // Demo: the current month is evaluated once (offers, decisions, messages) instead of waiting for 02:00.
    await evaluateOnFirstStart(ctx);
    if (config.DEMO && config.JOBS) for (const context of CONTEXTS) await context.demo?.(ctx);
    if (config.JOBS) {
      for (const context of CONTEXTS) await context.schedules?.(ctx);
      // Delivery loops (SMS, my.gov.uz callbacks): messages leave as soon as they are queued.
      for (const context of CONTEXTS) if (context.start) stopDelivery.push(await context.start(ctx));
    }
    return built;
  });
  const url = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url, database: database.kind }, 'Himoya is listening');
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Order matters: stop taking requests, let running handlers and jobs finish and in-flight work
      // settle, then close the database.
      await app.close();
      if (!(await handlersSettled(app, SHUTDOWN_GRACE_MS))) {
        logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'stopping with request handlers still running');
      }
      for (const context of CONTEXTS) await context.settle?.(ctx);
      for (const stopLoop of stopDelivery) stopLoop();
      await jobs.stop();
      await reads.close();
      await database.close();
    })();
    return stopping;
  };
  return { app, ctx, url, stop, readCounts: () => reads.counts() };
}
