import type { AppContext } from '../platform/context.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import { addMonths, parseMonth } from '../rules/dates.ts';
import { evaluateHousehold, evaluateMonth } from './decision.service.ts';
import { refreshFacts } from './population-facts.repository.ts';
import { failDeadRuns } from './run-heartbeat.ts';

export const EVALUATE_MONTH_JOB = 'decisions.evaluate-month';
export const EVALUATE_HOUSEHOLD_JOB = 'decisions.evaluate-household';
export const DEAD_RUNS_JOB = 'decisions.fail-dead-runs';

/**
 * Marks failed the runs whose process died (no heartbeat for a minute) and cancels their jobs, so that
 * pg-boss does not start them again on its own a quarter of an hour later, beside a new run of the
 * month. Called at start-up, every minute (DEAD_RUNS_JOB), and before a month is queued.
 */
export async function recoverDeadRuns({ database, jobs, logger }: AppContext): Promise<number> {
  const dead = await failDeadRuns(database.db);
  for (const run of dead) {
    if (run.jobId) await jobs.cancel(EVALUATE_MONTH_JOB, run.jobId).catch(() => undefined);
  }
  if (dead.length > 0) logger.warn({ runs: dead }, 'evaluation runs without a heartbeat marked failed');
  return dead.length;
}

/** The sweep for dead runs, every minute, in a process that works jobs. */
export async function scheduleDeadRunSweep({ jobs }: AppContext): Promise<void> {
  await jobs.schedule(DEAD_RUNS_JOB, '* * * * *', {}, TASHKENT);
}

/**
 * The proactive run: every household, every programme, each night at `EVALUATE_SCHEDULE` (Tashkent time),
 * or no schedule when it is 'off'. Idempotent, so a night fired twice writes nothing the second time.
 */
export async function scheduleNightlyEvaluation({ config, jobs, logger }: AppContext): Promise<void> {
  if (config.EVALUATE_SCHEDULE === 'off') {
    await jobs.unschedule(EVALUATE_MONTH_JOB);
    logger.info('nightly evaluation is off');
    return;
  }
  await jobs.schedule(EVALUATE_MONTH_JOB, config.EVALUATE_SCHEDULE, {}, TASHKENT);
  logger.info({ cron: config.EVALUATE_SCHEDULE, timeZone: TASHKENT }, 'nightly evaluation scheduled');
}

export interface EvaluateMonthJob {
  month: string;
  /** The run row the API created when it queued the job; absent for nightly triggers. */
  runId?: number;
}

export interface EvaluateHouseholdJob {
  householdId: string;
  month?: string;
}

/** Uzbekistan keeps UTC+5 all year; months and nightly runs follow the clock on the wall in Khorezm. */
export const TASHKENT = 'Asia/Tashkent';

/** The month ('YYYY-MM') it is in Tashkent at `now`: a run at 02:00 on the 1st is the new month's. */
export function tashkentMonth(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TASHKENT, year: 'numeric', month: '2-digit' })
    .format(now)
    .slice(0, 7);
}

export function registerDecisionJobs(ctx: AppContext): void {
  const { database, jobs, logger } = ctx;
  jobs.register(DEAD_RUNS_JOB, async () => {
    await recoverDeadRuns(ctx);
  });
  jobs.register<Partial<EvaluateMonthJob>>(EVALUATE_MONTH_JOB, async (data) => {
    // The nightly schedule sends no month: it is the month of the night it fires in.
    const month = data.month ?? tashkentMonth();
    const summary = await evaluateMonth(database.db, month, {
      trigger: data.runId === undefined ? 'nightly' : 'manual',
      ...(data.runId === undefined ? {} : { runId: data.runId }),
    });
    // The families heard of their new, changed and ended entitlements (`notices`, decision.events.ts).
    logger.info(summary, 'month evaluated');
    // The next month's facts, built (the first night) or kept current (later nights) ahead of its first run,
    // which then reads them instead of deriving the whole month (docs/adr/013-population-facts.md).
    const next = addMonths(parseMonth(month), 1);
    try {
      const facts = await refreshFacts(database.db, next);
      logger.info({ month: next.key, ...facts }, 'next month facts prepared');
    } catch (error) {
      logger.warn(
        { month: next.key, err: error },
        'next month facts not prepared; its first load builds them',
      );
    }
  });
  jobs.register<EvaluateHouseholdJob>(EVALUATE_HOUSEHOLD_JOB, async (data) => {
    const summary = await evaluateHousehold(database.db, data.householdId, data.month ?? tashkentMonth());
    logger.info(summary, 'household evaluated');
  });
}

/** For other contexts: re-evaluate a household after its data changed (one job per household and month). */
export function enqueueHouseholdEvaluation(
  jobs: JobRunner,
  householdId: string,
  month: string = tashkentMonth(),
): Promise<string | null> {
  return jobs.send(EVALUATE_HOUSEHOLD_JOB, { householdId, month } satisfies EvaluateHouseholdJob, {
    singletonKey: `${householdId}:${month}`,
  });
}
