import type { ContextModule } from '../platform/context-module.ts';
import { scheduleFiguresRefresh } from './dci.figures.ts';
import { registerDciJobs } from './dci.jobs.ts';
import { dciRoutes } from './dci.routes.ts';

export const dciModule: ContextModule = {
  name: 'dci',
  docs: "The DCI Social Registry API for agencies' systems: search, subscriptions, signed callbacks",
  routes: [dciRoutes],
  registerJobs: registerDciJobs,
  schedules: scheduleFiguresRefresh,
  tables: [
    'dci_transaction',
    'dci_request',
    'dci_subscription',
    'dci_outbox',
    'dci_signing_key',
    'dci_household_figure',
  ],
  actions: ['dci.search', 'dci.subscribe'],
};
