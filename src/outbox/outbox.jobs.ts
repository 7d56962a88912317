import type { AppContext } from '../platform/context.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import type { OutboxContext } from './outbox.handlers.ts';
import { DeliveryLoop } from './outbox.loop.ts';
import { attachOutboxLoop, deliverDue, nextDueAt } from './outbox.service.ts';

/**
 * The outbox on pg-boss: one job, `outbox.deliver`, drains whatever is due. It is sent when a caller with
 * the job runner wakes the outbox after its commit, every minute by cron (for what other processes left),
 * and, after a pass that leaves retries waiting, once more at the earliest retry's due time. In a process
 * that works jobs an in-process loop also delivers within milliseconds of an enqueue (see outbox.loop.ts).
 */

export const OUTBOX_JOB = 'outbox.deliver';
const PASS_LIMIT = 100;

type JobsContext = OutboxContext & Pick<AppContext, 'jobs'>;

async function drain(ctx: OutboxContext): Promise<void> {
  for (;;) {
    const summary = await deliverDue(ctx, { limit: PASS_LIMIT });
    if (summary.claimed > 0) ctx.logger.info(summary, 'outbox delivered');
    if (summary.claimed < PASS_LIMIT) return;
  }
}

/** A job for the earliest pending retry, one per due second (sends for the same time coalesce). */
async function wakeAtNextDue(ctx: JobsContext): Promise<void> {
  const due = await nextDueAt(ctx.database.db);
  if (!due) return;
  const second = Math.ceil(due.getTime() / 1000);
  await ctx.jobs.send(
    OUTBOX_JOB,
    {},
    {
      startAfter: new Date(second * 1000),
      singletonKey: `outbox.due:${second}`,
      singletonSeconds: 3600,
      retryLimit: 1,
    },
  );
}

export function registerOutboxJobs(ctx: JobsContext): void {
  ctx.jobs.register(OUTBOX_JOB, async () => {
    await drain(ctx);
    await wakeAtNextDue(ctx);
  });
}

/** After a commit that queued messages: a worker (of any process) delivers them now. */
export async function wakeOutbox(jobs: JobRunner): Promise<void> {
  await jobs.send(OUTBOX_JOB, {}, { retryLimit: 1 });
}

/** The minute sweeps of the delivery loops the outbox replaced (ADR 009): kept in upgraded databases. */
const REPLACED_SCHEDULES = ['notifications.dispatch', 'intake.callbacks'];

/** In a process that works jobs: the minute sweep and the in-process loop. Returns what stops the loop. */
export async function startOutbox(ctx: JobsContext): Promise<() => void> {
  for (const name of REPLACED_SCHEDULES) await ctx.jobs.unschedule(name);
  await ctx.jobs.schedule(OUTBOX_JOB, '* * * * *', {}, 'UTC');
  const loop = new DeliveryLoop(
    'outbox',
    async () => ({ full: (await deliverDue(ctx, { limit: PASS_LIMIT })).claimed === PASS_LIMIT }),
    () => nextDueAt(ctx.database.db),
    ctx.logger,
  );
  const detach = attachOutboxLoop(loop);
  loop.kick();
  return detach;
}
