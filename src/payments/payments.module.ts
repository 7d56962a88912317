import type { ContextModule } from '../platform/context-module.ts';
import { buildDemoPayroll, registerPaymentJobs, schedulePayrolls } from './payments.jobs.ts';
import { paymentRoutes } from './payments.routes.ts';

export const paymentsModule: ContextModule = {
  name: 'payments',
  docs: 'Monthly payrolls of the entitlements in force, a double-entry append-only ledger, bank files and reconciliation',
  routes: [paymentRoutes],
  registerJobs: registerPaymentJobs,
  schedules: schedulePayrolls,
  demo: buildDemoPayroll,
  tables: [
    'payment_account',
    'payment_hold',
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
  ],
  actions: ['payments.read', 'payments.manage', 'payments.hold'],
};
