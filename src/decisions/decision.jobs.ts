import type { AppContext } from '../platform/context.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import { currentMonth, evaluateHousehold, evaluateMonth } from './decision.service.ts';

export const EVALUATE_MONTH_JOB = 'decisions.evaluate-month';
export const EVALUATE_HOUSEHOLD_JOB = 'decisions.evaluate-household';

export interface EvaluateMonthJob {
  month: string;
  /** The run row the API created when it queued the job; absent for nightly triggers. */
  runId?: number;
}

export interface EvaluateHouseholdJob {
  householdId: string;
  month?: string;
}

export function registerDecisionJobs({ database, jobs, logger }: AppContext): void {
  jobs.register<EvaluateMonthJob>(EVALUATE_MONTH_JOB, async (data) => {
    const summary = await evaluateMonth(database.db, data.month, {
      trigger: data.runId === undefined ? 'nightly' : 'manual',
      ...(data.runId === undefined ? {} : { runId: data.runId }),
    });
    logger.info(summary, 'month evaluated');
  });
  jobs.register<EvaluateHouseholdJob>(EVALUATE_HOUSEHOLD_JOB, async (data) => {
    const summary = await evaluateHousehold(database.db, data.householdId, data.month ?? currentMonth());
    logger.info(summary, 'household evaluated');
  });
}

/** For other contexts: re-evaluate a household after its data changed (one job per household and month). */
export function enqueueHouseholdEvaluation(
  jobs: JobRunner,
  householdId: string,
  month: string = currentMonth(),
): Promise<string | null> {
  return jobs.send(EVALUATE_HOUSEHOLD_JOB, { householdId, month } satisfies EvaluateHouseholdJob, {
    singletonKey: `${householdId}:${month}`,
  });
}
