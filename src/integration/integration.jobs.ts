import type { AppContext } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';
import { AGENCIES, type AgencyName } from './adapters/adapter.ts';
import type { OnLifeEvent } from './inbound/inbound.service.ts';
import { type PullResult, type PullSettings, pullAgency } from './inbound/pull.ts';

export const PULL_JOB = 'integration.pull';
const TASHKENT = 'Asia/Tashkent';

export interface PullJobData {
  agency: AgencyName | 'all';
}

/** The pull settings of the configuration; undefined when no agency URL is configured. */
export function pullSettingsOf(config: AppContext['config']): PullSettings | undefined {
  if (!config.INTEGRATION_AGENCY_URL) return undefined;
  return {
    baseUrl: config.INTEGRATION_AGENCY_URL,
    pageSize: config.INTEGRATION_PAGE_SIZE,
    timeoutMs: config.INTEGRATION_TIMEOUT_MS,
    retries: config.INTEGRATION_RETRIES,
    backoffMs: 200,
    breakerFailures: config.INTEGRATION_BREAKER_FAILURES,
    breakerCooldownMs: config.INTEGRATION_BREAKER_COOLDOWN_SECONDS * 1000,
  };
}

/**
 * Life events reach the proactive services (src/proactive) through this one hook. Imported on first use:
 * the proactive context pulls in decisions, notifications and DCI, which the inbound path needs only when
 * a life event actually arrives.
 */
export function lifeEventHook(ctx: AppContext): OnLifeEvent {
  return async (event) => {
    const { reactToLifeEvent } = await import('../proactive/life-events.service.ts');
    await reactToLifeEvent(ctx, event);
  };
}

export async function runPull(ctx: AppContext, data: PullJobData): Promise<PullResult[]> {
  const settings = pullSettingsOf(ctx.config);
  if (!settings) throw new DomainError('INTEGRATION_PULL_NOT_CONFIGURED');
  const agencies = data.agency === 'all' ? AGENCIES : [data.agency];
  const results: PullResult[] = [];
  for (const agency of agencies) {
    const result = await pullAgency(ctx.database, agency, settings, {
      onLifeEvent: lifeEventHook(ctx),
      logger: ctx.logger,
    });
    ctx.logger.info(result, 'agency pulled');
    results.push(result);
  }
  return results;
}

export function registerIntegrationJobs(ctx: AppContext): void {
  ctx.jobs.register<PullJobData>(PULL_JOB, async (data) => {
    await runPull(ctx, data);
  });
}

/** Every agency pulled on the configured schedule (only with an agency URL and a schedule). */
export async function scheduleIntegrationPulls(ctx: AppContext): Promise<void> {
  const { config, jobs, logger } = ctx;
  if (!config.INTEGRATION_AGENCY_URL || config.INTEGRATION_PULL_SCHEDULE === 'off') {
    await jobs.unschedule(PULL_JOB);
    return;
  }
  await jobs.schedule(PULL_JOB, config.INTEGRATION_PULL_SCHEDULE, { agency: 'all' }, TASHKENT);
  logger.info({ cron: config.INTEGRATION_PULL_SCHEDULE }, 'agency pulls scheduled');
}
