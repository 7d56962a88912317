import { onMonthEvaluated } from '../decisions/decision.events.ts';
import type { ContextModule } from '../platform/context-module.ts';
import { offerRoutes } from './offers.routes.ts';
import { proactiveRoutes } from './proactive.routes.ts';
import { notifyRunDecisions } from './run-notices.ts';

export const proactiveModule: ContextModule = {
  name: 'proactive',
  docs: 'Life events turned into services without an application: service cases, offers and responses',
  routes: [proactiveRoutes, offerRoutes],
  // Every whole-month run (nightly, staff, the demo's first start) tells families of their decisions.
  wire: () =>
    onMonthEvaluated('proactive.notify-families', (db, summary) => notifyRunDecisions(db, summary.runId)),
  tables: ['service_case', 'service_case_step', 'offer_response'],
  actions: [],
};
