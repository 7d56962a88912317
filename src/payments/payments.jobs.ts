import type { AppContext } from '../platform/context.ts';
import { khorezmToday } from '../shared/khorezm-clock.ts';
import { paymentSettings } from './payments.settings.ts';
import { buildPayroll, monthlyProgrammes } from './payroll.service.ts';

/** One job per programme paid monthly, so one programme's failure never holds up another's payroll. */
const jobName = (programme: string) => `payments.payroll.${programme}`;

export function registerPaymentJobs({ database, jobs, logger, config }: AppContext): void {
  const settings = paymentSettings(config);
  for (const programme of monthlyProgrammes()) {
    jobs.register(jobName(programme), async () => {
      const month = khorezmToday().slice(0, 7);
      const { run, created } = await buildPayroll(database.db, {
        month,
        programme,
        builtBy: 'system:payroll',
        fourEyesAbove: settings.fourEyesAbove,
      });
      logger.info(
        { run: run.id, month, programme, created, lines: run.lines, held: run.heldLines },
        'payroll built',
      );
    });
  }
}

/** Monthly, on the 1st in Tashkent by default (PAYROLL_SCHEDULE), so batches are approved by the 4th. */
export async function schedulePayrolls({ jobs, config }: AppContext): Promise<void> {
  const { schedule } = paymentSettings(config);
  for (const programme of monthlyProgrammes()) {
    if (schedule) await jobs.schedule(jobName(programme), schedule, {}, 'Asia/Tashkent');
    else await jobs.unschedule(jobName(programme));
  }
}

/** The demo's first start: this month's payroll built, its batches waiting for the finance officers. */
export async function buildDemoPayroll({ database, config, logger }: AppContext): Promise<void> {
  const month = khorezmToday().slice(0, 7);
  const { fourEyesAbove } = paymentSettings(config);
  for (const programme of monthlyProgrammes()) {
    const { run, created } = await buildPayroll(database.db, {
      month,
      programme,
      builtBy: 'system:payroll',
      fourEyesAbove,
    });
    if (created)
      logger.info({ month, programme, lines: run.lines, batches: run.batches }, 'demo payroll built');
  }
}
