import type { AppContext } from '../platform/context.ts';
import { tashkentMonth } from './decision.jobs.ts';
import { countLiveHouseholds, findFinishedMonthRun } from './decision.repository.ts';
import { evaluateMonth } from './decision.service.ts';

export interface FirstStartOutcome {
  month: string;
  /** False when the month had already been evaluated (a restart): nothing was written. */
  evaluated: boolean;
  households: number;
  decisions: number;
  /** Granted decisions: the offers families see on the portal. */
  offers: number;
  /** Messages queued to families by the listeners of a month's run (src/proactive/run-notices.ts). */
  messages: number;
}

/**
 * The demo's first start: right after the seed, the proactive run of the current month (Tashkent time),
 * so that offers, decisions and messages exist without waiting for the nightly run at 02:00. A month
 * already evaluated (a restart) is left alone. Only in demo mode, in a process that works jobs.
 */
export async function evaluateOnFirstStart(
  ctx: AppContext,
  now = new Date(),
): Promise<FirstStartOutcome | undefined> {
  const { config, database, logger } = ctx;
  if (!config.DEMO || !config.JOBS) return undefined;
  const { db } = database;
  const month = tashkentMonth(now);
  const households = await countLiveHouseholds(db);
  if (households === 0) return undefined;
  if (await findFinishedMonthRun(db, month)) {
    logger.info({ month }, `${month} already evaluated: nothing to do at start-up`);
    return { month, evaluated: false, households, decisions: 0, offers: 0, messages: 0 };
  }
  logger.info({ month, households }, `evaluating ${month} for ${households} households…`);
  const summary = await evaluateMonth(db, month, { trigger: 'manual' });
  let messages = 0;
  for (const result of summary.notices) {
    if (typeof result === 'object' && result && 'messages' in result) messages += Number(result.messages);
  }
  const outcome: FirstStartOutcome = {
    month,
    evaluated: true,
    households: summary.householdsEvaluated,
    decisions: summary.decisionsWritten,
    offers: summary.byKind.granted,
    messages,
  };
  logger.info(
    { ...outcome, timings: summary.timings },
    `done: ${outcome.decisions} decisions, ${outcome.offers} offers, ${messages} messages`,
  );
  return outcome;
}
