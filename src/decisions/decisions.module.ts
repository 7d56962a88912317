import type { ContextModule } from '../platform/context-module.ts';
import {
  recoverDeadRuns,
  registerDecisionJobs,
  scheduleDeadRunSweep,
  scheduleNightlyEvaluation,
} from './decision.jobs.ts';
import { decisionRoutes } from './decision.routes.ts';
import { declareProgrammes } from './programme.repository.ts';
import { programmeRoutes } from './programme.routes.ts';

export const decisionsModule: ContextModule = {
  name: 'decisions',
  docs: 'Monthly and incremental evaluation, changes-only decisions with traces, entitlements, simulations',
  routes: [decisionRoutes, programmeRoutes],
  // The registry's programme ids are what the database checks decisions and applications against.
  prepare: (database) => declareProgrammes(database.db),
  registerJobs: registerDecisionJobs,
  // Runs a killed process left 'running' (no heartbeat for a minute) are failed at start-up, and every minute.
  recover: async (ctx) => {
    await recoverDeadRuns(ctx);
  },
  schedules: async (ctx) => {
    await scheduleNightlyEvaluation(ctx);
    await scheduleDeadRunSweep(ctx);
  },
  tables: [
    'evaluation_run',
    'decision_trace',
    'decision',
    'entitlement',
    'programme',
    'population_fact',
    'population_fact_month',
    'population_fact_stale',
  ],
  actions: ['decisions.read', 'evaluations.household', 'evaluations.run', 'simulations.run'],
};
