import type { Config } from '../platform/config.ts';

/** The payments settings of config.ts, resolved once. */
export interface PaymentSettings {
  /** A batch whose total (so'm) is above this needs two different finance officers' approvals. */
  fourEyesAbove: number;
  /** Cron (Tashkent time) of the monthly payroll build, or null when it is off. */
  schedule: string | null;
}

export function paymentSettings(config: Config): PaymentSettings {
  return {
    fourEyesAbove: config.PAYMENT_FOUR_EYES_ABOVE,
    schedule: config.PAYROLL_SCHEDULE === 'off' ? null : config.PAYROLL_SCHEDULE,
  };
}
