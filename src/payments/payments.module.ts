import type { ContextModule } from '../platform/context-module.ts';
import { buildDemoPayroll, registerPaymentJobs, schedulePayrolls } from './payments.jobs.ts';
import { paymentRoutes } from './payments.routes.ts';

/** The registers of the present: a household's open account and open holds (the only rows ever updated). */
export const PAYMENT_REGISTERS = ['payment_account', 'payment_hold'] as const;
/** What payrolls, banks and officers recorded: append-only, emptied together only by a bench or a test. */
export const PAYMENT_RECORDS = [
  'payroll_run',
  'payment_line',
  'payment_line_hold',
  'payment_batch',
  'payment_batch_approval',
  'payment_batch_export',
  'payment_attempt',
  'bank_result_file',
  'payment_outcome',
  'ledger_entry',
] as const;

export const paymentsModule: ContextModule = {
  name: 'payments',
  docs: 'Monthly payrolls of the entitlements in force, a double-entry append-only ledger, bank files and reconciliation',
  routes: [paymentRoutes],
  registerJobs: registerPaymentJobs,
  schedules: schedulePayrolls,
  demo: buildDemoPayroll,
  tables: [...PAYMENT_REGISTERS, ...PAYMENT_RECORDS],
  actions: ['payments.read', 'payments.manage', 'payments.hold'],
};
