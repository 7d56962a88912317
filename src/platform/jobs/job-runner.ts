import PgBoss from 'pg-boss';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';

export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<void>;

export interface JobStatus {
  id: string;
  name: string;
  state: string;
  data: unknown;
  output: unknown;
  createdOn: Date;
  completedOn: Date | null;
}

export interface SendOptions {
  /** Same key while a job of that key is queued or active = no second job (idempotent triggers). */
  singletonKey?: string;
  retryLimit?: number;
  /** Not before this time (a retry that falls due later). */
  startAfter?: Date;
  /** With `singletonKey`: one job of that key per slot of this many seconds (later sends are dropped). */
  singletonSeconds?: number;
}

/**
 * Durable jobs on pg-boss, stored in the same database as the data (PGlite or PostgreSQL), so queued
 * work survives a restart. pg-boss reaches the database through our connection (`executeSql`), which on
 * PGlite shares the one connection lock with Kysely.
 */
export class JobRunner {
  private readonly boss: PgBoss;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private started = false;

  constructor(
    database: Database,
    private readonly logger: Logger,
    options: { schema?: string; pollingIntervalSeconds?: number; schedule?: boolean } = {},
  ) {
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => database.query(text, values) },
      schema: options.schema ?? 'pgboss',
      supervise: true,
      // Cron timers only in a server that works jobs: tests and one-off commands keep none running.
      schedule: options.schedule ?? false,
    });
    this.boss.on('error', (error: Error) => this.logger.error({ err: error }, 'job runner error'));
    this.pollingIntervalSeconds = options.pollingIntervalSeconds ?? 1;
  }

  private readonly pollingIntervalSeconds: number;

  register<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  /** Creates pg-boss's tables and the queues; with `work` also starts polling for registered handlers. */
  async start({ work }: { work: boolean }): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const name of this.handlers.keys()) await this.boss.createQueue(name);
    this.started = true;
    if (!work) return;
    for (const [name, handler] of this.handlers) {
      await this.boss.work(name, { pollingIntervalSeconds: this.pollingIntervalSeconds }, async (jobs) => {
        for (const job of jobs) {
          this.logger.info({ job: job.id, name }, 'job started');
          await handler(job.data, { id: job.id, name });
          this.logger.info({ job: job.id, name }, 'job done');
        }
      });
    }
  }

  async send(name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    if (!this.handlers.has(name)) throw new Error(`No handler registered for job ${name}`);
    return this.boss.send(name, data, {
      retryLimit: options.retryLimit ?? 3,
      retryBackoff: true,
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
    });
  }

  /**
   * Sends `data` to the job `name` on a cron schedule (kept in the database: every process started with
   * scheduling on fires it, once per due time across processes). The schedule survives restarts until
   * `unschedule`.
   */
  async schedule(name: string, cron: string, data: object, timeZone: string): Promise<void> {
    if (!this.handlers.has(name)) throw new Error(`No handler registered for job ${name}`);
    await this.boss.schedule(name, cron, data, { tz: timeZone, retryLimit: 3, retryBackoff: true });
  }

  async unschedule(name: string): Promise<void> {
    await this.boss.unschedule(name);
  }

  async schedules(): Promise<{ name: string; cron: string; timezone: string }[]> {
    const found = await this.boss.getSchedules();
    return found.map((s) => ({ name: s.name, cron: s.cron, timezone: s.options?.tz ?? 'UTC' }));
  }

  async status(name: string, id: string): Promise<JobStatus | undefined> {
    const job = await this.boss.getJobById(name, id);
    if (!job) return undefined;
    return {
      id: job.id,
      name: job.name,
      state: job.state,
      data: job.data,
      output: job.output,
      createdOn: job.createdOn,
      completedOn: job.completedOn ?? null,
    };
  }

  /** Cancels a job that is queued, waiting for a retry or active: pg-boss will not run or retry it. */
  async cancel(name: string, id: string): Promise<void> {
    await this.boss.cancel(name, id);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
